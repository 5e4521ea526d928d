"""``assistant remove``: an ingested document leaves the store and its indexes; bad input is one line."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.interfaces.cli import main
from assistant.store.database import Store
from assistant.store.indexes import IndexSet

SEEDS = ("000_681f7b743be24556.txt", "002_a34f4ab8c6f3756e.txt")


def test_remove_deletes_a_source_and_refreshes_the_indexes(seeds_dir: Path, tmp_path: Path, capsys) -> None:
    store_dir = str(tmp_path / "store")
    assert main(["ingest", *(str(seeds_dir / s) for s in SEEDS), "--store", store_dir]) == 0
    capsys.readouterr()
    before = IndexSet.for_store(Store.open(store_dir), None)
    hits = before.search_indicators(
        "困难党员老党员关爱帮扶", 20, mode="bm25"
    )  # names of the seed removed below
    assert any(before.project(doc_id).source == SEEDS[0] for doc_id, _ in hits)
    assert main(["remove", "--list", "--json", "--store", store_dir]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [x["source"] for x in listed] == list(SEEDS) and all(x["projects"] > 0 for x in listed)
    assert main(["remove", SEEDS[0], "--store", store_dir]) == 0
    assert f"已删除 {SEEDS[0]}" in capsys.readouterr().out
    store = Store.open(store_dir)
    assert [s.source for s in store.sources()] == [SEEDS[1]]
    assert {p.source for p in store.projects()} == {SEEDS[1]}
    # the persisted keyword index was rebuilt for the new revision: no hit from the removed file
    index = IndexSet.for_store(store, None)
    hits = index.search_indicators("困难党员老党员关爱帮扶", 20, mode="bm25")
    assert all(index.project(doc_id).source == SEEDS[1] for doc_id, _ in hits)
    manifest = json.loads(
        (Path(store_dir) / "index" / "bm25-indicators" / "manifest.json").read_text("utf-8")
    )
    assert manifest["store_key"] == store.state_key


def test_remove_of_an_unknown_source_is_one_line_and_exit_2(seeds_dir: Path, tmp_path: Path, capsys) -> None:
    store_dir = str(tmp_path / "store")
    main(["ingest", str(seeds_dir / SEEDS[0]), "--store", store_dir, "--no-index"])
    capsys.readouterr()
    assert main(["remove", "000_681f7b743be24556", "--store", store_dir]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        len(err) == 1
        and err[0].startswith("assistant: error:")
        and "是否指：000_681f7b743be24556.txt" in err[0]
    )
    assert main(["remove", "--store", store_dir]) == 2
    assert "remove 需要至少一个 SOURCE" in capsys.readouterr().err
    assert Store.open(store_dir).project_count() > 0


def test_a_path_removes_one_of_two_same_named_files(tmp_path: Path, capsys) -> None:
    """Two folders' 绩效目标表.csv are two files (project identity uses the path): a path removes one."""
    store_dir = str(tmp_path / "store")
    tables = []
    for folder, department in (("甲", "甲街道"), ("乙", "乙街道")):
        (tmp_path / folder).mkdir()
        table = tmp_path / folder / "绩效目标表.csv"
        table.write_text(
            f"项目名称,主管部门,三级指标,指标值\n社区服务,{department},服务人次,≥100人次\n", encoding="utf-8"
        )
        tables.append(table)
    assert main(["ingest", *map(str, tables), "--store", store_dir, "--no-index"]) == 0
    assert Store.open(store_dir).project_count() == 2
    capsys.readouterr()
    assert main(["remove", str(tables[0]), "--store", store_dir, "--no-index"]) == 0
    assert "已删除" in capsys.readouterr().out
    assert [p.department for p in Store.open(store_dir).projects()] == ["乙街道"]
    assert main(["remove", "绩效目标表.csv", "--store", store_dir, "--no-index"]) == 0
    assert Store.open(store_dir).project_count() == 0
