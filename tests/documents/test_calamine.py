"""python-calamine reads XLSX exactly as the openpyxl path does, and hands percent-formatted workbooks to it."""

from __future__ import annotations

import datetime
import warnings
from pathlib import Path

import pytest
from openpyxl import Workbook

from assistant.documents import workbooks
from assistant.records.schema import Project


def read_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Project], list[Project]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = workbooks.read_workbook(path)
        with monkeypatch.context() as patch:
            patch.setattr(workbooks, "calamine_sheets", lambda _path: None)
            slow = workbooks.read_workbook(path)
    return fast, slow


def test_the_songgang_workbooks_read_the_same(songgang_workbooks: list[Path], monkeypatch) -> None:
    for path in songgang_workbooks:
        assert workbooks.calamine_sheets(path) is not None, path.name  # the fast path is taken
        fast, slow = read_both(path, monkeypatch)
        assert fast == slow, path.name


def test_offsets_merges_dates_and_titles_read_the_same(tmp_path: Path, monkeypatch) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "项目\t甲"  # XML attribute whitespace: read as a space by both
    sheet["C3"], sheet["D3"] = "项目名称", "社区服务"
    rows = [
        ("一级指标", "二级指标", "三级指标", "指标值"),
        ("产出指标", "数量指标", "服务人次", 3000),
        (None, "时效指标", "完成时间", datetime.datetime(2024, 12, 31)),
        ("效益指标", "社会效益指标", "是否达标", True),
    ]
    for offset, row in enumerate(rows):
        for column, value in zip("CDEF", row, strict=True):
            sheet[f"{column}{5 + offset}"] = value
    sheet.merge_cells("C6:C7")
    sheet["C6"] = "产出指标"
    path = tmp_path / "偏移.xlsx"
    book.save(path)
    assert workbooks.calamine_sheets(path) is not None
    fast, slow = read_both(path, monkeypatch)
    assert fast == slow and [i.value for i in fast[0].indicators] == ["3000", "2024-12-31", "TRUE"]
    assert fast[0].indicators[1].level1 == "产出指标"  # the merged cell filled


def test_a_percent_format_goes_to_openpyxl(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["三级指标", "指标值"])
    sheet.append(["合格率", 0.95])
    sheet["B2"].number_format = "0%"
    path = tmp_path / "百分比.xlsx"
    book.save(path)
    assert workbooks.calamine_sheets(path) is None
    assert [i.value for i in workbooks.read_workbook(path)[0].indicators] == ["95%"]


def test_an_xls_goes_through_the_same_calamine_grid(tmp_path: Path) -> None:
    """A legacy .xls is read by the helper that reads .xlsx: cells placed from A1 (an offset table
    keeps its real cell references) and merged ranges filled."""
    import xlwt

    rows = [
        ("一级指标", "二级指标", "三级指标", "指标值"),
        ("产出指标", "数量指标", "服务人次", 3000),
        (None, "时效指标", "完成时间", "2024年12月底前"),
        ("效益指标", "社会效益指标", "服务对象满意度", "≥90%"),
    ]
    book = Workbook()
    sheet = book.active
    sheet.title = "项目甲"
    legacy = xlwt.Workbook(encoding="utf-8")
    page = legacy.add_sheet("项目甲")
    sheet["C3"], sheet["D3"] = "项目名称", "社区服务"
    page.write(2, 2, "项目名称")
    page.write(2, 3, "社区服务")
    for offset, row in enumerate(rows):
        for column, value in enumerate(row):
            if value is not None:
                sheet.cell(5 + offset, 3 + column, value)
                page.write(4 + offset, 2 + column, value)
    sheet.merge_cells("C6:C7")
    page.merge(5, 6, 2, 2)
    book.save(tmp_path / "偏移.xlsx")
    legacy.save(str(tmp_path / "偏移.xls"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        xlsx = workbooks.read_workbook(tmp_path / "偏移.xlsx")
        xls = workbooks.read_xls(tmp_path / "偏移.xls")
    assert [i.location for i in xls[0].indicators] == [i.location for i in xlsx[0].indicators]
    assert xls[0].indicators[0].location == "项目甲!A6:F6"
    assert [(i.level1, i.value) for i in xls[0].indicators] == [
        (i.level1, i.value) for i in xlsx[0].indicators
    ]
    assert xls[0].indicators[1].level1 == "产出指标"  # the merged cell filled
