"""Tables flattened with one tab between cells and one line per row (HTML/DOCX reposts of 绩效目标表).

Each project is a header block (项目名称, 主管部门, 资金, 年度目标 …) followed by an indicator grid whose
header row names 三级指标 and 指标值. What the flattening does to the grid, and how it is undone:

- merged 一级/二级 cells are printed on one row only: :class:`LevelTracker` carries them down; rows at the
  top of a grid whose label is printed lower down (a label centred in its merged block) take the label of
  the first labelled row below;
- labels split over two lines ("产出指" / "标", "数量指标（必填硬性指" / "标)") leave fragments that are
  dropped, and the truncated first half is still recognised;
- vertical text, one character per line ("心/体/目/标", "绩/效/指/标"), is joined into one row and treated
  as a label, never as an indicator or as part of the goal;
- cells shift left where merged cells were dropped, so a row is read as "leading labels, then 三级指标,
  then 指标值"; a row with a single text uses the header's columns to tell a name from a value;
- tables whose value is split into ``*符号 | *值 | 计量单位`` columns are read by
  :mod:`.symbol_columns`.

Budgets follow the unit the block declares ("资金情况 (万元)", "项目资金 (元)", "单位：万元").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...records.build import make_indicator
from ...records.schema import Project
from .common import (
    LevelTracker,
    ProjectParts,
    clean_department,
    field_value,
    finish,
    is_label,
    is_vertical_char,
    leading_labels,
    money_unit,
    parse_amount,
    split_cells,
    strip_html,
    to_wan,
    year_marker,
)
from .symbol_columns import is_symbol_header, split_symbol_row

_GOAL_LABELS = frozenset(
    {"年度目标", "总体目标", "年度总体目标", "绩效目标", "年度绩效目标", "项目绩效目标", "中长期目标"}
)
_TITLE_MARKS = ("绩效目标表", "绩效目标申报表")


@dataclass(frozen=True, slots=True)
class Row:
    """One logical row: its cells and the 1-based lines it spans (several for joined vertical text)."""

    first_line: int
    last_line: int
    cells: list[str]
    vertical: bool = False

    @property
    def texts(self) -> list[str]:
        return [cell for cell in self.cells if cell]


def logical_rows(lines: list[str]) -> list[Row]:
    """Group lines into rows, joining runs of one-character lines (vertical text) into one row.

    Example:
        >>> [r.cells for r in logical_rows(["绩", "效", "指", "标", "一级指标\\t二级指标"])]
        [['绩效指标'], ['一级指标', '二级指标']]
    """
    rows: list[Row] = []
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and is_vertical_char(lines[end]):
            end += 1
        if end - index >= 2:
            word = "".join(line.strip() for line in lines[index:end])
            rows.append(Row(index + 1, end, [word], vertical=True))
            index = end
            continue
        rows.append(Row(index + 1, index + 1, split_cells(lines[index])))
        index += 1
    return rows


@dataclass(frozen=True, slots=True)
class GridColumns:
    """Where the indicator header puts the 三级指标 and 指标值 columns, and whether 指标值 is split."""

    name: int
    value: int
    symbols: bool = False


def grid_columns(cells: list[str]) -> GridColumns | None:
    """The columns of an indicator header row, or None when the row is not one.

    Example:
        >>> grid_columns(["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"])
        GridColumns(name=3, value=4, symbols=False)
    """
    stripped = [cell.lstrip("*＊").replace(" ", "") for cell in cells]
    if "三级指标" not in stripped:
        return None
    value = next(
        (i for i, cell in enumerate(stripped) if cell.startswith("指标值") and "说明" not in cell), None
    )
    if value is None:
        return None
    return GridColumns(name=stripped.index("三级指标"), value=value)


@dataclass
class _Grid:
    """State of the indicator grid being read."""

    columns: GridColumns
    levels: LevelTracker = field(default_factory=LevelTracker)
    pending: list[tuple[int, str, str, str | None]] = field(default_factory=list)


def parse(lines: list[str], source: str) -> list[Project]:
    """Read every project of a tab-flattened document (see the module docstring)."""
    return _Reader(source).read(logical_rows(lines))


class _Reader:
    """One pass over the rows; the state lives here so that each step stays a small method."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.projects: list[ProjectParts] = []
        self.current: ProjectParts | None = None
        self.grid: _Grid | None = None
        self.year: int | None = None
        self.unit: str | None = None
        self.department: str | None = None
        self.goal_open = False

    def read(self, rows: list[Row]) -> list[Project]:
        for row in rows:
            self._step(row)
        self._close_grid()
        return finish(self.projects, self.source)

    # -- dispatch -------------------------------------------------------------------------------------
    def _step(self, row: Row) -> None:
        texts = row.texts
        if not texts or all(set(text) <= set("-—:：| ") for text in texts):
            return  # blank line or a markdown rule
        if len(texts) == 1 and self._is_title(texts[0]):
            self._close_grid()
            self.goal_open = False
            return
        if texts[0].replace(" ", "").startswith("项目名称"):
            self._start_project(row)
            return
        if self.current is None:
            self._document_fields(texts)
        elif self.grid is not None:
            self._grid_row(row)
        else:
            self._header_row(row)

    def _is_title(self, text: str) -> bool:
        """A title line ("(2022 年度)", "…绩效目标表") ends the current grid; a year in it is remembered."""
        year = year_marker(text)
        if year is not None:
            self.year = year
            return True
        return any(mark in text for mark in _TITLE_MARKS)

    def _document_fields(self, texts: list[str]) -> None:
        for text in texts:
            self.unit = money_unit(text) or self.unit
            if text.startswith(("部门名称", "主管部门")) and ("：" in text or ":" in text):
                self.department = clean_department(text.split("：" if "：" in text else ":", 1)[1])

    # -- project header ------------------------------------------------------------------------------
    def _start_project(self, row: Row) -> None:
        self._close_grid()
        cells = row.cells
        at = next(i for i, cell in enumerate(cells) if cell)
        self.current = ProjectParts(
            name=field_value(cells, at),
            first_line=row.first_line,
            department=self.department,
            year=self.year,
        )
        self.projects.append(self.current)
        self.goal_open = False
        self._header_fields(cells)

    def _header_row(self, row: Row) -> None:
        assert self.current is not None
        columns = grid_columns(row.cells)
        if columns is not None:
            self.grid = _Grid(columns)
            self.goal_open = False
            return
        if row.vertical:  # vertical captions (心体目标, 绩效指标) frame the table; they are not content
            self.goal_open = self.goal_open or row.cells[0] in _GOAL_LABELS
            return
        if self._header_fields(row.cells):
            return
        if self.goal_open:
            self.current.add_goal(strip_html(" ".join(row.texts)))

    def _header_fields(self, cells: list[str]) -> bool:
        """Read label/value pairs of a header row; True when the row held any known field."""
        assert self.current is not None
        known = False
        unit = next((u for u in map(money_unit, cells) if u), None) or self.unit
        for index, cell in enumerate(cells):
            key = cell.replace(" ", "").rstrip(":：")
            if key.startswith("主管部门"):
                self.current.department = (
                    clean_department(field_value(cells, index)) or self.current.department
                )
                known = True
            elif key.startswith("项目编码"):
                self.current.code = field_value(cells, index) or None
                known = True
            elif key.startswith("年度资金总额") or key in {"资金总额", "预算数", "项目总额"}:
                amount = next(
                    (parse_amount(c) for c in cells[index + 1 :] if parse_amount(c) is not None), None
                )
                self.current.budget_wan = to_wan(amount, unit)
                known = True
            elif key in _GOAL_LABELS:
                rest = [c for c in cells[index + 1 :] if c and c.replace(" ", "") not in _GOAL_LABELS]
                if rest:
                    self.current.add_goal(strip_html(" ".join(rest)))
                self.goal_open = not rest
                return True
            elif key.startswith(
                ("项目名称", "实施单位", "项目负责人", "其中", "其他资金", "项目属性", "资金")
            ):
                known = True
        if known:
            self.goal_open = False
        return known

    # -- indicator grid ------------------------------------------------------------------------------
    def _grid_row(self, row: Row) -> None:
        assert self.grid is not None and self.current is not None
        grid = self.grid
        if row.vertical:
            if is_label(row.cells[0]):
                grid.levels.update_from_labels(row.cells)
                self._flush_pending()
            return
        if is_symbol_header(row.cells):
            self.grid = _Grid(GridColumns(grid.columns.name, grid.columns.value, symbols=True))
            return
        if grid_columns(row.cells) is not None:  # a repeated header (table continued on a new page)
            return
        labels, rest = leading_labels(row.cells, grid.columns.name)
        grid.levels.update_from_labels(labels)
        if labels:
            self._flush_pending()
        entry = self._read_cells(rest)
        if entry is None:
            return  # a row of labels only: it opens a block, it is not an indicator
        name, value, explain = entry
        if grid.levels.empty:
            grid.pending.append((row.first_line, name, value, explain))
        else:
            self._emit(row.first_line, name, value, explain)

    def _read_cells(self, cells: list[tuple[int, str]]) -> tuple[str, str, str | None] | None:
        assert self.grid is not None
        filled = [(i, cell) for i, cell in cells if cell]
        if not filled:
            return None
        if self.grid.columns.symbols:
            parsed = split_symbol_row(cells)
            return parsed.name, parsed.value, parsed.explain
        if len(filled) == 1:
            index, text = filled[0]
            return ("", text, None) if index >= self.grid.columns.value else (text, "", None)
        extra = "；".join(cell for _, cell in filled[2:]) or None
        return filled[0][1], filled[1][1], extra

    def _emit(self, line: int, name: str, value: str, explain: str | None) -> None:
        assert self.grid is not None and self.current is not None
        levels = self.grid.levels
        indicator = make_indicator(
            levels.level1, levels.level2, name, value, explain=explain, location=f"行 {line}"
        )
        self.current.add(indicator, line)

    def _flush_pending(self) -> None:
        assert self.grid is not None
        pending, self.grid.pending = self.grid.pending, []
        for entry in pending:
            self._emit(*entry)

    def _close_grid(self) -> None:
        if self.grid is not None:
            self._flush_pending()  # rows that never got a label keep empty labels rather than vanish
        self.grid = None
