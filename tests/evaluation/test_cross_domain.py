"""The cross-domain check: published tables read as new projects, and leave-one-source-out."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from assistant.errors import InputError
from assistant.evaluation.cross_domain import evaluate, evaluate_sources, load_pages, source_family
from tests.engines.suggest.fakes import training_projects


def _page(name: str, goal: str, rows: list[tuple[str, str, str, str]]) -> str:
    indicators = [{"level1": a, "level2": b, "name": c, "value": d} for a, b, c, d in rows]
    return json.dumps(
        {"project": name, "goal": goal, "budget_wan": 20, "year": 2024, "indicators": indicators}
    )


def test_pages_are_read_as_projects_and_a_bad_line_is_named(tmp_path):
    path = tmp_path / "projects.jsonl"
    path.write_text(
        _page("党员培训经费", "培训党员200人次", [("产出指标", "数量指标", "培训人次", "≥200人次")]) + "\n\n",
        encoding="utf-8",
    )
    (project,) = load_pages(path)
    assert (project.name, project.budget_wan, project.indicators[0].name) == (
        "党员培训经费",
        20.0,
        "培训人次",
    )
    path.write_text(_page("a", "", []) + "\n" + '{"goal": "no name"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="第2行"):
        load_pages(path)


def test_each_seed_document_is_a_unit_and_the_workbooks_are_one():
    project = training_projects()[0]
    assert source_family(project) == "workbooks"  # the fakes come from .xlsx exports
    assert source_family(dataclasses.replace(project, source="001_seed.txt")) == "001_seed.txt"


def _r10(report: str, system: str) -> float:
    line = next(line for line in report.splitlines() if line.startswith(system))
    return float(re.findall(r"(\d\.\d{3}) \[", line)[1])


def test_leave_one_source_out_drafts_each_unit_from_the_others_only():
    projects = training_projects()
    # two units: the training projects in a seed document, everything else in the workbooks; a third
    # unit has no indicators to score
    units = [dataclasses.replace(p, source="seed.txt") if "培训" in p.name else p for p in projects]
    empty = dataclasses.replace(projects[0], name="空表项目", source="empty.txt", indicators=())
    report = evaluate_sources([*units, empty])
    assert report.startswith(f"# leave one source out: {len(units)} projects of 2 units")
    # a unit's own tables are hidden: the engine cannot copy the training projects' rows for them,
    # yet its library and goal rows still find some
    assert 0.0 < _r10(report, "engine (corpus + library)") < 1.0
    assert "candidate-pool ceiling" in report
    assert "per unit: seed.txt: " in report and "skipped" in report and "empty.txt" in report


def test_a_corpus_of_one_unit_has_nothing_to_leave_out():
    report = evaluate_sources(training_projects())
    assert report.startswith("# leave one source out: 0 projects of 0 units") and "workbooks" in report


def test_pages_report_has_every_system():
    pages = [dataclasses.replace(training_projects()[0], name="党员教育培训经费")]
    report = evaluate(pages, training_projects()[1:])
    for system in ("baseline: most-frequent", "baseline: copy-nearest", "ablation: no library"):
        assert system in report
    # the other training projects' rows find the held-out one's (same topic, same slots)
    assert _r10(report, "engine (corpus + library)") > 0.3
