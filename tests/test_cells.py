"""Formula injection: every text cell of every report and export row and sheet stays text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assistant.cells import FORMULA_STARTS, csv_cell, formula_like
from assistant.documents import read_document
from assistant.engines.review import Reviewer
from assistant.engines.review.report import write_report
from assistant.exports import write_declaration_xlsx
from assistant.records.build import make_indicator
from assistant.records.schema import Project

HOSTILE = ["=1+1", '=HYPERLINK("http://x","点我")', "+1", "-5%", "@SUM(A1)", "\t=1", "\r=1"]


def hostile_project() -> Project:
    rows = tuple(
        make_indicator("产出指标", "数量指标", name, value)
        for name, value in (('=HYPERLINK("http://x")', "≥1次"), ("@培训", "-5%"), ("\t人次", "+3人"))
    )
    return Project(name="=1+1", indicators=rows, department="@部门", goal="-目标", source="=evil.csv")


@pytest.mark.parametrize("text", HOSTILE)
def test_every_formula_start_is_neutralised_in_csv(text: str) -> None:
    assert formula_like(text) and csv_cell(text) == "'" + text
    assert csv_cell("≥95%") == "≥95%" and csv_cell(None) is None
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


def test_review_reports_keep_project_and_indicator_rows_text(tmp_path: Path) -> None:
    reviews = list(Reviewer().review_projects([hostile_project()]))
    write_report(tmp_path / "r.csv", reviews)
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    assert "'=1+1" in cells and "'=evil.csv" in cells  # the project row too
    assert not [cell for cell in cells if formula_like(cell)]
    write_report(tmp_path / "r.xlsx", reviews)
    book = load_workbook(tmp_path / "r.xlsx")
    seen = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if formula_like(cell.value):
                    seen += 1
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
    assert seen >= 4


def test_the_declaration_export_writes_no_formula_and_reads_back(tmp_path: Path) -> None:
    project = hostile_project()
    path = write_declaration_xlsx([project, Project(name="+项目", source="b.csv")], tmp_path / "申报表.xlsx")
    book = load_workbook(path)
    assert len(book.worksheets) == 2
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert not formula_like(cell.value) or cell.quotePrefix
    (back, _other) = read_document(path)
    assert back.name == "=1+1" and [i.value for i in back.indicators][:2] == ["≥1次", "-5%"]
