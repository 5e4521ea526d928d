"""Value ranges and typical values from the parsed values of matched past indicators.

A range reports what similar projects actually wrote (comparator, lowest–highest, unit); a typical
value is what a drafter would write by default (the median of past thresholds for rates such as
满意度/合格率/覆盖率, rounded to a whole percent).
"""

from __future__ import annotations

import statistics
import unicodedata
from collections import Counter
from collections.abc import Sequence

from assistant.records.schema import ParsedValue, ValueRange

NUMERIC_KINDS = frozenset({"number", "range", "duration"})
BENIGN_FLAGS = frozenset({"APPROX", "RECURRING", "MULTI", "UNIT_WORD"})
#: Rates where less is better (投诉率 ≤ 5%): their default comparator is ≤.
LOWER_IS_BETTER = ("投诉", "事故", "差错", "发生率", "失误", "流失", "违规", "超支", "空置", "误差", "逾期")


def normalise_unit(unit: str | None) -> str | None:
    """One spelling per unit: NFKC, 万 → 万元, 百分比 → %.

    Example:
        >>> normalise_unit("％"), normalise_unit("万"), normalise_unit(None)
        ('%', '万元', None)
    """
    if not unit:
        return None
    text = unicodedata.normalize("NFKC", unit).strip()
    if text in {"万", "万元"}:
        return "万元"
    if text in {"百分比", "百分点"}:
        return "%"
    if text == "名":
        return "人"
    return text or None


def numeric_values(values: Sequence[ParsedValue]) -> list[ParsedValue]:
    """The values that carry a number (counts, rates, amounts, durations) and no parse glitch."""
    return [
        v for v in values if v.kind in NUMERIC_KINDS and v.low is not None and set(v.flags) <= BENIGN_FLAGS
    ]


def dominant_unit(values: Sequence[ParsedValue]) -> str | None:
    """The most common unit among numeric values (ties: the first seen)."""
    units = [normalise_unit(v.unit) for v in numeric_values(values)]
    units = [u for u in units if u]
    if not units:
        return None
    return Counter(units).most_common(1)[0][0]


def value_range(values: Sequence[ParsedValue], unit: str | None = None) -> ValueRange | None:
    """The comparator, lowest and highest threshold and unit seen among past values.

    Only values in ``unit`` (default: the dominant unit) count; ``None`` when none is numeric.

    Example:
        >>> vs = [ParsedValue("number", "≥", 90.0, None, "%"), ParsedValue("number", "≥", 95.0, None, "%")]
        >>> value_range(vs)
        ValueRange(comparator='≥', low=90.0, high=95.0, unit='%')
    """
    unit = unit or dominant_unit(values)
    same = [v for v in numeric_values(values) if normalise_unit(v.unit) == unit]
    if not same:
        return None
    lows = [float(v.low) for v in same if v.low is not None]
    highs = [float(v.high if v.high is not None else v.low) for v in same if v.low is not None]
    comparators = [v.comparator for v in same if v.comparator]
    comparator = Counter(comparators).most_common(1)[0][0] if comparators else None
    return ValueRange(comparator=comparator, low=min(lows), high=max(highs), unit=unit)


def rate_comparator(name: str, values: Sequence[ParsedValue] = ()) -> str:
    """≥ for rates (a bare 90% states a floor), ≤ for 投诉率/事故发生率 or when past values cap it."""
    if any(word in name for word in LOWER_IS_BETTER):
        return "≤"
    lows = [v.low for v in values if v.comparator in {"≤", "<"} and v.low is not None and v.low < 50]
    if len(lows) > len(values) / 2:
        return "≤"  # past practice caps it (差错率 ≤ 2%)
    return "≥"


def typical_rate(name: str, values: Sequence[ParsedValue]) -> float | None:
    """The median past threshold of a rate in %, rounded; ``None`` when no past value gives one
    (no default: a number must come from a source).

    Example:
        >>> typical_rate("服务对象满意度", [ParsedValue("number", "≥", 85.0, None, "%"),
        ...     ParsedValue("number", "≥", 95.0, None, "%"), ParsedValue("number", "≥", 90.0, None, "%")])
        90.0
        >>> typical_rate("培训合格率", []) is None
        True
    """
    rates = [
        float(v.low)
        for v in numeric_values(values)
        if v.low is not None and normalise_unit(v.unit) == "%" and 0 < v.low <= 100
    ]
    if rates:
        return float(statistics.median_low(rates))
    return None
