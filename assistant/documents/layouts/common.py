"""What every text layout shares: cell splitting, label recognition, merged-cell inheritance, header fields.

Flattened tables lose their merged cells: the 一级/二级 label is printed once (sometimes in the middle of
its block, sometimes split over two lines as "产出指" / "标") and the rows below carry nothing. The
helpers here recognise label cells strictly (a cell is a label only if its whole text is one, so the
三级指标 "受益群众满意度" is never mistaken for 满意度指标) and :class:`LevelTracker` carries the labels
down the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...records.build import clean_cell
from ...records.levels import normalise_level1, normalise_level2, parent_of
from ...records.schema import Indicator, Project

_INVISIBLE = re.compile(r"[\s\u3000*＊]")
_CODE_PREFIX = re.compile(r"^[\d０-９]+[-－、.．]")
_BRACKETED = re.compile(r"[（(][^）)]*(?:[）)]|$)")
_DOUBLED_HEAD = re.compile(r"^(.)\1")
# The suffix group is empty for a bare stem ("效果", "满意度"), which may also be a 三级指标 name.
_LEVEL1_CORE = re.compile(r"^(?:产出|效益|效果|满意度)(指标?)?$")
_LEVEL2_CORE = re.compile(
    r"^(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度|满意度|经济成本|社会成本|生态环境成本)"
    r"(指标?)?$"
)
# Leftovers of a label split over two lines: "标", "指标", "标)", "填)".
_FRAGMENT = re.compile(r"^[指标必填硬性（）()\s]+$")
# Cells that frame the table rather than label a row (the vertical 绩效指标 column).
_FRAME = frozenset({"绩效指标", "名称"})

_YEAR_IN_BRACKETS = re.compile(r"[(（]\s*((?:19|20)\d{2})\s*年度?\s*[)）]")
_YEAR_IN_TITLE = re.compile(r"^\s*((?:19|20)\d{2})\s*年度?[^，。,]{0,12}?(?:预算|绩效)")
_AMOUNT = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[+-]?\d+(?:\.\d+)?$")
_UNIT_IN_BRACKETS = re.compile(r"[(（]\s*(万元|元)\s*[)）]")
_UNIT_DECLARED = re.compile(r"单位\s*[:：]\s*(万元|元)")
_DEPARTMENT_CODE = re.compile(r"^(?:【[^】]*】|\[[^\]]*\]|\d{3,}\s*)")
_HTML_TAG = re.compile(r"<[^>]+>")
_VERTICAL_CHAR = re.compile(r"^[\u3400-\u9fff]$")
_AFTER_COLON = re.compile(r"^[^:：]*[:：]\s*(\S.*)$")


def split_cells(line: str) -> list[str]:
    """Split a tab-flattened table line into stripped cells.

    Example:
        >>> split_cells("\\t产出指标\\t数量指标 \\t")
        ['', '产出指标', '数量指标', '']
    """
    return [cell.strip() for cell in line.split("\t")]


def label_core(cell: str) -> str:
    """The label text without spaces, ``*``, code prefixes, brackets and OCR doubling.

    Example:
        >>> label_core("产产出 指标"), label_core("数量指标（必填硬性指"), label_core("22-社会效益")
        ('产出指标', '数量指标', '社会效益')
    """
    text = _INVISIBLE.sub("", cell)
    text = _CODE_PREFIX.sub("", text)
    text = _BRACKETED.sub("", text)
    return _DOUBLED_HEAD.sub(r"\1", text)


def _matches(pattern: re.Pattern[str], cell: str, bare: bool) -> bool:
    match = pattern.match(label_core(cell)) if cell else None
    return match is not None and (bare or bool(match.group(1)))


def is_level1_label(cell: str, *, bare: bool = True) -> bool:
    """Whether the whole cell is a 一级 label (产出指标, 效果指标, 产出指; with ``bare`` also 满意度, 产产出).

    Example:
        >>> is_level1_label("产出指"), is_level1_label("受益群众满意度"), is_level1_label("效果", bare=False)
        (True, False, False)
    """
    return _matches(_LEVEL1_CORE, cell, bare)


def is_level2_label(cell: str, *, bare: bool = True) -> bool:
    """Whether the whole cell is a 二级 label (数量指标（必填）, 社会效益指标, 满意度指标; with ``bare`` also 质量).

    Example:
        >>> is_level2_label("成本指标（必填硬性指标）"), is_level2_label("项目或定额成本控制率")
        (True, False)
    """
    return _matches(_LEVEL2_CORE, cell, bare)


def is_label(cell: str, *, bare: bool = True) -> bool:
    """A 一级 or 二级 label cell (``bare=False``: only labels ending in 指标/指 count)."""
    return is_level1_label(cell, bare=bare) or is_level2_label(cell, bare=bare)


def is_filler(cell: str) -> bool:
    """An empty cell, a split-label fragment ("标)") or a table-frame cell (绩效指标)."""
    return not cell or bool(_FRAGMENT.match(cell)) or _INVISIBLE.sub("", cell) in _FRAME


def leading_labels(
    cells: list[str], name_column: int | None = None
) -> tuple[list[str], list[tuple[int, str]]]:
    """Split a row into its leading label cells and the (index, cell) pairs after them.

    Only cells before the first ordinary text count as labels, so a 三级指标 that happens to read like
    a label further right is left alone. A bare stem ("效果", "满意度") counts only left of
    ``name_column`` (the header's 三级指标 column), where no name can stand; rows only ever shift left.
    Fillers among the leading cells are dropped.

    Example:
        >>> leading_labels(["绩效指标", "产出指", "数量指标（必填硬性指", "培训人次", "100人次"])
        (['产出指', '数量指标（必填硬性指'], [(3, '培训人次'), (4, '100人次')])
        >>> leading_labels(["", "质量指标", "效果", "良好"], name_column=2)
        (['质量指标'], [(2, '效果'), (3, '良好')])
    """
    labels: list[str] = []
    for index, cell in enumerate(cells):
        if is_filler(cell):
            continue
        if is_label(cell, bare=name_column is None or index < name_column):
            labels.append(cell)
            continue
        return labels, list(enumerate(cells))[index:]
    return labels, []


@dataclass
class LevelTracker:
    """The current 一级/二级 labels while walking down a table whose merged cells were flattened."""

    level1: str = ""
    level2: str = ""

    @property
    def empty(self) -> bool:
        return not self.level1 and not self.level2

    def update(self, level1: str | None = None, level2: str | None = None) -> None:
        """Apply the labels printed on one row (None: that column is blank on this row).

        A new 一级 label clears the 二级 label; a 二级 label of another 一级 family without its own 一级
        label switches the 一级 label (a table that never prints 效益指标 still files 社会效益指标 under it).
        """
        if level1:
            self.level1 = normalise_level1(level1)
            self.level2 = ""
        if level2:
            self.level2 = normalise_level2(level2)
            parent = parent_of(self.level2)
            if (
                not level1
                and parent
                and parent != self.level1
                and not _is_cost_pair(self.level1, self.level2)
            ):
                self.level1 = parent

    def update_from_labels(self, labels: list[str]) -> None:
        """Apply the leading label cells of a tab row: two labels are 一级 then 二级; one is judged alone."""
        if not labels:
            return
        if len(labels) >= 2:
            self.update(labels[0], labels[1])
        elif is_level1_label(labels[0]):
            self.update(level1=labels[0])
        else:
            self.update(level2=labels[0])


def _is_cost_pair(level1: str, level2: str) -> bool:
    # 财预〔2021〕101号 tables put 经济/社会/生态环境成本 (and sometimes 成本指标 itself) under 一级 成本指标.
    return level1 == "成本指标" and level2.endswith("成本指标")


def year_marker(line: str) -> int | None:
    """The year a title line declares: "(2019年度)", "（ 2022 年度）", "2020年部门预算绩效信息".

    Example:
        >>> year_marker("(2022 年度)"), year_marker("2020年部门预算绩效信息"), year_marker("2019年内建设1个综合体")
        (2022, 2020, None)
    """
    match = _YEAR_IN_BRACKETS.search(line) or _YEAR_IN_TITLE.match(line)
    return int(match.group(1)) if match else None


def parse_amount(cell: str) -> float | None:
    """A plain money amount ("69", "2.00", "1,450,000"); anything else is None.

    Example:
        >>> parse_amount("1,450,000"), parse_amount("6.16"), parse_amount("约10万")
        (1450000.0, 6.16, None)
    """
    text = cell.strip()
    return float(text.replace(",", "")) if _AMOUNT.match(text) else None


def money_unit(text: str) -> str | None:
    """The money unit a label or note declares: "资金情况 (万元)", "项目资金 (元)", "单位：万元".

    Example:
        >>> money_unit("项目资金 (元)"), money_unit("单位：万元"), money_unit("年度资金总额")
        ('元', '万元', None)
    """
    match = _UNIT_IN_BRACKETS.search(text) or _UNIT_DECLARED.search(text)
    return match.group(1) if match else None


def to_wan(amount: float | None, unit: str | None) -> float | None:
    """An amount in 万元; None when the amount or its unit is unknown (no guessing).

    Example:
        >>> to_wan(200000, "元"), to_wan(2.5, "万元"), to_wan(69, None)
        (20.0, 2.5, None)
    """
    if amount is None or unit is None:
        return None
    return round(amount / 10000, 6) if unit == "元" else amount


def clean_department(cell: str) -> str | None:
    """A department name without its budget-system code ("【074】…", "203002…").

    Example:
        >>> clean_department("【074】中国共产党平罗县委员会组织部")
        '中国共产党平罗县委员会组织部'
    """
    text = _DEPARTMENT_CODE.sub("", clean_cell(cell)).strip()
    return text or None


def strip_html(text: str) -> str:
    """Drop HTML tags left in exported cells and collapse the spaces they leave."""
    return clean_cell(_HTML_TAG.sub(" ", text))


def is_vertical_char(line: str) -> bool:
    """A line holding one CJK character: a piece of vertically printed text (心/体/目/标)."""
    return bool(_VERTICAL_CHAR.match(line.strip()))


def next_text(cells: list[str], start: int) -> str:
    """The first non-empty cell after index ``start`` ("" when there is none)."""
    return next((cell for cell in cells[start + 1 :] if cell), "")


def field_value(cells: list[str], index: int) -> str:
    """The value of the label in ``cells[index]``: after its colon ("项目名称：甲"), else the next cell.

    Example:
        >>> field_value(["项目名称：甲项目"], 0), field_value(["项目名称", "", "乙项目"], 0)
        ('甲项目', '乙项目')
    """
    match = _AFTER_COLON.match(cells[index])
    return match.group(1).strip() if match else next_text(cells, index)


def line_range(first: int, last: int) -> str:
    """Provenance of a span of lines: "行 3" or "行 3-25"."""
    return f"行 {first}" if first >= last else f"行 {first}-{last}"


@dataclass
class ProjectParts:
    """The fields of one project collected while scanning; :meth:`build` freezes them into a Project."""

    name: str
    first_line: int
    code: str | None = None
    department: str | None = None
    year: int | None = None
    budget_wan: float | None = None
    goal: str | None = None
    indicators: list[Indicator] = field(default_factory=list)
    last_line: int = 0

    def add(self, indicator: Indicator, line: int) -> None:
        self.indicators.append(indicator)
        self.last_line = max(self.last_line, line)

    def add_goal(self, text: str) -> None:
        text = text.strip()
        if text:
            self.goal = f"{self.goal}\n{text}" if self.goal else text

    def build(self, source: str) -> Project:
        return Project(
            name=clean_cell(self.name),
            indicators=tuple(self.indicators),
            code=clean_cell(self.code) or None,
            department=self.department,
            year=self.year,
            budget_wan=self.budget_wan,
            goal=self.goal or None,
            source=source,
            location=line_range(self.first_line, max(self.last_line, self.first_line)),
        )


def finish(parts: list[ProjectParts], source: str) -> list[Project]:
    """Projects that have a name and at least one indicator row (a heading alone is not a table)."""
    return [p.build(source) for p in parts if clean_cell(p.name) and p.indicators]
