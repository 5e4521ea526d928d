"""Form (label:value) header fields and the 元/万元 budget rule."""

from __future__ import annotations

import doctest

import pytest

from assistant.documents import form
from assistant.documents.form import label_of, money_to_wan, read_form


def test_doctests() -> None:
    assert doctest.testmod(form).failed == 0


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("项目名称：", ("name", 0, None)),
        ("项目名称", ("name", 0, None)),
        ("* 项目编码 :", ("code", 0, None)),
        ("资金（元）", ("budget", 9, "元")),
        ("年度资金总额（万元）：", ("budget", 1, "万元")),
        ("一级预算单位：", ("department", 7, None)),
        ("项目总金额（中期规划，万元）：", None),  # a multi-year total is not the annual budget
        ("长期目标（跨度多年的项目需填）：", None),
        ("培训人次", None),
    ],
)
def test_label_of(cell: str, expected: object) -> None:
    assert label_of(cell) == expected


@pytest.mark.parametrize(
    ("text", "label_unit", "evidence", "expected"),
    [
        ("30", "万元", "", (30.0, False)),
        ("30", "元", "", (0.003, False)),
        ("30万元", "元", "", (30.0, False)),  # the unit printed in the cell wins
        ("3000", "万元", "评估费0.3万元", (0.3, True)),  # the table agrees with 元
        ("3000", "万元", "总成本不超过3000万元", (3000.0, False)),  # the table agrees with 万元
        ("600000", "万元", "", (60.0, True)),  # 60亿 for one project line: read as 元
        ("600000", "万元", "总投资600000万元", (600000.0, False)),  # unless the table says 万元
        ("0", "万元", "", (None, False)),  # not filled in
        ("无", "万元", "", (None, False)),
        ("1,234.5", "万元", "", (1234.5, False)),
    ],
)
def test_money_to_wan(text: str, label_unit: str, evidence: str, expected: object) -> None:
    assert money_to_wan(text, label_unit, evidence) == expected


def test_read_form_prefers_the_better_label_and_skips_merged_copies() -> None:
    rows = [
        ["项目编码：", "A-1", "A-1", "项目名称：", "培训经费"],
        ["一级预算单位：", "某区", "某区", "申请单位：", "某中心"],
        ["年度目标：", "", "", "", ""],
    ]
    fields = read_form(rows)
    assert (fields.code, fields.name, fields.department, fields.goal) == ("A-1", "培训经费", "某中心", None)


def test_read_form_inline_labels_and_title_year() -> None:
    rows = [
        ["2023年度项目支出绩效目标表"],
        ["项目名称：党员教育 主管部门：区委组织部"],
        ["年度资金总额：12万元"],
    ]
    fields = read_form(rows)
    assert (fields.name, fields.department, fields.year, fields.budget_wan) == (
        "党员教育",
        "区委组织部",
        2023,
        12.0,
    )


def test_inline_labels_with_either_colon_and_cells_without_one() -> None:
    assert read_form([["项目名称:党员教育 主管部门：区委组织部"]]).department == "区委组织部"
    assert read_form([["项目名称:党员教育"]]).name == "党员教育"
    assert read_form([["项目名称党员教育", "主管部门区委组织部"]]) == read_form([])  # no label, no colon


def test_explicit_year_field_beats_the_title() -> None:
    assert read_form([["2023年绩效目标表"], ["预算年度", "2024"]]).year == 2024


def test_a_label_whose_value_is_another_label_is_empty() -> None:
    assert read_form([["项目名称：", "主管部门：", "区委组织部"]]).name is None


def test_declared_unit_applies_to_a_budget_label_without_one() -> None:
    rows = [["单位：元"], ["项目名称", "培训经费"], ["资金总额", "5000"]]
    assert read_form(rows).budget_wan == 0.5
    assert read_form(rows[1:]).budget_wan == 5000.0
