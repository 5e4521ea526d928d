"""Tables flattened with one cell per line (each cell line starts with a tab) and a blank line per row.

This is how DOCX budget books come out of some converters: "\\t项目编码" / "\\t203-0401-JBN-6X18" /
"\\t项目名称" / "\\t党代表活动经费" pairs for the header, then an indicator grid whose header block reads
一级指标 / 二级指标 / 三级指标 / 绩效指标描述 / 指标值 / 指标值确定依据 and whose rows are blocks of as
many cells, the 一级 cell left blank under a merged label. A line without a leading tab continues the
cell above it (multi-line 绩效目标); outside a block it is a title line ("1、党代表活动经费绩效目标表").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...records.build import make_indicator
from ...records.schema import Project
from .common import (
    LevelTracker,
    ProjectParts,
    clean_department,
    finish,
    money_unit,
    parse_amount,
    to_wan,
    year_marker,
)

_DEPARTMENT_WITH_CODE = re.compile(r"^\d{3,}\D")
_GRID_ROLES = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "指标值": "value",
    "绩效指标描述": "explain",
    "指标解释": "explain",
    "指标值确定依据": "basis",
}


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its text (continuation lines joined by newlines) and its first line number."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Block:
    """Lines between blank lines: title lines (no leading tab) and cells."""

    titles: tuple[str, ...]
    cells: tuple[Cell, ...]
    first_line: int


def is_cell_lines(lines: list[str]) -> bool:
    """Sniff: a grid header written one cell per line ("一级指标" then "二级指标" on the next line).

    Example:
        >>> is_cell_lines(["\t一级指标", "\t二级指标"]), is_cell_lines(["一级指标\t二级指标"])
        (True, False)
    """
    stripped = [line.strip() for line in lines]
    return any(a == "一级指标" and b == "二级指标" for a, b in zip(stripped, stripped[1:], strict=False))


def blocks(lines: list[str]) -> list[Block]:
    """Group lines into blocks of cells (see the module docstring)."""
    result: list[Block] = []
    titles: list[str] = []
    cells: list[Cell] = []
    first = 0

    def close() -> None:
        if titles or cells:
            result.append(Block(tuple(titles), tuple(cells), first))

    for number, line in enumerate(lines, start=1):
        if not line.startswith("\t") and not line.strip():  # a lone tab is an empty cell, not a gap
            close()
            titles, cells, first = [], [], 0
            continue
        first = first or number
        if line.startswith("\t"):
            cells.append(Cell(line[1:].strip(), number))
        elif cells:
            previous = cells[-1]
            cells[-1] = Cell(f"{previous.text}\n{line.strip()}".strip(), previous.line)
        else:
            titles.append(line.strip())
    close()
    return result


def parse(lines: list[str], source: str) -> list[Project]:
    """Read every project of a one-cell-per-line document."""
    projects: list[ProjectParts] = []
    current: ProjectParts | None = None
    year: int | None = None
    unit: str | None = None
    department: str | None = None
    roles: list[str] | None = None
    levels = LevelTracker()
    for block in blocks(lines):
        texts = [cell.text for cell in block.cells]
        for title in block.titles:
            year = year_marker(title) or year
        if _opens_project(texts, current):
            roles = None
            current = ProjectParts(name="", first_line=block.first_line, department=department, year=year)
            projects.append(current)
        if roles is not None and len(texts) == len(roles) and not block.titles:
            assert current is not None
            _add_row(current, levels, dict(zip(roles, block.cells, strict=True)))
            continue
        roles = None
        if "一级指标" in texts and "指标值" in texts and current is not None:
            roles = [_GRID_ROLES.get(text.replace(" ", ""), "other") for text in texts]
            levels = LevelTracker()
            continue
        for index, text in enumerate(texts):
            unit = money_unit(text) or unit
            following = texts[index + 1] if index + 1 < len(texts) else ""
            if current is None:
                if _looks_like_department(text):
                    department = clean_department(text)
                continue
            if text == "项目名称":
                current.name = following
            elif text == "项目编码":
                current.code = following or None
            elif text in {"预算数", "年度资金总额", "资金总额"} and current.budget_wan is None:
                current.budget_wan = to_wan(parse_amount(following), unit)
            elif text in {"绩效目标", "年度目标", "年度绩效目标"}:
                current.add_goal(following)
            elif _looks_like_department(text):
                department = clean_department(text)
    return finish(projects, source)


def _opens_project(texts: list[str], current: ProjectParts | None) -> bool:
    """A 项目名称/项目编码 block starts a project unless it completes the one just opened."""
    if "项目名称" not in texts and "项目编码" not in texts:
        return False
    if current is None or current.indicators:
        return True
    return ("项目名称" in texts and bool(current.name)) or ("项目编码" in texts and bool(current.code))


def _add_row(project: ProjectParts, levels: LevelTracker, row: dict[str, Cell]) -> None:
    def text(role: str) -> str:
        cell = row.get(role)
        return cell.text if cell else ""

    levels.update(text("level1") or None, text("level2") or None)
    name, value = text("name"), text("value")
    if not name and not value:
        return
    notes = [part for part in (text("explain"), text("basis")) if part]
    line = row["name"].line if "name" in row else min(cell.line for cell in row.values())
    indicator = make_indicator(
        levels.level1, levels.level2, name, value, explain="；".join(notes) or None, location=f"行 {line}"
    )
    project.add(indicator, line)


def _looks_like_department(text: str) -> bool:
    """A department heading printed with its budget code: "203002中国共产党…组织部"."""
    return bool(_DEPARTMENT_WITH_CODE.match(text)) and text.endswith(("部", "委员会", "局", "办公室", "中心"))
