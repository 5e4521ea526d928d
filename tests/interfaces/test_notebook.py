"""The notebook facade: default engine, DataFrames out, the evaluation wrappers."""

from __future__ import annotations

import pandas as pd
import pytest

from assistant.errors import IngestError, InputError
from assistant.interfaces import frames
from assistant.interfaces import notebook as nb
from assistant.store.database import Store

SEED = "000_681f7b743be24556.txt"


@pytest.fixture(scope="module", autouse=True)
def store(tmp_path_factory, seeds_dir):
    folder = tmp_path_factory.mktemp("nb-store")
    bench = nb.use_store(Store.open(folder), embedder=False)
    assert nb.workbench() is bench
    table = nb.ingest(seeds_dir)
    assert (table["状态"] == "已导入").all() and table["新增"].sum() == bench.store.project_count() > 10
    yield folder
    nb._default = None


def test_ingest_reports_failures_per_file(tmp_path, seeds_dir):
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"junk")
    table = nb.ingest([bad, seeds_dir / SEED])
    assert table["状态"].tolist() == ["失败", "已存在"]
    assert "坏.docx" in table["说明"].iloc[0]


def test_a_new_version_of_a_project_is_a_conflict_unless_replaced(tmp_path):
    table = tmp_path / "表.csv"
    table.write_text("项目名称,三级指标,指标值\n笔记本项目,服务人次,≥10人次\n", encoding="utf-8")
    assert nb.ingest(table)["状态"].tolist() == ["已导入"]
    table.write_text("项目名称,三级指标,指标值\n笔记本项目,服务人次,≥12人次\n", encoding="utf-8")
    refused = nb.ingest(table)
    assert refused["状态"].tolist() == ["冲突"] and "--replace" in refused["说明"].iloc[0]
    assert nb.ingest(table, replace=True)["状态"].tolist() == ["已导入"]


def test_suggest_returns_a_grouped_table_with_evidence():
    table = nb.suggest("党员教育培训经费", goal="培训党员400人次", budget_wan=12, year=2024)
    assert list(table.columns) == [*frames.DRAFT_COLUMNS[1:], "依据"]
    assert len(table) >= 6 and table["依据"].str.contains("｜").any()
    assert {"数量指标", "服务对象满意度指标"} <= set(table["二级指标"])
    assert len(nb.suggest("党员教育培训经费", k=3)) == 3
    with pytest.raises(InputError):
        nb.suggest("")


def test_review_of_files_and_of_a_dataframe(seeds_dir):
    rows = nb.review(seeds_dir / SEED)
    assert list(rows.columns) == frames.REVIEW_COLUMNS
    assert (rows["结论"] == frames.VERDICT_NAMES["block"]).sum() >= 3
    frame = pd.DataFrame({"三级指标": ["培训人次", "群众满意度"], "指标值": ["≥400人次", "较高"]})
    reviewed = nb.review(frame)
    assert reviewed["结论"].tolist() == [frames.VERDICT_NAMES["ok"], frames.VERDICT_NAMES["block"]]
    summary = nb.review_summary(seeds_dir / SEED)
    assert list(summary.columns) == frames.PROJECT_COLUMNS and summary["退回"].sum() >= 3
    counts = nb.defect_counts(seeds_dir / SEED)
    assert "DEFERRED" in set(counts["代码"])
    with pytest.raises(IngestError, match="三级指标|表头|指标"):
        nb.review(pd.DataFrame({"a": [1]}))
    with pytest.raises(InputError):
        nb.review(pd.DataFrame())


def test_search_and_distribution():
    hits = nb.search("满意度", mode="keyword", limit=5)
    assert len(hits) == 5 and hits["三级指标"].str.contains("满意").all()
    assert "得分" in hits.columns and hits["得分"].is_monotonic_decreasing
    d = nb.distribution("群众满意度")
    assert d.unit == "%" and len(d.entries) >= len(d.numbers) > 0


def test_evaluate_review_gives_precision_recall_per_code():
    table = nb.evaluate_review()
    assert {"系统", "指标", "precision", "recall", "f1"} <= set(table.columns)
    rules = table[table["系统"] == "rules only"]
    assert "缺陷" in set(rules["指标"]) and "DEGREE" in set(rules["指标"])
    assert table[["precision", "recall", "f1"]].apply(lambda c: c.between(0, 1).all()).all()


def test_evaluate_suggest_runs_chosen_systems():
    table = nb.evaluate_suggest(["most-frequent"])
    assert table["系统"].tolist() == ["baseline: most-frequent"]
    assert 0 <= table["recall@10"].iloc[0] <= 1 and table["projects"].iloc[0] > 10
    with pytest.raises(InputError, match="没有匹配"):
        nb.evaluate_suggest(["no such system"])


def test_batch_review_can_skip_unreadable_files(tmp_path, seeds_dir):
    import shutil

    from assistant.errors import IngestWarning

    shutil.copy(seeds_dir / SEED, tmp_path / SEED)
    (tmp_path / "坏.xlsx").write_bytes(b"junk")
    with pytest.raises(IngestError, match="坏.xlsx"):
        nb.review(tmp_path)
    with pytest.warns(IngestWarning, match="坏.xlsx"):
        rows = nb.review(tmp_path, errors="skip")
    assert set(rows["来源"]) == {SEED}
    with pytest.raises(InputError, match="errors"):
        nb.review(tmp_path, errors="ignore")  # type: ignore[arg-type]
    assert nb.setup_plots() in (None, *nb.CJK_FONTS)


def test_default_suggest_systems_include_the_engine_and_all_still_exist():
    """A renamed evaluation config must not silently drop a system from the notebook's table."""
    from assistant.evaluation.suggest_eval import default_configs

    names = [config.name for config in default_configs()]
    for wanted in nb.DEFAULT_SUGGEST_SYSTEMS:
        assert any(wanted in name for name in names), wanted
    assert any(
        name.startswith("engine") for name in names if any(w in name for w in nb.DEFAULT_SUGGEST_SYSTEMS)
    )
