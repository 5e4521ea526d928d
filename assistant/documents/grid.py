"""A 2-D grid of cells (merged cells filled) → projects: the layout logic shared by every table reader.

XLSX sheets, DOCX bodies, HTML pages, PDF pages and CSV files all become a :class:`Grid`: rows of
stripped strings, optional free-text rows (paragraphs between tables), and where each row came from.
:func:`grid_to_projects` then finds each indicator header row, reads the label:value rows above it
as the project's form (申报表 layout) and the rows below it as indicators (header-table layout),
until a 备注 line, a new 项目名称 label or a different header. A grid may hold several projects
(stacked forms, a 项目名称 column) and a table may continue after a repeated header or page text.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..errors import IngestError, IngestWarning
from ..records.schema import Project
from .bounds import check_grid_size
from .form import FormFields, label_of, read_form
from .header_table import (
    SYNONYMS,
    ColumnMap,
    TableRow,
    is_subheader,
    match_header,
    refine_with_subheader,
    rows_to_projects,
)

_NOTE = re.compile(r"^(备注|注[:：]|说明[:：]|填报说明|填表说明)")
_INLINE_NAME = re.compile(r"^[^:：]{0,6}项目名称\s*[:：]")
# Every header row names its 三级指标 column with one of these; rows without them skip the full check.
_HEADER_HINT = re.compile("|".join(sorted(SYNONYMS["name"], key=len, reverse=True)))


@dataclass(frozen=True, slots=True)
class Grid:
    """Rows of stripped cell strings with provenance.

    Attributes:
        rows: the cells, merged cells already filled with their value.
        row_refs: where each row was read (``Sheet1!A12:E12``, ``表2 行5``, ``第3页 表1 行4``).
        region: the location of rows ``first..last`` (inclusive) as a project location.
        text_rows: indexes of free-text rows (a paragraph as a one-cell row), never indicator rows.
    """

    rows: tuple[tuple[str, ...], ...]
    row_refs: tuple[str, ...]
    region: Callable[[int, int], str]
    text_rows: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class GridResult:
    """What a grid yielded, with what the caller must report (nothing is skipped silently)."""

    projects: list[Project] = field(default_factory=list)
    found_header: bool = False
    empty_tables: int = 0  # indicator tables with a form but no indicator rows (project kept)
    headerless_tables: int = 0  # header rows with neither indicator rows nor a project name
    yuan_budgets: int = 0  # budgets under a 万元 label read as 元


@dataclass(frozen=True, slots=True)
class _Segment:
    form_start: int
    header_row: int
    end: int  # exclusive
    columns: ColumnMap
    rows: list[TableRow]


def grid_to_projects(grid: Grid, *, source: str, fallback_name: str) -> GridResult:
    """Read every project of ``grid``.

    Args:
        grid: the document's cells.
        source: the file name stored as ``Project.source``.
        fallback_name: the project name when neither a form nor a 项目名称 column gives one.
    """
    check_grid_size(source, grid.rows, grid.row_refs)  # every reader's table, however it was read
    segments = _segments(grid)
    projects: list[Project] = []
    empty = headerless = yuan = 0
    for number, segment in enumerate(segments, start=1):
        form_rows = grid.rows[segment.form_start : segment.header_row]
        evidence = "\n".join(
            cell for row in grid.rows[segment.form_start : segment.end] for cell in row if cell
        )
        form = read_form(form_rows, evidence)
        yuan += form.budget_assumed_yuan
        first = _first_filled(grid.rows, segment.form_start, segment.header_row)
        last = segment.rows[-1].index if segment.rows else segment.header_row
        whole = grid.region(first, last)

        def locate(
            start: int, stop: int, whole: str = whole, by_column: bool = "project" in segment.columns.columns
        ) -> str:
            return grid.region(start, stop) if by_column else whole

        name = fallback_name if number == 1 or len(segments) == 1 else f"{fallback_name}（{number}）"
        found = rows_to_projects(
            segment.rows,
            segment.columns,
            form=form,
            fallback_name=name,
            source=source,
            locate=locate,
            evidence=evidence,
        )
        if not found and form.name:
            found = [_empty_project(form, source, whole)]
            empty += 1
        elif not found:
            headerless += 1
        projects.extend(found)
    return GridResult(projects, bool(segments), empty, headerless, yuan)


def _segments(grid: Grid) -> list[_Segment]:
    rows, text_rows = grid.rows, grid.text_rows
    segments: list[_Segment] = []
    form_start = 0
    i = 0
    while i < len(rows):
        columns = None if i in text_rows else match_header(rows[i])
        if columns is None:
            i += 1
            continue
        header_row, header_cells, header_columns = i, rows[i], columns.columns
        j = i + 1
        if j < len(rows) and j not in text_rows and is_subheader(columns, header_cells, rows[j]):
            columns = refine_with_subheader(columns, rows[j])
            j += 1
        data: list[TableRow] = []
        while j < len(rows):
            row = rows[j]
            if j not in text_rows and _HEADER_HINT.search("\x1f".join(row)):
                again = match_header(row)
                if again is not None:
                    if again.columns != header_columns:
                        break  # a different table starts here
                    j += 1  # a repeated header (page break): the same table goes on
                    if j < len(rows) and is_subheader(again, row, rows[j]):
                        j += 1
                    continue
            if "项目名称" in "\x1f".join(row) and _names_project(row):
                break  # the next project's form starts here
            j += 1
            if _is_note(row):
                break
            if j - 1 not in text_rows:
                data.append(TableRow(row, j - 1, grid.row_refs[j - 1]))
        segments.append(_Segment(form_start, header_row, j, columns, data))
        form_start = i = j
    return segments


def _names_project(row: Sequence[str]) -> bool:
    """A row that starts a new form: it has a 项目名称 label cell (or ``项目名称：…`` inline)."""
    for cell in row:
        if not cell:
            continue
        label = label_of(cell)
        if (label is not None and label[0] == "name") or _INLINE_NAME.match(cell):
            return True
    return False


def _is_note(row: Sequence[str]) -> bool:
    first = next((cell for cell in row if cell), "")
    return bool(_NOTE.match(first))


def _first_filled(rows: Sequence[Sequence[str]], start: int, stop: int) -> int:
    for index in range(start, stop):
        if any(rows[index]):
            return index
    return stop


def _empty_project(form: FormFields, source: str, location: str) -> Project:
    return Project(
        name=form.name or "",
        code=form.code,
        department=form.department,
        year=form.year,
        budget_wan=form.budget_wan,
        goal=form.goal,
        source=source,
        location=location,
    )


def column_letter(index: int) -> str:
    """Excel column letters for a 0-based index.

    Example:
        >>> column_letter(0), column_letter(25), column_letter(26)
        ('A', 'Z', 'AA')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class GridBuilder:
    """Collects a document's tables and paragraphs in reading order into one :class:`Grid`.

    ``place`` names where a row sits at the coarse level a project location uses (``表2``,
    ``第3段``, ``第4页``); ``ref`` names the row itself (``表2 行5``).
    """

    def __init__(self) -> None:
        self._rows: list[tuple[str, ...]] = []
        self._refs: list[str] = []
        self._places: list[str] = []
        self._text_rows: set[int] = set()

    def add_row(self, cells: Sequence[str], place: str, ref: str) -> None:
        self._rows.append(tuple(cells))
        self._refs.append(ref)
        self._places.append(place)

    def add_text(self, text: str, place: str) -> None:
        """A paragraph: a one-cell row the form reader sees but never an indicator row."""
        self._text_rows.add(len(self._rows))
        self.add_row((text,), place, place)

    def build(self) -> Grid:
        places = list(self._places)

        def region(first: int, last: int) -> str:
            return places[first] if places[first] == places[last] else f"{places[first]}–{places[last]}"

        return Grid(tuple(self._rows), tuple(self._refs), region, frozenset(self._text_rows))


def warn_about(file: str, result: GridResult, *, stacklevel: int = 3) -> None:
    """Issue an :class:`~assistant.errors.IngestWarning` for each part of ``result`` read with a caveat."""
    if result.empty_tables:
        message = f"{result.empty_tables} 个项目的指标表为空（项目已读入，0 条指标）"
        warnings.warn(IngestWarning(file, message), stacklevel=stacklevel)
    if result.headerless_tables:
        message = f"{result.headerless_tables} 个指标表头下没有指标行，也没有项目名称，已跳过"
        warnings.warn(IngestWarning(file, message), stacklevel=stacklevel)
    if result.yuan_budgets:
        message = f"{result.yuan_budgets} 个项目的金额标注为“万元”但按元填写（与表内金额一致或超过 1 亿），已换算为万元"
        warnings.warn(IngestWarning(file, message), stacklevel=stacklevel)


def no_table_error(file: str, what: str) -> IngestError:
    """The error for a document in which no indicator table was found."""
    return IngestError(
        file,
        f"没有可识别的绩效指标表：{what}中没有同时含“三级指标”和“指标值/目标值”的表头",
    )


def describe_error(error: BaseException) -> str:
    """A library exception as one line: its type and message (for IngestError reasons)."""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
