"""XLSX workbooks → projects: budget-platform 申报表 exports and generic header tables.

Each sheet becomes a :class:`~assistant.documents.grid.Grid` (merged cells filled with their value)
and goes through the shared grid logic, which recognises per sheet

- the platform 申报表 (one project per sheet: label:value rows such as 项目编码/项目名称/申请单位/
  本年度项目金额（万元）/年度目标, then the 一级/二级/三级指标 | 目标值 | 指标解释 grid), and
- a generic table with a header row (三级指标 + 指标值, optional 一级/二级指标, 项目名称, 部门, 年度,
  资金, 年度目标 columns; rows grouped into projects by 项目名称).

Sheets without an indicator header (a rule sheet, an empty Sheet2) are skipped and reported with an
:class:`~assistant.errors.IngestWarning`; a workbook where no sheet has one raises
:class:`~assistant.errors.IngestError`. The package is first streamed through the input bounds
(:func:`~assistant.documents.bounds.check_package`), then read with python-calamine (fast, Rust); a
workbook with a percent number format (which calamine cannot report) is opened with openpyxl in
read-only mode instead, the merged ranges that mode leaves out read from the sheet XML.

Legacy ``.xls`` workbooks (Excel 97–2003, what many platforms export) are read by the same
calamine grid helper (:func:`read_xls`); their grids pass the same row, cell and merged-range bounds.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import IngestError, IngestWarning
from ..limits import current
from ..records.schema import Project
from .bounds import check_package
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
    check_package(path)  # rows, cells, merged ranges, text length, unzipped size: before parsing
    sheets = calamine_sheets(path)
    if sheets is not None:
        return _read_sheets(path, sheets)
    book = _open(path)
    try:
        return _read_sheets(path, [(sheet.title, partial(sheet_grid, sheet)) for sheet in book.worksheets])
    finally:
        book.close()


def read_xls(path: str | Path) -> list[Project]:
    """Read every project of a legacy ``.xls`` workbook (Excel 97–2003, what many platforms export).

    Read with python-calamine; merged ranges are filled as for ``.xlsx``. Cell number formats are not
    available, so a percentage stored as 0.95 reads as 0.95 (a value typed as “95%” text is kept).
    An ``.xls`` is not a zip package, so the bounds are checked on each sheet's grid instead
    (rows, cells and cell length in :func:`~assistant.documents.grid.grid_to_projects`, merged
    ranges here); the file size is bounded by :func:`~assistant.documents.read_document`.

    Raises:
        IngestError: the file is not a readable ``.xls`` workbook, a bound is crossed, or no sheet
            has an indicator table.
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
    return _read_sheets(path, [(name, partial(calamine_grid, book, name, name)) for name in book.sheet_names])


def _read_sheets(path: Path, sheets: list[tuple[str, Callable[[], Grid]]]) -> list[Project]:
    """The projects of a workbook's sheets (``(title, grid loader)`` in order), problems reported.

    Raises:
        IngestError: a bound crossed in any sheet (the whole file is refused), or no sheet has an
            indicator table.
    """
    projects: list[Project] = []
    skipped: list[tuple[str, str]] = []
    empty_tables: list[str] = []
    yuan_budgets = 0
    default_named = sum(bool(_DEFAULT_SHEET.match(title.strip())) for title, _load in sheets)
    for title, load in sheets:
        try:
            grid = load()
        except IngestError as error:  # a bound crossed: the whole file is refused
            raise IngestError(path.name, error.reason, sheet=title) from None
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


def calamine_sheets(path: Path) -> list[tuple[str, Callable[[], Grid]]] | None:
    """The worksheets read by python-calamine (Rust; ~25x faster than openpyxl on the songgang
    workbooks), or ``None`` to read with openpyxl: calamine is not installed or cannot open the
    file, or the workbook has a percent number format (calamine gives 0.95 for a cell shown as 95%,
    and cell formats are the one thing it does not report)."""
    try:
        from python_calamine import CalamineWorkbook, SheetTypeEnum
    except ImportError:
        return None
    if _has_percent_format(path):
        return None
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = [
            (title, meta.name)
            for title, meta in zip(_sheet_titles(path), book.sheets_metadata, strict=True)
            if meta.typ == SheetTypeEnum.WorkSheet
        ]
    except Exception:  # openpyxl reports a broken file in its own words
        return None

    return [(title, partial(calamine_grid, book, name, title)) for title, name in sheets]


def calamine_grid(book: Any, name: str, title: str) -> Grid:
    """Sheet ``name`` of a python-calamine workbook (``.xlsx`` or ``.xls``) as a :class:`Grid` named
    ``title``: the same shape as :func:`sheet_grid` (cells from A1, merged ranges filled and bounded)."""
    sheet = book.get_sheet_by_name(name)
    rows = [[value_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]  # from A1
    merged = [(c0 + 1, r0 + 1, c1 + 1, r1 + 1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ()]
    return rows_grid(title, rows, _unique_ranges(merged, title))


def _sheet_titles(path: Path) -> list[str]:
    """Sheet names as an XML parser reads them from ``xl/workbook.xml`` (whitespace normalised as
    openpyxl does, so both readers give the same locations)."""
    import zipfile

    from defusedxml.ElementTree import fromstring

    with zipfile.ZipFile(path) as archive:
        root = fromstring(archive.read("xl/workbook.xml"))
    return [element.get("name", "") for element in root.iter() if element.tag.endswith("}sheet")]


_PERCENT_BUILTIN = {"9", "10"}  # 0% and 0.00%


def _has_percent_format(path: Path) -> bool:
    """Whether any cell style of the workbook shows numbers as percentages (read from styles.xml)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            styles = archive.read("xl/styles.xml").decode("utf-8", "replace")
    except KeyError:
        return False
    except (zipfile.BadZipFile, OSError):
        return True  # let openpyxl say what is wrong
    custom = {
        fid
        for fid, code in re.findall(r'numFmtId="(\d+)"\s+formatCode="([^"]*)"', styles)
        if "%" in re.sub(r"&quot;.*?&quot;|\\.", "", code)
    }
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S)
    used = set(re.findall(r'numFmtId="(\d+)"', xfs.group(1))) if xfs else set()
    return bool(used & (_PERCENT_BUILTIN | custom))


def sheet_grid(sheet: Any) -> Grid:
    """The cells of a read-only worksheet as a :class:`Grid` (merged ranges filled, rows 1-based in refs)."""
    sheet.reset_dimensions()  # some writers store a wrong <dimension>; read every row that exists
    rows = [[cell_text(cell) for cell in row] for row in sheet.iter_rows()]
    return rows_grid(sheet.title, rows, merged_ranges(sheet))


def rows_grid(title: str, rows: list[list[str]], merged: list[tuple[int, int, int, int]]) -> Grid:
    """Cell texts (row by row, from A1) as a :class:`Grid`: trailing blanks cut, merged ranges filled."""
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
    return value_text(cell.value, getattr(cell, "number_format", "") or "")


def value_text(value: Any, number_format: str = "") -> str:
    """:func:`cell_text` of a bare value (``number_format`` decides percentages)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if "%" in number_format:
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

    def refs() -> Iterator[tuple[int, int, int, int]]:
        with get_source() as source:
            for _event, element in iterparse(source):
                if element.tag.endswith("}mergeCell") and element.get("ref"):
                    yield range_boundaries(element.get("ref"))
                element.clear()

    return _unique_ranges(refs(), sheet.title)


def _unique_ranges(
    ranges: Iterable[tuple[int, int, int, int]], title: str
) -> list[tuple[int, int, int, int]]:
    """Each merged range once (a repeated range is filled once), refused past the bound."""
    limits = current()
    bounds: dict[tuple[int, int, int, int], None] = {}
    for bound in ranges:
        bounds[bound] = None
        if len(bounds) > limits.max_merged_ranges:
            raise IngestError(title, f"合并区域过多，{limits.describe('max_merged_ranges')}")
    return list(bounds)


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
