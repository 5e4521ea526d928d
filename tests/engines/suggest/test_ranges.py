"""Value ranges and typical values from past parsed values."""

from __future__ import annotations

from assistant.engines.suggest.ranges import normalise_unit, rate_comparator, typical_rate, value_range
from assistant.records.schema import ParsedValue, ValueRange
from assistant.records.values import parse_value


def test_range_of_rates():
    values = [parse_value(v) for v in ("≥90%", "95%以上", "达到85%", "良好")]
    assert value_range(values) == ValueRange(comparator="≥", low=85.0, high=95.0, unit="%")


def test_range_uses_the_dominant_unit_only():
    values = [parse_value(v) for v in ("100人", "200人", "3期")]
    rng = value_range(values)
    assert (rng.low, rng.high, rng.unit) == (100.0, 200.0, "人")


def test_no_numbers_no_range():
    assert value_range([parse_value("明显"), parse_value("")]) is None


def test_typical_rates_and_comparators():
    values = [ParsedValue("number", "≥", v, None, "%") for v in (85.0, 95.0, 90.0)]
    assert typical_rate("服务对象满意度", values) == 90.0
    assert typical_rate("培训合格率", []) is None  # no past rate: no number (a placeholder instead)
    assert typical_rate("满意度", [ParsedValue("number", "≥", 100100.0, None, "%")]) is None
    assert rate_comparator("群众投诉率") == "≤"
    assert rate_comparator("满意度", [ParsedValue("number", "=", 90.0, None, "%")]) == "≥"


def test_units():
    assert [normalise_unit(u) for u in ("％", "万", "名", None, "人次")] == ["%", "万元", "人", None, "人次"]
