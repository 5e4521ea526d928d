"""Write the measurable 指标值 of a candidate: from the goal when it states the number, else from the
nearest past values, adapted to the project's year and budget.

Rules, in order:
- a goal mention gives the number (培训 1 期 40 人 → ≥40人); amounts never exceed the budget;
- 成本 slots: past amounts are read as shares of their project's budget and scaled to this one
  (总成本 ≤ budget; a share never above 100%); per-unit costs (元/人) are kept as seen;
- rates (%) take the median past threshold (满意度 ≥90%) with ≥, or ≤ for 投诉率-like names;
- 时效: the nearest past deadline with this project's year, else a duration (≤3个工作日), else the
  end of the project's year (YYYY年12月底前);
- other numbers: the nearest measurable past value in canonical form (comparator, number, unit);
- a binary state (完成, 通过验收) is kept;
- 质量/效益/满意度 names whose past values were all vague (明显, 得到提升) get the share the slot
  usually targets (the median past % of the slot, e.g. ≥90%); anything else vague yields ``None``
  (the candidate is dropped).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from assistant.records.schema import ParsedValue, Project, ProjectDraft, ValueRange

from .adapt import adapt_deadline, deadline_for, format_number, mention_value, to_wan
from .candidates import Candidate
from .corpus import COST_SLOTS, Corpus, slot_group
from .ranges import BENIGN_FLAGS, normalise_unit, rate_comparator, typical_rate, value_range

RATE_SUFFIXES = ("率", "满意度", "覆盖面", "知晓度", "达标度")
#: Slots whose vague past values (明显, 得到提升) are restated as the share the slot usually targets.
RATE_SLOTS = frozenset(
    {"质量指标", "社会效益指标", "经济效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"}
)


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
    if unit == "%" or (not any(r.measurable for r in rows) and _is_rate_name(candidate.name)):
        comparator = rate_comparator(candidate.name, parsed)
        rate = typical_rate(candidate.name, parsed)
        rng = past_range if unit == "%" else None
        return rate_value(comparator, rate), rng
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
    if candidate.level2 in RATE_SLOTS:
        # past values were vague (明显, 得到提升): state the share the slot usually targets; the
        # suggester names what share it is (:func:`measurable_name`)
        return rate_value("≥", corpus.slot_rate(candidate.level2)), None
    return None


#: Name endings that become a rate by adding 率 (项目完成 → 项目完成率).
_RATE_STEMS = (
    "完成",
    "覆盖",
    "达标",
    "合格",
    "验收",
    "到位",
    "使用",
    "执行",
    "落实",
    "办结",
    "参与",
    "知晓",
    "入住",
    "就业",
    "受益",
    "建档",
    "解决",
    "处置",
    "整改",
)
#: What a share measures when the name is a statement: a quality target is met (达标率); an effect
#: is acknowledged by those it serves (认可度, the survey share a 效益 statement is checked by).
_RATE_SUFFIX_BY_GROUP = {"效益": "认可度", "满意度": "满意度"}


_TRAILING_PUNCT = re.compile(r"[\s。，,；;：:、.!！]+$")
#: Words that already say a cost name is about money (培训费, 慰问资金, 补助标准, 总支出 …).
_MONEY_WORDS = re.compile(r"费|成本|资金|经费|金额|补助|补贴|标准|支出|投入|预算|造价|价|开支|额度|金")


def measurable_name(name: str, level2: str, value: str) -> str:
    """The name a value can stand under: a rate name as is; a statement gets the share it measures;
    a cost name says it is a cost.

    "拉近党和群众密切联系 ≥95%" says nothing; "拉近党和群众密切联系认可度 ≥95%" (the share of those
    served who acknowledge the effect) is a survey target a reviewer can check. Past tables often
    name a cost by its object alone (社区 5万元/个, 慰问 2万元): the suggestion reads 社区成本, 慰问成本.
    Other values keep their name.

    Example:
        >>> measurable_name("拉近党和群众密切联系", "可持续影响指标", "≥95%")
        '拉近党和群众密切联系认可度'
        >>> measurable_name("社区服务质量", "质量指标", "≥90%"), measurable_name("项目完成", "质量指标", "100%")
        ('社区服务质量达标率', '项目完成率')
        >>> measurable_name("培训合格率", "质量指标", "100%"), measurable_name("培训人次", "数量指标", "≥40人次")
        ('培训合格率', '培训人次')
        >>> measurable_name("社区", "成本指标", "≤5万元/个"), measurable_name("培训费", "成本指标", "≤2万元")
        ('社区成本', '培训费')
    """
    if slot_group(level2) == "成本" and not value.endswith("%"):
        if _MONEY_WORDS.search(name) or re.search(r"\d", name):
            return name  # already about money, or a sentence that states its own amount
        return _TRAILING_PUNCT.sub("", name) + "成本"
    if not value.endswith("%") or _is_rate_name(name) or name.endswith(("度", "占比", "比例")):
        return name  # 合格率, 便利度, 知晓度, 自有资金占比 already say which share
    stem = _TRAILING_PUNCT.sub("", name).replace("、", "和")
    if stem.endswith(_RATE_STEMS):
        return stem + "率"
    suffix = _RATE_SUFFIX_BY_GROUP.get(slot_group(level2) or "", "达标率")
    return stem + suffix


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


def _is_rate_name(name: str) -> bool:
    return name.endswith(RATE_SUFFIXES) or "满意" in name


def _from_mention(
    candidate: Candidate, corpus: Corpus, draft: ProjectDraft, past_range: ValueRange | None
) -> tuple[str, ValueRange | None] | None:
    mention = candidate.mention
    assert mention is not None
    if mention.kind == "action":
        # 建立健康档案: a coverage share, not the slot's median (which is often a 100% of something else)
        rate = mention.number
        return rate_value("≥", rate), ValueRange("≥", rate, rate, "%")
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
        shares = [1.0]
    shares.sort()
    median = shares[len(shares) // 2]
    amount = min(budget, round_amount(median * budget))
    low = min(budget, round_amount(shares[0] * budget))
    high = min(budget, round_amount(shares[-1] * budget))
    return f"≤{format_number(amount)}万元", ValueRange("≤", low, high, "万元")
