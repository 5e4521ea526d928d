"""Goal ↔ indicators and year-over-year checks, on hand-made tables and on real ones (a seed table and
a copy edited as its next year; the songgang workbooks when present)."""

from __future__ import annotations

import dataclasses
import doctest
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from assistant.documents import read_document
from assistant.engines.review import Reviewer, crosscheck
from assistant.engines.review.crosscheck import ProjectHistory, goal_findings, year_over_year_findings
from assistant.records.schema import Indicator, Project

SEED = "002_a34f4ab8c6f3756e.txt"  # 2022 tables with counts


def test_doctests() -> None:
    assert doctest.testmod(crosscheck).failed == 0


def ind(level2: str, name: str, value: str) -> Indicator:
    return Indicator("产出指标", level2, name, value)


@pytest.mark.parametrize(
    ("goal", "rows", "codes"),
    [
        ("完成老旧小区改造15处", [ind("数量指标", "改造小区数量", "10处")], ["GOAL_MISMATCH"]),
        ("完成老旧小区改造15处", [ind("数量指标", "改造小区数量", "≥15处")], []),
        ("每人每天培训费用600元", [ind("成本指标", "党员培训", "16万元")], []),  # a rate per unit
        ("保证至少1份报告通过审议", [ind("数量指标", "出具研究报告数量", "≥2份")], []),  # met
        ("辐射辖区50万居民", [ind("成本指标", "总成本", "≤43.8万元")], []),  # people, not money
        ("维护保养项目232.76万元", [ind("成本指标", "总成本", "≤888.6万元")], []),  # a part of the total
        ("培训党员400人次", [ind("数量指标", "宣传册", "300份")], []),  # another unit, another thing
        ("开展培训4期", [ind("质量指标", "培训合格率", "≥95%")], []),  # no 数量 row
    ],
)
def test_goal_mismatch_only_for_a_contradicted_count(goal: str, rows: list, codes: list) -> None:
    assert [f.code for f in goal_findings(Project("项目", tuple(rows), goal=goal))] == codes


def test_goal_mismatch_cites_the_goal_clause_and_the_row() -> None:
    p = Project(
        "社区活动", (ind("数量指标", "开展文体活动场次", "8场"),), goal="全年开展文体活动12场，服务居民"
    )
    [finding] = goal_findings(p)
    assert finding.evidence == ("年度目标：全年开展文体活动12场", "数量指标｜开展文体活动场次｜8场")
    assert "12场" in finding.message and "8场" in finding.message


def _quietly(path: Path) -> list[Project]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_document(path)


def _next_year(project: Project) -> tuple[Project, Indicator, Indicator]:
    """The same table a year on, as drafters make it: copied, one count target lowered, one row dropped."""
    counts = [i for i in project.indicators if i.level2 == "数量指标" and crosscheck._target(i)]
    lowered, dropped = counts[0], project.indicators[-1]
    number, _unit = crosscheck._target(lowered)
    new_value = lowered.value.replace(f"{number:g}", f"{max(number - 1, 0):g}", 1)
    rows = [
        dataclasses.replace(i, value=new_value) if i is lowered else i
        for i in project.indicators
        if i is not dropped
    ]
    return (
        dataclasses.replace(project, indicators=tuple(rows), year=(project.year or 0) + 1),
        lowered,
        dropped,
    )


@pytest.fixture(scope="module")
def real_table(seeds_dir: Path) -> Project:
    projects = _quietly(seeds_dir / SEED)
    return max(
        (p for p in projects if p.year),
        key=lambda p: sum(crosscheck._target(i) is not None for i in p.indicators),
    )


def test_year_over_year_on_a_real_table_and_its_edited_next_year(real_table: Project) -> None:
    nxt, lowered, dropped = _next_year(real_table)
    history = ProjectHistory.from_projects([real_table])
    assert history.previous(nxt) is real_table and history.previous(real_table) is None
    findings = {f.code: f for f in year_over_year_findings(nxt, real_table)}
    assert set(findings) == {"COPIED_FROM_LAST_YEAR", "TARGET_LOWERED", "INDICATOR_DROPPED"}
    assert findings["TARGET_LOWERED"].evidence == (
        f"{lowered.name}：{real_table.year}年“{lowered.value}” → {nxt.year}年“"
        f"{next(i.value for i in nxt.indicators if i.name == lowered.name)}”",
    )
    assert any(dropped.name in e for e in findings["INDICATOR_DROPPED"].evidence)
    copied = findings["COPIED_FROM_LAST_YEAR"].evidence
    assert len(copied) >= 3 and not any(lowered.name + "：" in e for e in copied)


def test_another_department_or_a_later_table_is_not_last_year(real_table: Project) -> None:
    nxt, *_ = _next_year(real_table)
    other = dataclasses.replace(real_table, department="另一个单位")
    assert (
        ProjectHistory.from_projects([other]).previous(dataclasses.replace(nxt, department="本单位")) is None
    )
    assert ProjectHistory.from_projects([nxt]).previous(real_table) is None


def test_reviewer_reports_year_over_year_from_its_history(real_table: Project) -> None:
    nxt, *_ = _next_year(real_table)
    review = Reviewer(history=ProjectHistory.from_projects([real_table])).review_project(nxt)
    codes = {f.code for f in review.findings}
    assert {"COPIED_FROM_LAST_YEAR", "TARGET_LOWERED", "INDICATOR_DROPPED"} <= codes
    assert "TARGET_LOWERED" not in {f.code for f in Reviewer().review_project(nxt).findings}


def test_cli_review_compares_with_last_years_table_in_the_store(
    real_table: Project, seeds_dir, tmp_path
) -> None:
    from assistant.exports import write_declaration_xlsx

    store = tmp_path / "store"
    cli = [sys.executable, "-m", "assistant.interfaces.cli"]
    subprocess.run(
        [*cli, "ingest", str(seeds_dir / SEED), "--store", str(store), "--no-index"],
        check=True,
        capture_output=True,
    )
    nxt, lowered, _ = _next_year(real_table)
    path = write_declaration_xlsx(nxt, tmp_path / "next.xlsx")
    out = subprocess.run(
        [*cli, "review", str(path), "--store", str(store), "--json", "--no-model"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    projects = [json.loads(line) for line in out.splitlines() if '"type": "project"' in line]
    findings = {f["code"]: f for f in projects[0]["findings"]}
    assert {"COPIED_FROM_LAST_YEAR", "TARGET_LOWERED", "INDICATOR_DROPPED"} <= set(findings)
    assert any(lowered.name in e for e in findings["TARGET_LOWERED"]["evidence"])


def test_goal_check_on_the_songgang_workbooks(songgang_workbooks: list[Path]) -> None:
    """No finding on the unedited tables; a goal edited away from its agreeing row is caught."""
    edits = caught = 0
    for path in songgang_workbooks:
        for project in _quietly(path):
            assert goal_findings(project) == []
            for row in project.indicators:
                target = crosscheck._target(row)
                goal = project.goal or ""
                if row.level2 != "数量指标" or target is None or f"{target[0]:g}{target[1]}" not in goal:
                    continue
                edited = goal.replace(f"{target[0]:g}{target[1]}", f"{target[0] * 2 + 1:g}{target[1]}", 1)
                edits += 1
                caught += any(
                    f.code == "GOAL_MISMATCH"
                    for f in goal_findings(dataclasses.replace(project, goal=edited))
                )
    assert edits >= 5 and caught >= 0.8 * edits


def test_same_name_without_department_or_code_needs_a_similar_table(real_table: Project) -> None:
    bare = dataclasses.replace(real_table, department=None, code=None)
    nxt, *_ = _next_year(bare)
    assert ProjectHistory.from_projects([bare]).previous(nxt) is bare  # most rows shared: the same project
    other_region = dataclasses.replace(
        nxt, indicators=(Indicator("产出指标", "数量指标", "走访群众户数", "≥300户"),)
    )
    assert ProjectHistory.from_projects([bare]).previous(other_region) is None
