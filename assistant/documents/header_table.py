"""Indicator tables with a header row (三级指标 | 指标值 | …) → projects.

Shared by every reader that sees a table: CSV/TSV, generic XLSX sheets and the indicator grid of a
申报表 (XLSX, DOCX, HTML, PDF). :func:`match_header` recognises the header row (with synonyms such
as 指标名称, 目标值, 指标值(年度)), :func:`refine_with_subheader` reads a second header row
(年度 | 中长期, 符号 | 值 | 计量单位), and :func:`rows_to_projects` turns the data rows into
projects: grouped by a 项目名称 column when there is one, with blank 一级/二级 cells inherited from
the row above (what a merged cell means).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..records.build import make_indicator
from ..records.levels import normalise_level1, normalise_level2, parent_of
from ..records.schema import Indicator, Project
from ..text.normalise import label_key
from .form import FormFields, money_to_wan, parse_year, unit_in

Role = Literal[
    "level1",
    "level2",
    "name",
    "value",
    "period_value",
    "explain",
    "symbol",
    "unit",
    "project",
    "code",
    "department",
    "year",
    "budget",
    "goal",
]

SYNONYMS: dict[Role, tuple[str, ...]] = {
    "level1": ("一级指标", "一级指标名称", "一级"),
    "level2": ("二级指标", "二级指标名称", "二级"),
    "name": ("三级指标", "三级指标名称", "指标名称", "绩效指标", "绩效指标名称", "具体指标", "三级"),
    "value": (
        "指标值",
        "目标值",
        "年度指标值",
        "年度目标值",
        "绩效指标值",
        "指标目标值",
        "预期指标值",
        "预期目标值",
        "绩效目标值",
        "本年度指标值",
        "值",
    ),
    "period_value": (
        "实施周期指标值",
        "中长期指标值",
        "中期指标值",
        "长期指标值",
        "全周期指标值",
        "实施周期目标值",
        "中长期目标值",
    ),
    "explain": ("指标解释", "指标说明", "指标描述", "绩效指标描述", "指标定义", "指标内涵", "指标值说明"),
    "symbol": ("符号", "度量符号", "运算符号", "比较符号", "指标符号", "计算符号"),
    "unit": ("计量单位", "单位", "度量单位", "指标单位"),
    "project": ("项目名称", "项目"),
    "code": ("项目编码", "项目代码", "项目编号"),
    "department": ("部门", "主管部门", "实施单位", "申请单位", "单位名称", "部门名称", "预算单位"),
    "year": ("年度", "预算年度", "年份"),
    "budget": (
        "资金",
        "资金总额",
        "年度资金总额",
        "本年度资金",
        "本年度项目金额",
        "预算金额",
        "项目金额",
        "金额",
        "年度预算",
        "预算",
    ),
    "goal": ("年度目标", "年度绩效目标", "年度总体目标", "总体目标", "绩效目标"),
}
_ROLE_OF: dict[str, Role] = {text: role for role, texts in SYNONYMS.items() for text in texts}
# Cells of a second header row under a spanning 指标值 header.
_SUBHEADER: dict[str, Role] = {
    "年度": "value",
    "本年度": "value",
    "年度指标值": "value",
    "年度目标值": "value",
    "指标值": "value",
    "值": "value",
    "数值": "value",
    "中长期": "period_value",
    "中长期指标值": "period_value",
    "实施周期": "period_value",
    "实施周期指标值": "period_value",
    "中期": "period_value",
    "长期": "period_value",
    "全周期": "period_value",
    "符号": "symbol",
    "计量单位": "unit",
    "单位": "unit",
}
_PERIOD_WORDS = ("中长期", "实施周期", "全周期", "中期", "长期")
_BRACKETED = re.compile(r"[（(]([^）)]*)[）)]?")
_QUALITATIVE_SYMBOLS = {"定性", "/", "-", "—", "无"}

REQUIRED_HEADERS = "三级指标（或 指标名称）和 指标值（或 目标值）"


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Which column holds which role; ``budget_unit`` is the unit printed in the budget header."""

    columns: Mapping[Role, int]
    budget_unit: str | None = None

    def get(self, row: Sequence[str], role: Role) -> str:
        col = self.columns.get(role)
        return row[col] if col is not None and col < len(row) else ""


@dataclass(frozen=True, slots=True)
class TableRow:
    """One data row: its stripped cells, its index in the source grid and where it was read
    (``Sheet1!A12:E12``, ``第12行``)."""

    cells: tuple[str, ...]
    index: int
    location: str


Locate = Callable[[int, int], str]  # (first row index, last row index) → a project's location


def header_role(text: str) -> tuple[Role | None, str | None]:
    """The role a header cell names and the money unit in its brackets.

    Example:
        >>> header_role("指标值(年度)"), header_role("实施周期指标值"), header_role("资金（元）")
        (('value', None), ('period_value', None), ('budget', '元'))
    """
    role, _rank, unit = _header_match(text)
    return role, unit


def _header_match(text: str) -> tuple[Role | None, int, str | None]:
    """Role, synonym rank (lower = more specific) and budget unit of a header cell."""
    squeezed = label_key(text or "")
    if not squeezed:
        return None, 0, None
    if squeezed in _ROLE_OF:
        exact = _ROLE_OF[squeezed]
        return exact, SYNONYMS[exact].index(squeezed), None
    notes = " ".join(_BRACKETED.findall(squeezed))
    base = _BRACKETED.sub("", squeezed)
    role = _ROLE_OF.get(base)
    rank = SYNONYMS[role].index(base) if role is not None else len(SYNONYMS["period_value"])
    if role == "value" and any(word in notes for word in _PERIOD_WORDS):
        role = "period_value"
    if role is None and any(word in squeezed for word in _PERIOD_WORDS) and "值" in squeezed:
        role = "period_value"
    return role, rank, (unit_in(notes) if role == "budget" else None)


def match_header(cells: Sequence[str]) -> ColumnMap | None:
    """A :class:`ColumnMap` when ``cells`` is an indicator header row (it names both a 三级指标 and a
    指标值 column), else ``None``. When two columns name one role the more specific synonym wins
    (三级指标 over a framing 绩效指标 column), then the first column.

    Example:
        >>> match_header(["一级指标", "二级指标", "三级指标", "目标值", "指标解释"]).columns["value"]
        3
        >>> match_header(["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"]).columns["name"]
        3
        >>> match_header(["编码", "审核对象", "三级指标"]) is None
        True
    """
    best: dict[Role, tuple[int, int]] = {}  # role → (rank, column)
    budget_unit = None
    for col, cell in enumerate(cells):
        role, rank, unit = _header_match(cell)
        if role is not None and (role not in best or rank < best[role][0]):
            best[role] = (rank, col)
            if role == "budget":
                budget_unit = unit
    if "name" not in best or "value" not in best:
        return None
    columns = {role: col for role, (_rank, col) in sorted(best.items(), key=lambda item: item[1][1])}
    return ColumnMap(columns, budget_unit)


def describe_columns(cells: Sequence[str]) -> str:
    """The reason to give when a header row lacks the required columns."""
    shown = [" ".join(cell.split())[:30] for cell in cells if cell.strip()]
    found = "、".join(f"“{cell}”" for cell in shown[:20]) + ("…" if len(shown) > 20 else "") or "（空）"
    return f"缺少指标列：需要 {REQUIRED_HEADERS}；找到的列：{found}"


def is_subheader(header: ColumnMap, header_cells: Sequence[str], cells: Sequence[str]) -> bool:
    """Whether ``cells`` is a second header row under ``header_cells`` (年度 | 中长期, 符号 | 值 | 单位):
    its 三级指标 cell is blank or repeats the header (a merged header cell) and its 指标值 cell is a
    sub-heading."""
    name_cell = header.get(cells, "name")
    if name_cell and name_cell != header.get(header_cells, "name"):
        return False
    return label_key(header.get(cells, "value")) in _SUBHEADER


def refine_with_subheader(header: ColumnMap, cells: Sequence[str]) -> ColumnMap:
    """Re-map the value columns from a second header row (see :func:`is_subheader`).

    Example:
        >>> top = match_header(["三级指标", "指标值", "指标值", "指标值"])
        >>> dict(refine_with_subheader(top, ["", "符号", "值", "计量单位"]).columns)
        {'name': 0, 'symbol': 1, 'value': 2, 'unit': 3}
    """
    roles: dict[int, Role] = {col: role for role, col in header.columns.items()}
    for col, cell in enumerate(cells):
        sub = _SUBHEADER.get(label_key(cell))
        if sub is not None and roles.get(col) in (None, "value", "period_value", "symbol", "unit"):
            roles[col] = sub
        elif sub is None and col not in roles and cell:
            role, _unit = header_role(cell)
            if role is not None:
                roles[col] = role
    columns: dict[Role, int] = {}
    for col in sorted(roles):
        columns.setdefault(roles[col], col)
    return ColumnMap(columns, header.budget_unit)


def compose_value(columns: ColumnMap, cells: Sequence[str]) -> str:
    """The 指标值 as printed, joining 符号 + 值 + 计量单位 when the table splits them.

    Example:
        >>> cols = ColumnMap({"name": 0, "symbol": 1, "value": 2, "unit": 3})
        >>> compose_value(cols, ["合格率", "≥", "95", "%"]), compose_value(cols, ["效果", "定性", "良好", ""])
        ('≥95%', '良好')
    """
    value = columns.get(cells, "value")
    symbol = columns.get(cells, "symbol")
    unit = columns.get(cells, "unit")
    if symbol and symbol not in _QUALITATIVE_SYMBOLS and value and not value.startswith(symbol):
        value = symbol + value
    if unit and value and not value.endswith(unit) and unit not in _QUALITATIVE_SYMBOLS:
        value = value + unit
    return value


_PROJECT_ROLES: tuple[Role, ...] = ("code", "department", "year", "budget", "goal")
_IDENTITY_ROLES: tuple[Role, ...] = ("code", "department", "year")


@dataclass(slots=True)
class _Group:
    """A project being assembled from rows (mutable while reading, frozen into a Project after)."""

    name: str
    first: int
    last: int
    indicators: list[Indicator] = field(default_factory=list)
    cells: dict[Role, str] = field(default_factory=dict)


def rows_to_projects(
    rows: Iterable[TableRow],
    columns: ColumnMap,
    *,
    form: FormFields,
    fallback_name: str,
    source: str,
    locate: Locate,
    evidence: str = "",
) -> list[Project]:
    """Group data rows into projects and build their indicators with ``make_indicator``.

    Rows with neither 三级指标, 指标值 nor 指标解释 are template scaffolding and skipped; a row of
    不适用 is kept as printed (an intentionally empty slot). Blank 一级/二级 cells inherit the row
    above unless the 二级 label says the 一级 differs. Rows belong to one project while its identity
    stays the same (:func:`_starts_project`), so projects come out in row order. Without a 项目名称
    column the rows form one project named by the form (``form.name``) or ``fallback_name``. ``locate`` gives a project's
    location from the indexes of its first and last rows.
    """
    groups: list[_Group] = []
    group: _Group | None = None
    current_project = ""
    identity: dict[Role, str] = {}  # 项目编码 / 部门 / 年度 of the current run of rows
    level1 = level2 = ""
    split_value = "symbol" in columns.columns or "unit" in columns.columns
    project_roles = [role for role in _PROJECT_ROLES if role in columns.columns]
    identity_roles = [role for role in _IDENTITY_ROLES if role in columns.columns]
    for row in rows:
        cells = row.cells
        name = columns.get(cells, "name")
        value = compose_value(columns, cells) if split_value else columns.get(cells, "value")
        explain = columns.get(cells, "explain")
        period = columns.get(cells, "period_value")
        project = columns.get(cells, "project")
        seen = {role: cell for role in identity_roles if (cell := columns.get(cells, role))}
        if _starts_project(project, current_project, seen, identity):
            current_project, level1, level2 = project or current_project, "", ""
            identity = {}
            group = None
        identity.update(seen)
        if not (name or value or explain or period):
            continue
        if group is None:
            group = _Group(current_project or form.name or fallback_name, row.index, row.index)
            groups.append(group)
        group.last = row.index
        for role in project_roles:
            cell = columns.get(cells, role)
            if cell and role not in group.cells:
                group.cells[role] = cell
        level1, level2 = _inherit_levels(
            columns.get(cells, "level1"), columns.get(cells, "level2"), level1, level2
        )
        group.indicators.append(
            make_indicator(
                level1, level2, name, value, explain=explain, period_value=period, location=row.location
            )
        )
    return [_to_project(group, columns, form, source, locate, evidence) for group in groups]


def _starts_project(
    project: str, current: str, seen: Mapping[Role, str], identity: Mapping[Role, str]
) -> bool:
    """Whether a row begins another project: rows belong to one project while its 项目编码 (or,
    without one, 项目名称 + 部门 + 年度) stays the same; a blank cell continues the row above (merged
    cells). Two same-named projects of two departments are two projects, never merged."""
    code, known = seen.get("code"), identity.get("code")
    if code and known:
        return code != known
    if project and project != current:
        return True
    return any(identity.get(role, cell) != cell for role, cell in seen.items())


def _inherit_levels(cell1: str, cell2: str, prev1: str, prev2: str) -> tuple[str, str]:
    """Fill blank 一级/二级 cells from the previous row (merged cells that lost their copies); a new
    一级 label starts a new block, so its blank 二级 is not inherited."""
    if cell1:
        same_block = normalise_level1(cell1) == normalise_level1(prev1)
        return cell1, cell2 or (prev2 if same_block else "")
    level2 = cell2 or prev2
    parent = parent_of(normalise_level2(level2))
    inherited = normalise_level1(prev1)
    if not cell2 or parent is None or inherited in (parent, "成本指标"):
        return prev1, level2
    return "", level2  # make_indicator infers the 一级 from the 二级 label


def _to_project(
    group: _Group, columns: ColumnMap, form: FormFields, source: str, locate: Locate, evidence: str
) -> Project:
    cells = group.cells
    budget_wan = form.budget_wan
    if "budget" in cells:
        budget_wan, _assumed = money_to_wan(cells["budget"], columns.budget_unit, evidence)
    year = parse_year(cells["year"]) if "year" in cells else form.year
    return Project(
        name=group.name,
        indicators=tuple(group.indicators),
        code=cells.get("code") or form.code,
        department=cells.get("department") or form.department,
        year=year,
        budget_wan=budget_wan,
        goal=cells.get("goal") or form.goal,
        source=source,
        location=locate(group.first, group.last),
    )
