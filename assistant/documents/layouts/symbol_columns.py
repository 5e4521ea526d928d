"""Rows of tables whose 指标值 is split into ``*符号 | *值 | 计量单位`` columns, with 备注/说明 columns after.

The value is rebuilt as printed on paper: 符号 + 值 + 单位 ("≤" "2.73" "万元" → "≤2.73万元"); a 定性
row carries its text in the 值 column ("定性" "良好" → "良好"). 备注（指标解释等） and 指标值说明 become
the indicator's explanation. Rows shift left where merged cells were dropped, so the columns are found
relative to the 符号 cell rather than by absolute position.
"""

from __future__ import annotations

from dataclasses import dataclass

COMPARATORS = frozenset({"=", "＝", "≥", "≤", ">", "<", "＞", "＜", "≧", "≦", ">=", "<=", "＞＝", "＜＝"})
QUALITATIVE = "定性"
_MAX_UNIT_CHARS = 8


@dataclass(frozen=True, slots=True)
class SymbolRow:
    """The name, rebuilt value and explanation of one row (``explain`` is None when blank)."""

    name: str
    value: str
    explain: str | None


def is_symbol_header(cells: list[str]) -> bool:
    """The sub-header row naming the split value columns ("*符号 | *值 | 计量单位")."""
    stripped = {cell.lstrip("*＊").strip() for cell in cells}
    return "符号" in stripped and ("计量单位" in stripped or "值" in stripped)


def is_symbol(cell: str) -> bool:
    """A 符号 cell: a comparator or 定性."""
    return cell in COMPARATORS or cell == QUALITATIVE


def split_symbol_row(cells: list[tuple[int, str]]) -> SymbolRow:
    """Read name, value and explanation from the cells after the labels.

    Example:
        >>> split_symbol_row(list(enumerate(["培训费", "≤", "30", "万元", "", ""])))
        SymbolRow(name='培训费', value='≤30万元', explain=None)
        >>> split_symbol_row(list(enumerate(["完成时限", "定性", "2022年1月至12月", "", "", ""])))
        SymbolRow(name='完成时限', value='2022年1月至12月', explain=None)
    """
    texts = [cell for _, cell in cells]
    symbol_at = next((i for i, cell in enumerate(texts) if is_symbol(cell)), None)
    if symbol_at is None:  # no 符号 column filled in: name, value, then notes
        filled = [cell for cell in texts if cell]
        return SymbolRow(_get(filled, 0), _get(filled, 1), _join(filled[2:]))
    name = _join([cell for cell in texts[:symbol_at] if cell]) or ""
    symbol = texts[symbol_at]
    amount = _get(texts, symbol_at + 1)
    rest_from = symbol_at + 2
    if symbol == QUALITATIVE:
        value = amount
    else:
        unit = _get(texts, symbol_at + 2)
        if len(unit) <= _MAX_UNIT_CHARS and not any(mark in unit for mark in "。；，,"):
            rest_from += 1
        else:
            unit = ""
        value = f"{symbol}{amount}{unit}" if amount else ""
    return SymbolRow(name, value, _join([cell for cell in texts[rest_from:] if cell]))


def _get(items: list[str], index: int) -> str:
    return items[index] if 0 <= index < len(items) else ""


def _join(parts: list[str]) -> str | None:
    return "；".join(parts) or None
