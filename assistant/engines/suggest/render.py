"""Write the measurable 指标值 of a candidate: from the goal when it states the number, else from the
nearest past values, adapted to the project's year and budget.

Rules, in order:
- a goal mention gives the number (培训 1 期 40 人 → ≥40人); amounts never exceed the budget;
- 成本 slots: past amounts are read as shares of their project's budget and scaled to this one
  (总成本 ≤ budget; a share never above 100%); per-unit costs (元/人) are kept as seen;
- rates (%) take the median past threshold of this indicator (满意度 ≥90%) with ≥, or ≤ for
  投诉率-like names;
- 时效: the nearest past deadline with this project's year, else a duration (≤3个工作日), else the
  end of the project's year (YYYY年12月底前);
- other numbers: the nearest measurable past value in canonical form (comparator, number, unit);
- a binary state (完成, 通过验收) is kept;
- anything else — past values all vague (明显, 得到提升), a rate nobody gave a number — yields
  ``None``: the suggester writes a 【待填】 placeholder instead of a number no source gives.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from assistant.records.schema import ParsedValue, Project, ProjectDraft, ValueRange

from .adapt import adapt_deadline, deadline_for, format_number, mention_slot, mention_value, to_wan
from .candidates import Candidate
from .corpus import COST_SLOTS, Corpus
from .ranges import BENIGN_FLAGS, normalise_unit, rate_comparator, typical_rate, value_range


def round_amount(value: float) -> float:
    """Round an amount in 万元 *down* to 4 significant digits, so a rounded cost never exceeds the
    budget it was scaled from.

    Example:
        >>> round_amount(13.75841), round_amount(0.054321), round_amount(30.0)
        (13.75, 0.05432, 30.0)
    """
    if value <= 0:
        return 0.0
    digits = max(0, 3 - int(math.floor(math.log10(value))))
    factor = 10.0**digits
    return math.floor(value * factor + 1e-9) / factor


def _canonical(parsed: ParsedValue) -> str | None:
    """A parsed number/range/duration as comparator + number + unit (None when incomplete)."""
    if parsed.low is None or not set(parsed.flags) <= BENIGN_FLAGS:
        return None
    unit = normalise_unit(parsed.unit) or ""
    if parsed.kind == "range" and parsed.high is not None:
        return f"{format_number(parsed.low)}-{format_number(parsed.high)}{unit}"
    if not unit:
        return None
    comparator = parsed.comparator or ""
    if parsed.kind == "duration" and comparator in {"", "="}:
        comparator = "≤"
    elif comparator == "=":
        comparator = ""  # a bare count states the target itself: 1处, 40人
    return f"{comparator}{format_number(parsed.low)}{unit}"


def render(candidate: Candidate, corpus: Corpus, draft: ProjectDraft) -> tuple[str, ValueRange | None] | None:
    """The value and range to suggest for a candidate, or ``None`` when nothing measurable fits."""
    rows = [corpus.rows[r] for r in candidate.rows]
    parsed = [r.parsed for r in rows]
    past_range = value_range(parsed)
    mention = candidate.mention
    if mention is not None:
        return _from_mention(candidate, corpus, draft, past_range)
    if candidate.level2 in COST_SLOTS:
        return _cost(candidate, corpus, draft)
    if candidate.level2 == "时效指标":
        return _deadline(rows, draft)
    unit = past_range.unit if past_range else None
    if unit == "%":
        rate = typical_rate(candidate.name, parsed)
        if rate is None:
            return None  # no readable past rate (≥100100%): no number to give
        return rate_value(rate_comparator(candidate.name, parsed), rate), past_range
    for row in rows:
        if not row.measurable:
            continue
        if row.parsed.kind == "binary":
            return _compact(row.value), None
        if row.parsed.kind == "deadline":
            return adapt_deadline(_compact(row.value), draft.year), None
        text = _canonical(row.parsed)
        if text:
            return text, value_range(parsed, normalise_unit(row.parsed.unit))
    return None


def rate_value(comparator: str, rate: float) -> str:
    """A rate target as a table writes it: ≥90%, ≤5%, and a full 100% as plain "100%" (not "=100%").

    Example:
        >>> rate_value("≥", 95.0), rate_value("≥", 100.0), rate_value("≤", 0.0), rate_value("=", 100.0)
        ('≥95%', '100%', '≤0%', '100%')
    """
    if comparator in {"=", ""} or (comparator == "≥" and rate >= 100):
        return f"{format_number(min(rate, 100.0) if comparator == '≥' else rate)}%"
    return f"{comparator}{format_number(rate)}%"


def _compact(text: str) -> str:
    """Drop the spaces PDF extraction leaves inside values (2022 年 12 月 → 2022年12月)."""
    return "".join(text.split())


def _from_mention(
    candidate: Candidate, corpus: Corpus, draft: ProjectDraft, past_range: ValueRange | None
) -> tuple[str, ValueRange | None] | None:
    mention = candidate.mention
    assert mention is not None
    if mention.kind == "action":
        # 建立健康档案: a coverage share the goal names without a number — the past targets of the
        # same indicator give it, else the drafter does (no default share)
        rate = typical_rate(candidate.name, [corpus.rows[r].parsed for r in candidate.rows])
        return (rate_value("≥", rate), past_range) if rate is not None else None
    if mention.kind == "money" and mention_slot(mention)[1] != "成本指标":
        return mention_value(mention), ValueRange("≥", mention.number, mention.number, mention.unit)
    if mention.kind == "money":
        amount = to_wan(mention.number, mention.unit)
        per_unit = "/" in mention.unit
        if amount is None:
            return None
        if draft.budget_wan is not None and amount > draft.budget_wan:
            if per_unit:
                return None
            amount = draft.budget_wan
            value = f"≤{format_number(round_amount(amount))}万元"
            return value, ValueRange("≤", amount, amount, "万元")
        return mention_value(mention), ValueRange("≤", mention.number, mention.number, mention.unit)
    value = mention_value(mention)
    unit = normalise_unit(mention.unit)
    if candidate.template is not None and past_range and past_range.unit:
        unit_past = past_range.unit
        if unit_past != unit and {unit, unit_past} <= {"人", "人次"}:
            value = f"≥{format_number(mention.number)}{unit_past}"
            unit = unit_past
    low = mention.number
    return value, ValueRange("≥", low, low, unit)


def _deadline(rows: Sequence, draft: ProjectDraft) -> tuple[str, ValueRange | None]:
    for row in rows:
        if row.measurable and row.parsed.kind == "deadline":
            return adapt_deadline(_compact(row.value), draft.year), None
    for row in rows:
        if row.measurable and row.parsed.kind == "duration":
            text = _canonical(row.parsed)
            if text:
                return text, value_range([r.parsed for r in rows], normalise_unit(row.parsed.unit))
    return deadline_for(draft.year), None


#: Names that denote the whole cost of a project, which the budget bounds on its own.
_TOTAL_COST = re.compile(r"总成本|项目成本|总金额|资金总额|总投入|总预算|预算执行|成本控制")


def _annual(unit: str) -> str:
    """A yearly amount of a yearly budget is a total: 万元/年 → 万元 (35万一年 is the year's cost)."""
    for suffix in ("/年", "/一年", "/每年"):
        if unit.endswith(suffix):
            return unit[: -len(suffix)]
    return unit


def _budget_share(row_value: ParsedValue, project: Project) -> float | None:
    amount = to_wan(
        row_value.high if row_value.high is not None else row_value.low or 0.0, _annual(row_value.unit or "")
    )
    if amount is None or not project.budget_wan or project.budget_wan <= 0:
        return None
    share = amount / project.budget_wan
    return share if 0 < share <= 1.0 + 1e-9 else None


def _cost(candidate: Candidate, corpus: Corpus, draft: ProjectDraft) -> tuple[str, ValueRange | None] | None:
    """Costs scaled to the budget: the median past share of the budget × this budget, ≤ budget."""
    rows = [corpus.rows[r] for r in candidate.rows]
    budget = draft.budget_wan
    shares: list[float] = []
    per_unit: list[ParsedValue] = []
    for row in rows:
        if not row.measurable or row.parsed.low is None:
            continue
        unit = _annual(row.parsed.unit or "")
        if normalise_unit(unit) == "%":
            return rate_value(rate_comparator(candidate.name) if "率" in candidate.name else "≤", 100.0), None
        if "/" in unit or "每" in unit:
            per_unit.append(row.parsed)
            continue
        share = _budget_share(row.parsed, corpus.projects[row.project])
        if share is not None:
            shares.append(share)
    if per_unit:
        first = per_unit[0]
        amount = to_wan(first.low or 0.0, first.unit)
        if amount is not None and (budget is None or amount <= budget):
            text = _canonical(first)
            if text:
                if not text.startswith(("≤", "<", "=")) and "-" not in text:
                    text = "≤" + text.lstrip("≥>")
                return text, value_range(per_unit, normalise_unit(first.unit))
    if budget is None or budget <= 0:
        return None
    if not shares:
        if not _TOTAL_COST.search(candidate.name):
            return None  # a part of the cost nobody priced: the drafter fills it in
        shares = [1.0]
    shares.sort()
    median = shares[len(shares) // 2]
    amount = min(budget, round_amount(median * budget))
    low = min(budget, round_amount(shares[0] * budget))
    high = min(budget, round_amount(shares[-1] * budget))
    return f"≤{format_number(amount)}万元", ValueRange("≤", low, high, "万元")
