"""Table-level findings for one project: missing slots, costs past the budget, duplicates, no goal,
indicators unrelated to the goal. Pure functions over a project and its indicator reviews.

Example:
    >>> from assistant.records.schema import Indicator, IndicatorReview, Project
    >>> p = Project("党员培训", (Indicator("产出指标", "数量指标", "培训人次", "≥100人次"),), goal="培训党员100人次")
    >>> [f.code for f in table_findings(p, [IndicatorReview(p.indicators[0], "clear", 100, "ok")])]
    ['MISSING_SLOT', 'MISSING_SLOT', 'MISSING_SLOT', 'MISSING_SLOT', 'MISSING_SLOT']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from ...records.schema import Finding, Indicator, IndicatorReview, Project
from ...text.normalise import compact, han_bigrams, is_han
from .rewrite import fmt_number, money_wan
from .rules import is_na_text
from .scan import scan

REQUIRED_OUTPUT_SLOTS = ("数量指标", "质量指标", "时效指标", "成本指标")
EFFECT_SLOTS = frozenset({"经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"})
COST_SLOTS = frozenset({"成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"})
SATISFACTION_SLOTS = frozenset({"服务对象满意度指标", "其他满意度指标"})
# Cost, time and satisfaction indicators describe the process, not the topic: never "unrelated".
_OUTPUT_SLOTS = frozenset(REQUIRED_OUTPUT_SLOTS) | COST_SLOTS
# A cost rounded up from the budget (不超过32万元 for 31.82万元) is tolerated up to 1%.
_TOLERANCE = 1.01
_PROCESS_SLOTS = COST_SLOTS | SATISFACTION_SLOTS | {"时效指标"}

# Words that carry no topic (slot vocabulary, measure words): an indicator made only of them
# (满意度, 完成时限, 成本) is never "unrelated".
_GENERIC = set(
    "指标数量质量时效成本效益满意度率完成时限时间及时性情况工作项目开展服务保障提高提升经费资金总金额"
    "的和与及对在年度实施管理水平社会经济生态可持续影响群众居民人员单位合格达标覆盖发放次数人数个数"
)


def _has_value(review: IndicatorReview) -> bool:
    return review.label != "na" and bool(review.indicator.value.strip())


def missing_slots(project: Project, reviews: Sequence[IndicatorReview]) -> list[Finding]:
    """数量/质量/时效/成本 each, plus at least one 效益 and one 满意度 indicator with a real value.

    A table with no filled indicator at all (a blank platform template) gets one NO_INDICATORS
    finding instead of six MISSING_SLOT lines saying the same thing.
    """
    if not any(_has_value(r) for r in reviews):
        return [
            Finding(
                "NO_INDICATORS",
                "指标表未填写：没有任何填有指标值的绩效指标，请按产出（数量、质量、时效、成本）、效益、满意度逐项设置",
            )
        ]
    filled = {r.indicator.level2 for r in reviews if _has_value(r)}
    level1_filled = {r.indicator.level1 for r in reviews if _has_value(r)}
    present = {r.indicator.level2 for r in reviews}
    findings = []
    for slot in REQUIRED_OUTPUT_SLOTS:
        ok = slot in filled or (slot == "成本指标" and bool(filled & COST_SLOTS))
        if not ok:
            how = "只填了“不适用”或空值" if slot in present else "没有填写"
            findings.append(
                Finding(
                    "MISSING_SLOT", f"缺少{slot}（{how}），产出指标的数量、质量、时效、成本均应至少设一条"
                )
            )
    if not (filled & EFFECT_SLOTS) and "效益指标" not in level1_filled:
        findings.append(
            Finding("MISSING_SLOT", "缺少效益指标：至少应设一条经济、社会、生态或可持续影响效益指标")
        )
    if not (filled & SATISFACTION_SLOTS) and "满意度指标" not in level1_filled:
        findings.append(Finding("MISSING_SLOT", "缺少满意度指标：至少应设一条服务对象满意度指标"))
    return findings


def _is_cost(indicator: Indicator) -> bool:
    return indicator.level2 in COST_SLOTS or indicator.level1 == "成本指标"


def cost_findings(project: Project, reviews: Sequence[IndicatorReview]) -> list[Finding]:
    """Cost indicators above the budget, or summing past it (per-unit costs are not summed)."""
    budget = project.budget_wan
    if not budget or budget <= 0:
        return []
    findings = []
    totals: list[tuple[Indicator, float]] = []
    for review in reviews:
        ind = review.indicator
        if not _is_cost(ind) or review.label == "na":
            continue
        for q in scan(ind.value).quantities:
            amount = money_wan(q)
            if amount is None:
                continue
            per_unit = bool(q.per) or "每" in ind.value[: q.start + 1] or "单价" in ind.name
            if amount > budget * _TOLERANCE and not per_unit:
                findings.append(
                    Finding(
                        "COST_OVER_BUDGET",
                        f"成本指标“{ind.name}”的金额{fmt_number(amount)}万元超过项目预算{fmt_number(budget)}万元",
                    )
                )
            elif not per_unit:
                totals.append((ind, amount))
            break
    has_total = any("总" in ind.name or "总" in ind.value for ind, _ in totals)
    total = sum(amount for _, amount in totals)
    if len(totals) >= 2 and not has_total and total > budget * _TOLERANCE:
        findings.append(
            Finding(
                "COST_OVER_BUDGET",
                f"{len(totals)}条成本指标合计{fmt_number(total)}万元，超过项目预算{fmt_number(budget)}万元",
            )
        )
    return findings


#: an indicator name or value without spaces and punctuation (cached: tables repeat them)
name_key = lru_cache(maxsize=65536)(compact)
#: the Chinese character bigrams of a text (cached)
topic_bigrams = lru_cache(maxsize=65536)(han_bigrams)


def duplicate_findings(reviews: Sequence[IndicatorReview]) -> list[Finding]:
    """The same indicator name (ignoring spaces and punctuation) more than once in one table.

    The same name in different 产出 slots with different values (培训人次 as a count and as a cost per
    person) is complementary and not reported.
    """
    seen: dict[str, list[IndicatorReview]] = {}
    for review in reviews:
        if review.label == "na" or is_na_text(review.indicator.name):
            continue
        seen.setdefault(name_key(review.indicator.name), []).append(review)
    findings = []
    for group in seen.values():
        if len(group) < 2:
            continue
        levels = [r.indicator.level2 for r in group]
        same_value = len({r.indicator.value for r in group}) == 1
        if not same_value and len(set(levels)) == len(levels) and set(levels) <= _OUTPUT_SLOTS:
            continue  # the count, the deadline and the cost of one thing: complementary, not repeated
        slots = "、".join(dict.fromkeys(level or "未分类" for level in levels))
        findings.append(
            Finding(
                "DUPLICATE",
                f"指标“{group[0].indicator.name}”重复出现{len(group)}次（{slots}）"
                + ("，指标值也相同" if same_value else "")
                + "，请删除或改写",
                indicator=group[0].indicator.name,
            )
        )
    return findings


def goal_findings(project: Project) -> list[Finding]:
    """No 年度目标, or one too short to say what the money buys."""
    goal = (project.goal or "").strip()
    if is_na_text(goal):
        return [Finding("NO_GOAL", "未填写年度目标：请写明做什么、做多少、达到什么效果")]
    if len(compact(goal)) < 6:
        return [Finding("NO_GOAL", f"年度目标“{goal}”过于简单：请写明做什么、做多少、达到什么效果")]
    return []


@lru_cache(maxsize=65536)
def topic_chars(text: str) -> frozenset[str]:
    """The Chinese characters of a text that carry a topic (slot vocabulary and measure words left out)."""
    return frozenset(c for c in text if is_han(c)) - _GENERIC


def unrelated_findings(project: Project, reviews: Sequence[IndicatorReview]) -> list[Finding]:
    """Indicators sharing no topic with the goal, the project name or the rest of the table.

    Conservative by design: only names with at least four topic characters are judged, the
    reference text is the goal, the project name and every other indicator's name, value and
    explanation, and an indicator is flagged only when it shares no topic bigram and no
    topic character with that reference. Cost, time and satisfaction indicators are never flagged.
    """
    goal = project.goal or ""
    if len(compact(goal)) < 8:
        return []
    candidates = [
        (i, r)
        for i, r in enumerate(reviews)
        if r.label != "na"
        and r.indicator.level2 not in _PROCESS_SLOTS
        and len(topic_chars(r.indicator.name)) >= 4
    ]
    if not candidates:
        return []
    base_chars = topic_chars(goal) | topic_chars(project.name)
    base_bigrams = topic_bigrams(goal) | topic_bigrams(project.name)
    texts = [f"{r.indicator.name} {r.indicator.value} {r.indicator.explain or ''}" for r in reviews]
    char_counts: Counter[str] = Counter()
    bigram_counts: Counter[str] = Counter()
    for text in texts:
        char_counts.update(topic_chars(text))
        bigram_counts.update(topic_bigrams(text))
    findings = []
    for i, review in candidates:
        ind = review.indicator
        own_chars, own_bigrams = topic_chars(texts[i]), topic_bigrams(texts[i])
        topic = topic_chars(ind.name)
        shared = {c for c in topic if c in base_chars or char_counts[c] - (c in own_chars) > 0}
        name_bigrams = {b for b in topic_bigrams(ind.name) if not (set(b) <= _GENERIC)}
        shares_bigram = any(
            b in base_bigrams or bigram_counts[b] - (b in own_bigrams) > 0 for b in name_bigrams
        )
        if not shared and not shares_bigram:
            findings.append(
                Finding(
                    "UNRELATED",
                    f"指标“{ind.name}”与年度目标和项目内容看不出关联，请确认是否属于本项目",
                    indicator=ind.name,
                )
            )
    return findings


def table_findings(project: Project, reviews: Sequence[IndicatorReview]) -> list[Finding]:
    """Every table-level finding of one project, in a stable order."""
    return (
        goal_findings(project)
        + missing_slots(project, reviews)
        + cost_findings(project, reviews)
        + duplicate_findings(reviews)
        + unrelated_findings(project, reviews)
    )
