"""The shared workbench: one set of engines per store, pasted tables, batch review with failures."""

from __future__ import annotations

import pytest

from assistant.errors import IngestError, InputError
from assistant.interfaces.workbench import (
    PASTED_NAME,
    Workbench,
    install_workbench,
    read_pasted_table,
    workbench_for,
)
from assistant.store.database import Store

SEED = "000_681f7b743be24556.txt"


def test_pasted_tables_in_excel_and_csv_form():
    [tab] = read_pasted_table(
        "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人次\t≥400人次\n"
    )
    assert [(i.level2, i.name, i.value) for i in tab.indicators] == [("数量指标", "培训人次", "≥400人次")]
    assert tab.source.startswith(PASTED_NAME)
    comma = read_pasted_table("项目名称,三级指标,指标值\n甲,培训人次,≥400人次\n乙,满意度,≥90%\n")
    assert [p.name for p in comma] == ["甲", "乙"]
    with pytest.raises(InputError, match="为空"):
        read_pasted_table(" \n ")
    with pytest.raises(IngestError, match="三级指标|表头"):
        read_pasted_table("这不是表格")


def test_one_workbench_per_store(tmp_path):
    first = workbench_for(tmp_path / "a")
    assert workbench_for(str(tmp_path / "a")) is first
    assert workbench_for(tmp_path / "b") is not first
    mine = install_workbench(Workbench(Store.open(tmp_path / "c"), embedder=False), tmp_path / "c")
    assert workbench_for(tmp_path / "c") is mine


def test_review_paths_reports_progress_and_failures(tmp_path, seeds_dir):
    bench = Workbench(Store.open(tmp_path / "store"), embedder=False)
    broken = tmp_path / "坏.pdf"
    broken.write_bytes(b"%PDF-1.4 broken")
    seen: list[tuple[int, int, str]] = []
    batch = bench.review_paths([broken, seeds_dir / SEED], on_file=lambda *a: seen.append(a))
    assert seen == [(0, 2, "坏.pdf"), (1, 2, SEED)]
    assert [e.file for e in batch.failed] == ["坏.pdf"]
    assert batch.reviews and {r.project.source for r in batch.reviews} == {SEED}
    assert sum(1 for r in batch.reviews for i in r.indicators if i.verdict == "block") >= 3
