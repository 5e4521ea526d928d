"""Build records from raw cells: the one place readers turn strings into :class:`Indicator`s."""

from __future__ import annotations

import re

from .levels import normalise_level1, normalise_level2, parent_of
from .schema import Indicator
from .values import parse_value

_SPACE = re.compile(r"[ \t\u3000\xa0]+")


def clean_cell(text: object) -> str:
    """Collapse runs of spaces and strip; ``None`` becomes ``""``.

    Example:
        >>> clean_cell("  党员　 培训\\n")
        '党员 培训'
    """
    if text is None:
        return ""
    return _SPACE.sub(" ", str(text)).strip()


def make_indicator(
    level1: str,
    level2: str,
    name: str,
    value: object,
    *,
    explain: str | None = None,
    period_value: str | None = None,
    location: str = "",
) -> Indicator:
    """Normalise labels, clean the cells and parse the value into one :class:`Indicator`.

    A missing 一级 label is inferred from the 二级 label (数量指标 → 产出指标).

    Example:
        >>> make_indicator("产产出指标", "数量指标（必填）", "培训人次", "≥100人次").level1
        '产出指标'
    """
    level2_norm = normalise_level2(level2)
    level1_norm = normalise_level1(level1) or (parent_of(level2_norm) or "")
    value_text = clean_cell(value)
    return Indicator(
        level1=level1_norm,
        level2=level2_norm,
        name=clean_cell(name),
        value=value_text,
        parsed=parse_value(value_text),
        explain=clean_cell(explain) or None,
        period_value=clean_cell(period_value) or None,
        location=location,
    )
