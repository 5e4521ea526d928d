"""Project lists whose indicators are written inline in one cell, as numbered items.

A row of a tab-flattened table (项目名称 | 总计 | 财政拨款 | … | 绩效目标 | 绩效指标) holds all indicators of a
project in its 绩效指标 cell::

    1、1-产出指标；11-数量指标；帮扶党内关爱扶助对象；实施周期指标值：≥100人；年度指标值：≥100人。2、…

Each item gives 一级 and 二级 labels with their codes, the 三级指标, then keyed values: 年度指标值
becomes the indicator value, 实施周期指标值 (the medium-term value) ``period_value``. Rows without
indicators (合计, the spending units heading their projects, budget lines with no target) are not projects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...records.build import make_indicator
from ...records.schema import Indicator, Project
from .common import (
    ProjectParts,
    clean_department,
    finish,
    money_unit,
    parse_amount,
    split_cells,
    to_wan,
    year_marker,
)

_ITEM_START = re.compile(r"(?<![^。；;\s])\d+\s*[、.．]\s*(?=\d+\s*-)")
_SNIFF = re.compile(r"(?<![^。；;\s])\d+\s*、\s*\d+\s*-\s*(?:产出|效益|效果|满意度|成本)")
_CODED = re.compile(r"^\d+\s*-")
_KEYED = re.compile(r"^(实施周期指标值|中长期指标值|年度指标值|指标值)\s*[:：]\s*(.*)$", re.S)
_PERIOD_KEYS = ("实施周期指标值", "中长期指标值")


@dataclass(frozen=True, slots=True)
class InlineItem:
    """One numbered item of an inline indicator list."""

    level1: str
    level2: str
    name: str
    value: str
    period_value: str | None


def is_inline_list(text: str) -> bool:
    """Sniff: numbered items starting with a coded 一级 label ("1、1-产出指标；")."""
    return bool(_SNIFF.search(text))


def split_items(cell: str) -> list[InlineItem]:
    """Parse the numbered items of one 绩效指标 cell.

    Example:
        >>> split_items("1、1-产出指标；11-数量指标；帮扶对象；实施周期指标值：≥100人；年度指标值：≥90人。")
        [InlineItem(level1='1-产出指标', level2='11-数量指标', name='帮扶对象', value='≥90人', period_value='≥100人')]
    """
    starts = list(_ITEM_START.finditer(cell))
    items: list[InlineItem] = []
    ends = [match.start() for match in starts[1:]] + [len(cell)]
    for match, end in zip(starts, ends, strict=True):
        body = cell[match.end() : end].strip()
        items.append(_parse_item(body.removesuffix("。").strip()))
    return items


def _parse_item(body: str) -> InlineItem:
    parts = [part.strip() for part in re.split(r"[；;]", body)]
    level1 = parts.pop(0) if parts and _CODED.match(parts[0]) else ""
    level2 = parts.pop(0) if parts and _CODED.match(parts[0]) else ""
    names: list[str] = []
    keyed: dict[str, str] = {}
    last_key: str | None = None
    for part in parts:
        match = _KEYED.match(part)
        if match:
            last_key = match.group(1)
            keyed[last_key] = match.group(2).strip()
        elif last_key is not None:  # a value that itself contained "；"
            keyed[last_key] = f"{keyed[last_key]}；{part}"
        else:
            names.append(part)
    value = keyed.get("年度指标值", keyed.get("指标值", ""))
    period = next((keyed[key] for key in _PERIOD_KEYS if key in keyed), None)
    return InlineItem(level1, level2, "；".join(names), value, period)


@dataclass(frozen=True, slots=True)
class _Columns:
    name: int = 0
    budget: int | None = None
    goal: int | None = None
    indicators: int | None = None


def _header_columns(cells: list[str]) -> _Columns | None:
    keys = [cell.replace(" ", "") for cell in cells]
    if not any(key.startswith("项目名称") for key in keys) or "绩效指标" not in keys:
        return None

    def find(*names: str) -> int | None:
        return next((i for i, key in enumerate(keys) if key in names), None)

    return _Columns(
        name=next(i for i, key in enumerate(keys) if key.startswith("项目名称")),
        budget=find("总计", "合计", "预算数", "金额", "资金总额"),
        goal=find("绩效目标", "年度绩效目标", "年度目标"),
        indicators=find("绩效指标"),
    )


def parse(lines: list[str], source: str) -> list[Project]:
    """Read every project row that carries an inline indicator list."""
    projects: list[ProjectParts] = []
    columns = _Columns()
    department: str | None = None
    unit: str | None = None
    year: int | None = None
    for number, line in enumerate(lines, start=1):
        cells = split_cells(line)
        texts = [cell for cell in cells if cell]
        if not texts:
            continue
        header = _header_columns(cells)
        if header is not None:
            columns = header
            continue
        items_at = _items_cell(cells, columns)
        if items_at is None:
            for text in texts:
                unit = money_unit(text) or unit
                year = year_marker(text) or year
                if text.startswith(("部门名称", "主管部门", "单位名称")) and re.search(r"[:：]", text):
                    department = clean_department(re.split(r"[:：]", text, maxsplit=1)[1]) or department
            continue
        project = ProjectParts(
            name=cells[columns.name] if columns.name < items_at else texts[0],
            first_line=number,
            department=department,
            year=year,
            budget_wan=to_wan(_cell_amount(cells, columns.budget), unit),
            last_line=number,
        )
        if columns.goal is not None and columns.goal < len(cells):
            project.add_goal(cells[columns.goal])
        for item in split_items(cells[items_at]):
            project.add(_indicator(item, number), number)
        projects.append(project)
    return finish(projects, source)


def _items_cell(cells: list[str], columns: _Columns) -> int | None:
    if (
        columns.indicators is not None
        and columns.indicators < len(cells)
        and is_inline_list(cells[columns.indicators])
    ):
        return columns.indicators
    return next((i for i, cell in enumerate(cells) if is_inline_list(cell)), None)


def _cell_amount(cells: list[str], index: int | None) -> float | None:
    return parse_amount(cells[index]) if index is not None and index < len(cells) else None


def _indicator(item: InlineItem, line: int) -> Indicator:
    return make_indicator(
        item.level1, item.level2, item.name, item.value, period_value=item.period_value, location=f"行 {line}"
    )
