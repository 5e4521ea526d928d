"""Reports: .xlsx (colours, sheets, frozen header, autofilter, no formulas), .csv with BOM, .json."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assistant.engines.review import Reviewer
from assistant.engines.review.report import indicator_line, project_line, write_report
from assistant.errors import InputError
from assistant.records.build import make_indicator
from assistant.records.schema import Project

ROWS = [
    ("数量指标", "培训人次", "≥100人次"),  # ok
    ("质量指标", "验收情况", "验收合格"),  # warn
    ("社会效益指标", "对用餐环境的改善", "明显"),  # block
    ("成本指标", "控制率", "=100%"),  # a value that looks like a formula
    ("可持续影响指标", "不适用", "不适用"),  # na
    ("质量指标", "控制字符", "≥95%\x01\x07"),
]


@pytest.fixture(scope="module")
def reviews():
    indicators = tuple(
        make_indicator("", level2, name, value, location=f"行{i + 2}")
        for i, (level2, name, value) in enumerate(ROWS)
    )
    p1 = Project("党员培训", indicators, source="a.csv", goal=None)
    p2 = Project("社区饭堂", indicators[:1], source="b.csv", goal="为社区工作人员提供饭堂服务")
    return list(Reviewer().review_projects([p1, p2]))


def test_xlsx_report(tmp_path: Path, reviews) -> None:
    path = write_report(tmp_path / "r.xlsx", reviews)
    wb = load_workbook(path)
    assert wb.sheetnames == ["指标", "项目", "原因"]
    ws = wb["指标"]
    header = [c.value for c in ws[1]]
    assert header[5:8] == ["三级指标", "指标值", "结论"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:L8"
    assert ws.column_dimensions["F"].width >= 20
    fills = [ws.cell(row=i, column=7).fill.fgColor.rgb[-6:] for i in range(2, 6)]
    assert fills == ["C6EFCE", "FFEB9C", "FFC7CE", "C6EFCE"]
    assert ws.cell(row=5, column=7).value == "=100%" and ws.cell(row=5, column=7).data_type == "s"
    assert ws.cell(row=7, column=7).value == "≥95%  "  # control characters removed, nothing else
    assert [ws.cell(row=6, column=c).value for c in (8, 9, 10)] == [
        "不适用",
        "不适用",
        None,
    ]  # not 通过, no score
    assert (
        "DEGREE" in ws.cell(row=4, column=11).value and "≥【待填：目标值】" in ws.cell(row=4, column=12).value
    )
    projects = wb["项目"]
    assert [projects.cell(row=i, column=3).value for i in (2, 3)] == ["党员培训", "社区饭堂"]
    assert "NO_GOAL" in projects.cell(row=2, column=11).value
    reasons = {row[0].value: row[2].value for row in wb["原因"].iter_rows(min_row=2)}
    assert reasons["DEGREE"] == 1 and reasons["BINARY"] == 1


def test_csv_report_is_utf8_with_bom(tmp_path: Path, reviews) -> None:
    path = write_report(tmp_path / "r.csv", reviews)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "类型" and rows[0][7] == "指标值"
    assert [r[0] for r in rows[1:]] == ["指标"] * 7 + ["项目"] * 2
    assert rows[4][7] == "'=100%"  # CSV-injection guard


def test_json_report(tmp_path: Path, reviews) -> None:
    data = json.loads(write_report(tmp_path / "r.json", reviews).read_text(encoding="utf-8"))
    assert data["summary"]["rows"] == 7 and data["summary"]["defects"] == 1
    assert data["projects"][0]["indicators"][2]["reasons"][0]["code"] == "DEGREE"
    assert data["reason_counts"]["DEGREE"] == {"value": 1, "name": 0, "table": 0}


def test_contract_lines(reviews) -> None:
    line = indicator_line(reviews[0].indicators[2], reviews[0].project)
    assert list(line) == [
        "type", "source", "project", "level1", "level2", "name", "value", "label", "score", "verdict", "reasons", "rewrite",
    ]  # fmt: skip
    assert line["reasons"][0] == {
        "code": "DEGREE",
        "field": "value",
        "start": 0,
        "end": 2,
        "message": line["reasons"][0]["message"],
    }
    assert list(project_line(reviews[0])) == ["type", "source", "project", "findings"]


def test_unsupported_suffix_and_missing_folder(tmp_path: Path, reviews) -> None:
    with pytest.raises(InputError, match=r"\.xlsx、\.csv 或 \.json"):
        write_report(tmp_path / "r.txt", reviews)
    with pytest.raises(InputError, match="不存在"):
        write_report(tmp_path / "no" / "r.xlsx", reviews)
    assert not list(tmp_path.glob(".report-*"))
