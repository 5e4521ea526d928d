"""XLSX workbooks → projects: budget-platform 申报表 exports and generic header tables.

Each sheet becomes a :class:`~assistant.documents.grid.Grid` (merged cells filled with their value)
and goes through the shared grid logic, which recognises per sheet

- the platform 申报表 (one project per sheet: label:value rows such as 项目编码/项目名称/申请单位/
  本年度项目金额（万元）/年度目标, then the 一级/二级/三级指标 | 目标值 | 指标解释 grid), and
- a generic table with a header row (三级指标 + 指标值, optional 一级/二级指标, 项目名称, 部门, 年度,
  资金, 年度目标 columns; rows grouped into projects by 项目名称).

Sheets without an indicator header (a rule sheet, an empty Sheet2) are skipped and reported with an
:class:`~assistant.errors.IngestWarning`; a workbook where no sheet has one raises
:class:`~assistant.errors.IngestError`. The workbook is opened read-only (fast, low memory); the
merged ranges that read-only mode leaves out are read from the sheet XML.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import IngestError, IngestWarning
from ..records.schema import Project
from .grid import Grid, column_letter, describe_error, grid_to_projects

_DEFAULT_SHEET = re.compile(r"^(sheet|工作表)\s*\d*$", re.IGNORECASE)
_NO_TABLE = "未找到绩效指标表头（需要一行同时含“三级指标”和“指标值/目标值”）"
_FLOAT_CODE = re.compile(r"\d[eE]\+\d")


def read_workbook(path: str | Path) -> list[Project]:
    """Read every project of an ``.xlsx`` workbook.

    Warns:
        IngestWarning: one line per kind of problem: sheets skipped (no indicator header, empty,
            unreadable), 申报表 with an empty indicator table, 万元-labelled budgets read as 元,
            project codes stored as numbers (digits lost).

    Raises:
        IngestError: the file is not a readable workbook, or no sheet has an indicator table.
    """
    path = Path(path)
    book = _open(path)
    try:
        return _read_sheets(path, [(sheet.title, partial(sheet_grid, sheet)) for sheet in book.worksheets])
    finally:
        book.close()


def read_xls(path: str | Path) -> list[Project]:
    """Read every project of a legacy ``.xls`` workbook (Excel 97–2003, what many platforms export).

    Read with python-calamine; merged ranges are filled as for ``.xlsx``. Cell number formats are not
    available, so a percentage stored as 0.95 reads as 0.95 (a value typed as “95%” text is kept).

    Raises:
        IngestError: the file is not a readable ``.xls`` workbook, or no sheet has an indicator table.
    """
    path = Path(path)
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a declared dependency
        raise IngestError(path.name, "读取 .xls 需要 python-calamine：pip install python-calamine") from None
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as error:
        raise IngestError(
            path.name,
            f"无法作为 .xls 工作簿打开：{describe_error(error)}（文件可能已损坏、加密，或不是 Excel 97-2003 格式）",
        ) from None
    return _read_sheets(path, [(name, partial(_calamine_grid, book, name)) for name in book.sheet_names])


def _read_sheets(path: Path, sheets: list[tuple[str, Callable[[], Grid]]]) -> list[Project]:
    """The projects of a workbook's sheets (``(title, grid loader)`` in order), problems reported."""
    projects: list[Project] = []
    skipped: list[tuple[str, str]] = []
    empty_tables: list[str] = []
    yuan_budgets = 0
    default_named = sum(bool(_DEFAULT_SHEET.match(title.strip())) for title, _ in sheets)
    for title, load in sheets:
        try:
            grid = load()
        except Exception as error:  # a broken sheet must not sink the other sheets
            skipped.append((title, f"无法读取（{describe_error(error)}）"))
            continue
        if not any(any(row) for row in grid.rows):
            skipped.append((title, "空工作表"))
            continue
        fallback = path.stem if _DEFAULT_SHEET.match(title.strip()) and default_named == 1 else title
        result = grid_to_projects(grid, source=path.name, fallback_name=fallback)
        if not result.found_header:
            skipped.append((title, _NO_TABLE))
            continue
        if not result.projects:
            skipped.append((title, "指标表头下没有指标行，也没有项目名称"))
            continue
        projects.extend(result.projects)
        yuan_budgets += result.yuan_budgets
        if result.empty_tables:
            empty_tables.append(title)
    if not projects:
        reasons = "；".join(f"工作表“{title}”：{reason}" for title, reason in skipped) or "工作簿没有工作表"
        only = skipped[0][0] if len(skipped) == 1 else None
        raise IngestError(path.name, f"没有可识别的绩效指标表：{reasons}", sheet=only)
    _report(path.name, projects, skipped, empty_tables, yuan_budgets)
    return projects


@dataclass(frozen=True, slots=True)
class _Value:
    """A bare cell value for :func:`cell_text` (calamine gives values, not formatted cells)."""

    value: Any
    number_format: str = ""


def _calamine_grid(book: Any, name: str) -> Grid:
    """One sheet of a calamine workbook as a :class:`Grid` (same shape as :func:`sheet_grid`)."""
    sheet = book.get_sheet_by_name(name)
    rows = [[cell_text(_Value(v if v != "" else None)) for v in row] for row in sheet.to_python()]
    return _grid(
        name,
        rows,
        [(c0 + 1, r0 + 1, c1 + 1, r1 + 1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []],
    )


def sheet_grid(sheet: Any) -> Grid:
    """The cells of a read-only worksheet as a :class:`Grid` (merged ranges filled, rows 1-based in refs)."""
    sheet.reset_dimensions()  # some writers store a wrong <dimension>; read every row that exists
    rows = [[cell_text(cell) for cell in row] for row in sheet.iter_rows()]
    return _grid(sheet.title, rows, merged_ranges(sheet))


def _grid(title: str, rows: list[list[str]], merged: list[tuple[int, int, int, int]]) -> Grid:
    """Trim empty trailing cells and rows, fill merged ranges, and name each row by sheet and cells."""
    for row in rows:
        while row and not row[-1]:
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    width = max((len(row) for row in rows), default=0)
    for row in rows:
        row.extend([""] * (width - len(row)))
    _fill_merged(rows, merged, width)
    last = column_letter(max(width - 1, 0))
    return Grid(
        rows=tuple(tuple(row) for row in rows),
        row_refs=tuple(f"{title}!A{index}:{last}{index}" for index in range(1, len(rows) + 1)),
        region=lambda first, stop: f"{title}!A{first + 1}:{last}{stop + 1}",
    )


def cell_text(cell: Any) -> str:
    """A cell's value as the sheet prints it: percent formats applied, whole floats without ``.0``.

    Example:
        >>> from types import SimpleNamespace as Cell
        >>> cell_text(Cell(value=0.95, number_format="0%")), cell_text(Cell(value=3000.0, number_format="General"))
        ('95%', '3000')
    """
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if "%" in (getattr(cell, "number_format", "") or ""):
            return f"{value * 100:.10g}%"
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}" if isinstance(value, float) else str(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def merged_ranges(sheet: Any) -> list[tuple[int, int, int, int]]:
    """``(min_col, min_row, max_col, max_row)`` of each merged range (1-based, inclusive).

    Read-only worksheets do not load ``<mergeCells>``; read just those elements from the sheet XML
    with openpyxl's own (defused when available) XML parser.
    """
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.xml.functions import iterparse

    get_source = getattr(sheet, "_get_source", None)
    if get_source is None:  # a normal worksheet
        return [range_boundaries(str(cells)) for cells in sheet.merged_cells.ranges]
    bounds = []
    with get_source() as source:
        for _event, element in iterparse(source):
            if element.tag.endswith("}mergeCell") and element.get("ref"):
                bounds.append(range_boundaries(element.get("ref")))
            element.clear()
    return bounds


def _fill_merged(rows: list[list[str]], ranges: list[tuple[int, int, int, int]], width: int) -> None:
    for min_col, min_row, max_col, max_row in ranges:
        if min_row > len(rows) or min_col > width:
            continue
        value = rows[min_row - 1][min_col - 1]
        if not value:
            continue
        for row in rows[min_row - 1 : min(max_row, len(rows))]:
            for col in range(min_col - 1, min(max_col, width)):
                if not row[col]:
                    row[col] = value


def _open(path: Path) -> Any:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():  # openpyxl's own notes (unsupported extensions, styles)
            warnings.simplefilter("ignore")
            return load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise IngestError(
            path.name,
            f"无法作为 Excel 工作簿打开：{describe_error(error)}（文件可能已损坏、加密，或不是 .xlsx 格式）",
        ) from None


def _report(
    file: str, projects: list[Project], skipped: list[tuple[str, str]], empty: list[str], yuan: int
) -> None:
    """Issue one IngestWarning per kind of problem (nothing skipped silently)."""
    if skipped:
        parts = "；".join(f"“{title}”（{reason}）" for title, reason in skipped)
        warnings.warn(IngestWarning(file, f"跳过 {len(skipped)} 个工作表：{parts}"), stacklevel=3)
    if empty:
        names = "、".join(f"“{title}”" for title in empty)
        warnings.warn(
            IngestWarning(file, f"{len(empty)} 个工作表的指标表为空（项目已读入，0 条指标）：{names}"),
            stacklevel=3,
        )
    if yuan:
        warnings.warn(
            IngestWarning(
                file,
                f"{yuan} 个项目的金额标注为“万元”但按元填写（与表内金额一致或超过 1 亿），已换算为万元",
            ),
            stacklevel=3,
        )
    lossy = [project.name for project in projects if project.code and _FLOAT_CODE.search(project.code)]
    if lossy:
        warnings.warn(
            IngestWarning(file, f"{len(lossy)} 个项目编码以数值存储，末几位已丢失：{'、'.join(lossy)}"),
            stacklevel=3,
        )
