"""The 申报表 XLSX and DOCX exports: platform layout, and a round trip through our own readers."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from assistant.documents import read_document
from assistant.exports import (
    declaration_rows,
    sheet_names,
    short_label,
    write_declaration_docx,
    write_declaration_xlsx,
)
from assistant.records.build import make_indicator
from assistant.records.schema import Project


def _project(name: str = "党员教育培训经费") -> Project:
    return Project(
        name=name,
        indicators=(
            make_indicator("产出指标", "数量指标", "培训人次", "≥400人次", explain="按签到表统计"),
            make_indicator("产出指标", "数量指标", "培训期数", "≥4期"),
            make_indicator("产出指标", "时效指标", "完成时限", "2024年12月底前"),
            make_indicator("效益指标", "社会效益指标", "党员理论水平", "明显提升"),
            make_indicator("满意度指标", "服务对象满意度指标", "参训党员满意度", "≥95%"),
        ),
        code="440306000000001",
        department="区委组织部",
        year=2024,
        budget_wan=12.5,
        goal="全年举办党员培训4期，培训400人次",
    )


def _read(path: Path) -> list[Project]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clean export reads without any IngestWarning
        return read_document(path)


def test_rows_follow_platform_order_with_every_slot():
    rows = declaration_rows(_project())
    assert [(r.level1, r.level2) for r in rows][:5] == [
        ("产出", "数量"),
        ("产出", "数量"),
        ("产出", "质量"),
        ("产出", "时效"),
        ("产出", "成本"),
    ]
    assert [r.level2 for r in rows if r.level1 == "效益"] == [
        "经济效益",
        "社会效益",
        "生态效益",
        "可持续影响",
    ]
    empty = [r for r in rows if r.name == "不适用"]
    assert {r.level2 for r in empty} == {"质量", "成本", "经济效益", "生态效益", "可持续影响"}
    assert all(r.value == "不适用" for r in empty)


def test_cost_as_first_level_and_unknown_slots_are_kept():
    project = Project(
        "新口径项目",
        (
            make_indicator("成本指标", "经济成本指标", "人均培训成本", "≤300元/人"),
            make_indicator("产出指标", "自定义指标", "其他产出", "1项"),
        ),
    )
    rows = declaration_rows(project)
    assert ("成本", "经济成本", "人均培训成本") in [(r.level1, r.level2, r.name) for r in rows]
    assert ("产出", "自定义", "其他产出") in [(r.level1, r.level2, r.name) for r in rows]
    first_levels = list(dict.fromkeys(r.level1 for r in rows))
    assert first_levels == ["产出", "成本", "效益", "满意度"]


def test_short_labels_and_sheet_names():
    assert short_label("可持续影响指标") == "可持续影响"
    assert short_label("指标") == "指标"
    names = sheet_names([Project("a/b:c*d?" + "长" * 40), Project("同名"), Project("同名")])
    assert names[0].startswith("1.a_b_c_d_") and len(names[0]) <= 31
    assert len(set(names)) == 3


@pytest.mark.parametrize("writer", [write_declaration_xlsx, write_declaration_docx])
def test_round_trip_through_readers(tmp_path, writer):
    original = _project()
    suffix = ".xlsx" if writer is write_declaration_xlsx else ".docx"
    path = writer(original, tmp_path / f"out{suffix}")
    [back] = _read(path)
    assert (back.name, back.code, back.department, back.year, back.budget_wan, back.goal) == (
        original.name,
        original.code,
        original.department,
        original.year,
        original.budget_wan,
        original.goal,
    )
    real = [(i.level1, i.level2, i.name, i.value) for i in back.indicators if i.name != "不适用"]
    assert real == [(i.level1, i.level2, i.name, i.value) for i in original.indicators]
    assert next(i for i in back.indicators if i.name == "培训人次").explain == "按签到表统计"


def test_xlsx_layout_merges_levels_and_has_one_sheet_per_project(tmp_path):
    from openpyxl import load_workbook

    path = write_declaration_xlsx([_project(), _project("第二个项目")], tmp_path / "两个.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["1.党员教育培训经费", "2.第二个项目"]
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "2024年度二级项目支出绩效目标申报表"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A1:E1" in merged
    header_row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "一级指标")
    assert [sheet.cell(header_row, c).value for c in range(1, 6)] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "目标值",
        "指标解释",
    ]
    first = header_row + 1
    assert f"A{first}:A{first + 4}" in merged  # 产出 over 数量×2, 质量, 时效, 成本
    assert f"B{first}:B{first + 1}" in merged  # 数量 over its two indicators
    assert len(_read(path)) == 2
