"""The label:value header of a 申报表 (项目名称：…, 资金（万元）：…) → :class:`FormFields`.

Platform exports, DOCX reposts and PDF pages print the project's header fields as label cells
followed by a value cell (``项目名称： | 党员培训经费``) or inline (``项目名称：党员培训经费``). This
module reads them from rows of plain strings, whatever document they came from, and normalises the
budget to 万元.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..text.normalise import label_key

FormField = Literal["name", "code", "department", "year", "budget", "goal"]

# Known labels per field, best first: when a form prints several (申请单位 and 一级预算单位), the
# earlier one wins. Labels are compared after removing spaces, colons and bracketed notes.
FIELD_LABELS: dict[FormField, tuple[str, ...]] = {
    "name": ("项目名称",),
    "code": ("项目编码", "项目代码", "项目编号"),
    "department": (
        "主管部门",
        "申请单位",
        "实施单位",
        "项目单位",
        "预算单位",
        "单位名称",
        "部门名称",
        "一级预算单位",
        "填报单位",
    ),
    "year": ("预算年度", "年度", "项目年度", "年份"),
    "budget": (
        "本年度项目金额",
        "年度资金总额",
        "本年度资金",
        "年度资金",
        "年度预算",
        "资金总额",
        "项目资金",
        "预算金额",
        "项目金额",
        "资金",
    ),
    "goal": ("年度目标", "年度绩效目标", "年度总体目标", "总体目标", "绩效目标"),
}
_LABEL_INDEX: dict[str, tuple[FormField, int]] = {
    label: (field, rank) for field, labels in FIELD_LABELS.items() for rank, label in enumerate(labels)
}
_BRACKETED = re.compile(r"[（(][^）)]*[）)]?")
_INLINE_LABEL = re.compile(r"([\u4e00-\u9fff]{2,8}(?:[（(][^）)]{0,16}[）)])?)\s*[:：]")
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
_MONEY_MENTION = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(万元|万|元)")
_YEAR = re.compile(r"(20\d\d)\s*年?")
_UNIT_DECLARED = re.compile(r"(?:^|[\s（(])(?:金额)?单位\s*[:：]\s*(万元|元)")

YUAN_PER_WAN = 10_000.0
# A 万元 amount this large (1亿元) for one project line is far likelier a 元 figure typed under a
# 万元 label (every songgang export does this); such amounts are converted and reported.
IMPLAUSIBLE_WAN = 10_000.0


@dataclass(frozen=True, slots=True)
class FormFields:
    """Project header fields read from a form; ``None`` where the form does not print them."""

    name: str | None = None
    code: str | None = None
    department: str | None = None
    year: int | None = None
    budget_wan: float | None = None
    goal: str | None = None
    budget_assumed_yuan: bool = False  # the amount sat under a 万元 label but was read as 元


@functools.lru_cache(maxsize=8192)  # the same label and value texts recur on every sheet
def label_of(text: str) -> tuple[FormField, int, str | None] | None:
    """The form field a label cell names, its rank and the unit in its brackets, or ``None``.

    Example:
        >>> label_of("本年度项目金额（万元）：")
        ('budget', 0, '万元')
        >>> label_of("项目名称"), label_of("长期目标（跨度多年的项目需填）：")
        (('name', 0, None), None)
    """
    squeezed = label_key(text or "")
    if not squeezed or len(squeezed) > 24:
        return None
    base = _BRACKETED.sub("", squeezed)
    hit = _LABEL_INDEX.get(base)
    if hit is None:
        return None
    return hit[0], hit[1], unit_in(squeezed[len(base) :] if squeezed.startswith(base) else squeezed)


def unit_in(text: str) -> str | None:
    """``"万元"`` or ``"元"`` when ``text`` names a money unit, else ``None``."""
    if "万元" in text or "万" in text:
        return "万元"
    if "元" in text:
        return "元"
    return None


def parse_year(text: str) -> int | None:
    """A four-digit year 2000–2099 in ``text`` (``"2023"``, ``"2023年度"``), else ``None``."""
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


def parse_amount(text: str) -> tuple[float, str | None] | None:
    """The first number in a money cell and the unit printed next to it.

    Example:
        >>> parse_amount("1,234.5万元"), parse_amount("300000"), parse_amount("无")
        ((1234.5, '万元'), (300000.0, None), None)
    """
    match = _NUMBER.search(text or "")
    if match is None:
        return None
    return float(match.group().replace(",", "")), unit_in(text[match.end() : match.end() + 3])


def money_to_wan(text: str, label_unit: str | None, evidence: str = "") -> tuple[float | None, bool]:
    """Normalise a budget cell to 万元; the flag says a 万元-labelled figure was read as 元.

    The unit printed in the cell wins, then the label's unit. Budget platforms often write 元
    under a "（万元）" label, so a 万元 (or unlabelled) amount is read as 元 when the rest of the
    table agrees (a "X万" or "Y元" mention equal to it in 元) or when it would exceed 1亿元.
    A zero amount means "not filled in" and gives ``None``.

    Example:
        >>> money_to_wan("795600", "万元", "总成本不超过79.56万")
        (79.56, True)
        >>> money_to_wan("30", "万元", "总成本≤30万元"), money_to_wan("50000元", "万元")
        ((30.0, False), (5.0, False))
    """
    parsed = parse_amount(text)
    if parsed is None or parsed[0] == 0:
        return None, False
    amount, cell_unit = parsed
    unit = cell_unit or label_unit
    if unit == "元":
        return round(amount / YUAN_PER_WAN, 6), False
    if cell_unit is None and _reads_as_yuan(amount, evidence):
        return round(amount / YUAN_PER_WAN, 6), True
    return amount, False


def _reads_as_yuan(amount: float, evidence: str) -> bool:
    """Whether an amount under a 万元 label is really in 元 (see :func:`money_to_wan`)."""
    as_yuan = as_wan = False
    for number, unit in _MONEY_MENTION.findall(evidence):
        value = float(number.replace(",", ""))
        in_yuan = value * YUAN_PER_WAN if unit.startswith("万") else value
        as_yuan |= _close(in_yuan, amount)
        as_wan |= _close(in_yuan, amount * YUAN_PER_WAN)
    if as_yuan != as_wan:
        return as_yuan
    return amount >= IMPLAUSIBLE_WAN


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.005 * max(abs(a), abs(b))


def read_form(rows: Sequence[Sequence[str]], evidence: str = "") -> FormFields:
    """Read the header fields from label:value rows (cells already stripped, merged cells filled).

    A label's value is the next cell to its right that is neither empty, a copy of the label (a
    merged label cell) nor another label; ``label：value`` inside one cell works too. A year printed
    in a title (``2023年度项目支出绩效目标表``) is used when no 年度 field exists, and a declared
    ``单位：元`` applies to a budget label without its own unit. ``evidence`` is
    the table's text, used to tell 元 from 万元 (see :func:`money_to_wan`).

    Example:
        >>> read_form([["项目名称：", "培训经费", "资金（万元）：", "12.5"], ["年度目标：", "培训100人次"]])
        FormFields(name='培训经费', code=None, department=None, year=None, budget_wan=12.5, goal='培训100人次', budget_assumed_yuan=False)
    """
    found: dict[FormField, tuple[int, str, str | None]] = {}  # field → (rank, value, unit)
    title_year: int | None = None
    declared_unit: str | None = None  # "单位：元" printed above the table

    def keep(field: FormField, rank: int, value: str, unit: str | None) -> None:
        if value and (field not in found or rank < found[field][0]):
            found[field] = (rank, value, unit)

    for row in rows:
        for col, cell in enumerate(row):
            if not cell:
                continue
            label = label_of(cell)
            if label is not None:
                keep(label[0], label[1], _value_right_of(row, col), label[2])
                continue
            for field, rank, value, unit in _inline_pairs(cell):
                keep(field, rank, value, unit)
            declared = _UNIT_DECLARED.search(cell)
            if declared and declared_unit is None:
                declared_unit = declared.group(1)
            if title_year is None and "绩效" in cell and len(cell) <= 60:
                title_year = parse_year(cell)

    def text(field: FormField) -> str | None:
        return found[field][1] if field in found else None

    budget_wan, assumed_yuan = (None, False)
    if "budget" in found:
        _rank, amount, unit = found["budget"]
        budget_wan, assumed_yuan = money_to_wan(amount, unit or declared_unit, evidence)
    year_text = text("year")
    return FormFields(
        name=text("name"),
        code=text("code"),
        department=text("department"),
        year=(parse_year(year_text) if year_text else None) or title_year,
        budget_wan=budget_wan,
        goal=text("goal"),
        budget_assumed_yuan=assumed_yuan,
    )


def _value_right_of(row: Sequence[str], col: int) -> str:
    label = row[col]
    for cell in row[col + 1 :]:
        if not cell or cell == label:
            continue
        return "" if label_of(cell) is not None else cell
    return ""


@functools.lru_cache(maxsize=4096)  # every sheet of an export repeats its captions (实施期限： …)
def _inline_pairs(cell: str) -> tuple[tuple[FormField, int, str, str | None], ...]:
    """``label：value`` pairs inside one cell, each value running to the next known label."""
    if "：" not in cell and ":" not in cell:  # most cells: no pair (the pattern needs a colon)
        return ()
    marks = []
    for match in _INLINE_LABEL.finditer(cell):
        # the label is the longest known suffix of the matched run ("一、项目名称：" → 项目名称)
        run = match.group(1)
        for start in range(len(run)):
            label = label_of(run[start:])
            if label is not None:
                marks.append((match.start(1) + start, match.end(), label))
                break
    pairs = []
    for i, (_start, value_start, label) in enumerate(marks):
        value_end = marks[i + 1][0] if i + 1 < len(marks) else len(cell)
        value = cell[value_start:value_end].strip(" \t\u3000;；,，。")
        pairs.append((label[0], label[1], value, label[2]))
    return tuple(pairs)
