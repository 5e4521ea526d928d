"""Library candidates: the indicator library's templates for the project's domains (and the 共性 ones),
named with the project's object, activity and beneficiaries, each with a value from a source —
the goal, the budget, past targets in the corpus, or the standard the library names — or a 【待填】
placeholder that says what to measure and in which unit.

Example:
    >>> from assistant.records.library import LibraryTemplate
    >>> from assistant.records.schema import ProjectDraft
    >>> from .goal import read_goal
    >>> draft = ProjectDraft("农村饮水安全工程维修养护", "维修养护农村集中供水工程15处", budget_wan=150, year=2025)
    >>> facts = read_goal(draft.name, draft.goal)
    >>> cost = LibraryTemplate("水利", "产出指标", "成本指标", "{对象}{活动}单位成本", "万元/处", "≤", "预算")
    >>> p = propose(cost, draft, facts, "受益群众", None)
    >>> p.name, p.value, p.evidence[0].value
    ('农村集中供水工程维修养护单位成本', '≤10万元/处', '150万元 ÷ 15处 = 10万元/处')
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, replace

from assistant.records.library import GENERIC_DOMAIN, IndicatorLibrary, LibraryTemplate
from assistant.records.schema import PLACEHOLDER_MARK, Evidence, ProjectDraft, ValueRange

from ...text.similarity import MATCH_THRESHOLD, dice
from .adapt import deadline_for, format_number
from .corpus import Corpus, slot_group
from .domains import DomainMatch
from .goal import GoalFacts, same_people
from .ranges import normalise_unit, numeric_values

PEOPLE_UNITS = frozenset({"人", "人次", "名", "户", "位"})
MIN_HISTORY = 2  # past targets needed before their median is a suggestion
MEMO_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class Proposal:
    """A library template made concrete for one project."""

    template: LibraryTemplate
    level1: str
    level2: str
    name: str
    value: str
    range: ValueRange | None
    evidence: tuple[Evidence, ...]
    kind: str  # goal | budget | corpus | library | placeholder: where the value came from

    @property
    def is_placeholder(self) -> bool:
        return PLACEHOLDER_MARK in self.value


def placeholder(comparator: str, unit: str, what: str = "目标值") -> str:
    """A value the drafter fills in: ``≥【待填：目标值】%``, ``【待填：完成时间】``.

    Example:
        >>> placeholder("≥", "%"), placeholder("≤", "日期"), placeholder("≤", "万元/处", "单位成本")
        ('≥【待填：目标值】%', '【待填：完成时间，如××年××月底前】', '≤【待填：单位成本】万元/处')
    """
    if unit == "日期":
        return "【待填：完成时间，如××年××月底前】"
    comparator = "" if comparator == "=" else comparator
    return f"{comparator}【待填：{what}】{unit}"


def fill_name(template: LibraryTemplate, facts: GoalFacts, beneficiaries: str) -> str | None:
    """The template's name with the project's words; ``None`` when a needed word is unknown."""
    name = template.name
    if "{对象}" in name:
        if not facts.object or ("单位成本" in name and not _counts_things(facts)):
            # a unit cost needs a count of things the goal states (工商联单位成本 measures nothing;
            # a cost per person is a 人均 template's)
            return None
        name = name.replace("{对象}", facts.object)
    activity = facts.activity
    if "{活动}" in name and not activity and "{对象}" not in name:
        if not name.endswith(("率", "时间")):
            return None  # {活动}场次 without an activity would read 场次: no indicator at all
        activity = "任务"  # {活动}完成率 → 任务完成率, the generic form
    name = name.replace("{活动}", activity)
    name = name.replace("{服务对象}", facts.beneficiaries or beneficiaries or "服务对象")
    for long, short in _REPEATS:
        name = name.replace(long, short)
    return name


def _counts_things(facts: GoalFacts) -> bool:
    return facts.count is not None and normalise_unit(facts.count.unit) not in PEOPLE_UNITS


#: Words a filled-in name would say twice (受益{服务对象}人数 with 农村人口 → 受益农村人口人数).
_REPEATS = (
    ("人口人数", "人口"),
    ("人员人数", "人数"),
    ("人数人数", "人数"),
    ("户户数", "户数"),
    ("受益受益", "受益"),
    ("覆盖覆盖", "覆盖"),
)


#: Count units a template writes for "any object" ({对象}数量 个); the goal's own unit replaces them.
GENERIC_COUNT_UNITS = frozenset({"个", "项"})


def _own_unit(t: LibraryTemplate, facts: GoalFacts) -> LibraryTemplate:
    """A ``{对象}`` template in a generic count unit takes the unit the goal counts its object in
    (工程15处: 数量 in 处, 单位成本 in 万元/处)."""
    count = facts.count
    if "{对象}" not in t.name or count is None or normalise_unit(count.unit) in PEOPLE_UNITS:
        return t
    money, _, per = t.unit.partition("/")
    if t.unit in GENERIC_COUNT_UNITS:
        return replace(t, unit=count.unit)
    if per in GENERIC_COUNT_UNITS:
        return replace(t, unit=f"{money}/{count.unit}")
    return t


def applies(template: LibraryTemplate, text: str) -> bool:
    """Whether a template's keywords (if any) occur in the project's name and goal."""
    return not template.keywords or any(k in text for k in template.keywords)


# ------------------------------------------------------------------------------------------------ values
def _goal_value(
    t: LibraryTemplate, draft: ProjectDraft, facts: GoalFacts
) -> tuple[str, ValueRange, Evidence] | None:
    unit = normalise_unit(t.unit) or ""
    if unit == "%":
        for m in facts.mentions:
            if m.kind == "rate" and dice(m.name, t.name) >= MATCH_THRESHOLD:
                return _stated(t, m.number, "%", m.span, draft)
        return None
    if unit in PEOPLE_UNITS and facts.beneficiary_count and same_people(t.name, facts.beneficiaries):
        return _stated(t, facts.beneficiary_count, facts.beneficiary_unit, facts.beneficiary_span, draft)
    if "{服务对象}" in t.name:
        return None  # only those the goal says it serves (30 hired rangers are no beneficiaries)
    for m in facts.mentions:
        if m.kind == "count" and (
            normalise_unit(m.unit) == unit
            or (unit in PEOPLE_UNITS and m.unit in PEOPLE_UNITS and same_people(t.name, m.object))
        ):
            return _stated(t, m.number, m.unit, m.span, draft)
    return None


def _stated(
    t: LibraryTemplate, number: float, unit: str, span: str, draft: ProjectDraft
) -> tuple[str, ValueRange, Evidence]:
    unit = normalise_unit(unit) or unit
    shown = number
    suffix = unit
    if unit in {"人", "户"} and number >= 10_000 and number % 1000 == 0:
        shown, suffix = number / 10_000, "万" + unit  # 3.2万人, as the goal wrote it
    comparator = "" if t.comparator == "=" else t.comparator
    value = f"{comparator}{format_number(shown)}{suffix}" if unit != "%" or number < 100 else "100%"
    evidence = Evidence(draft.name, "年度目标", span[:120], "年度目标", kind="goal")
    return value, ValueRange(t.comparator, number, number, unit), evidence


def _completion_value(
    t: LibraryTemplate, draft: ProjectDraft, facts: GoalFacts
) -> tuple[str, ValueRange, Evidence] | None:
    """The completion rate of the goal's own plan: the goal states how much of the activity the year
    brings (维修养护…15处), so finishing it is 100% of that plan.

    Example:
        >>> from .goal import read_goal
        >>> t = LibraryTemplate("共性", "产出指标", "质量指标", "{活动}完成率", "%", "≥", "历史")
        >>> facts = read_goal("工程维修养护", "维修养护农村集中供水工程15处")
        >>> _completion_value(t, ProjectDraft("工程维修养护"), facts)[2].value
        '计划 15处（年度目标）；完成率 = 完成数 ÷ 15处 × 100%，全部完成为 100%'
    """
    count = facts.count
    if count is None or not facts.activity or normalise_unit(t.unit) != "%":
        return None
    plan = f"{format_number(count.number)}{count.unit}"
    text = f"计划 {plan}（年度目标）；完成率 = 完成数 ÷ {plan} × 100%，全部完成为 100%"
    return (
        "100%",
        ValueRange(t.comparator, 100.0, 100.0, "%"),
        Evidence(draft.name, "年度目标的完成率", text, "年度目标", kind="goal"),
    )


def _budget_value(
    t: LibraryTemplate, draft: ProjectDraft, facts: GoalFacts
) -> tuple[str, ValueRange, Evidence] | None:
    budget = draft.budget_wan
    if not budget:
        return None
    unit = t.unit
    if "/" not in unit:
        if unit == "%":
            return None
        amount = budget * (10_000 if unit == "元" else 1)
        value = f"≤{format_number(amount)}{unit}"
        return (
            value,
            ValueRange("≤", amount, amount, unit),
            Evidence(draft.name, "年度资金总额", f"{format_number(budget)}万元", "项目预算", kind="budget"),
        )
    money, per = unit.split("/", 1)
    count = facts.count
    if count is None or (
        normalise_unit(count.unit) != normalise_unit(per)
        and not (per in PEOPLE_UNITS and count.unit in PEOPLE_UNITS)
    ):
        return None
    if per in PEOPLE_UNITS and count.unit in PEOPLE_UNITS:
        per = normalise_unit(count.unit) or count.unit  # 800人次 → a cost per 人次; 200名 → per 人
        unit = f"{money}/{per}"
    amount_wan = budget / count.number
    if money == "万元" and amount_wan < 1:
        money, unit = "元", f"元/{unit.split('/', 1)[1]}"  # 30万元 ÷ 20万页 is 1.5元/页, not 0.00015万元
    amount = budget * (10_000 if money == "元" else 1) / count.number
    amount = (
        math.floor(amount * 100 + 1e-9) / 100
    )  # rounded down: a unit cost never adds up to more than the budget
    if amount <= 0:
        return None
    arithmetic = f"{format_number(budget)}万元 ÷ {format_number(count.number)}{count.unit} = {format_number(amount)}{unit}"
    value = f"≤{format_number(amount)}{unit}"
    return (
        value,
        ValueRange("≤", amount, amount, unit),
        Evidence(draft.name, "年度资金总额 ÷ 年度目标数量", arithmetic, "项目预算", kind="budget"),
    )


def past_targets(
    corpus: Corpus, name: str, group: str, unit: str | None, floors: bool
) -> list[tuple[int, float, int]]:
    """(project, number, row) of every past target of the indicator ``name`` in ``group`` and ``unit``
    (caps left out when ``floors``), cached on the corpus: templates repeat across drafts."""
    key = (name, group, unit, floors)
    cached = corpus.memo.get(key)
    if cached is not None:
        return cached
    like = corpus.rows_named_like(name)
    if not like and group == "满意度":
        # satisfaction targets are one measure whoever is asked: the slot's past targets are its history
        like = [
            r for t in corpus.frequent_templates(("服务对象满意度指标",)) for r in corpus.templates[t].rows
        ]
    out = []
    for row_id in like:
        row = corpus.rows[row_id]
        if slot_group(row.level2) != group:
            continue
        values = numeric_values([row.parsed])
        if not values or normalise_unit(values[0].unit) != unit or values[0].low is None:
            continue
        if floors and values[0].comparator in ("≤", "<"):
            continue
        out.append((row.project, float(values[0].low), row_id))
    if len(corpus.memo) >= MEMO_LIMIT:
        corpus.memo.clear()  # names filled with each draft's object vary: keep the memo bounded
    corpus.memo[key] = out
    return out


def _history_value(
    t: LibraryTemplate, name: str, corpus: Corpus | None, exclude: frozenset[int]
) -> tuple[str, ValueRange, Evidence] | None:
    if corpus is None:
        return None
    unit = normalise_unit(t.unit)
    targets = [
        x
        for x in past_targets(corpus, name, slot_group(t.level2), unit, t.comparator == "≥")
        if x[0] not in exclude
    ]
    if len({project for project, _, _ in targets}) < MIN_HISTORY:
        return None
    numbers = [number for _, number, _ in targets]
    median = statistics.median_low(sorted(numbers))
    comparator = "" if t.comparator == "=" else t.comparator
    value = (
        f"{comparator}{format_number(median)}{unit}"
        if not (unit == "%" and median >= 100 and comparator == "≥")
        else "100%"
    )
    examples = [
        f"{corpus.projects[p].name}「{corpus.rows[r].name}」{corpus.rows[r].value}" for p, _, r in targets[:3]
    ]
    text = (
        f"{len(numbers)} 个历史目标，{format_number(min(numbers))}–{format_number(max(numbers))}{unit}，"
        f"中位 {format_number(median)}{unit}"
    )
    return (
        value,
        ValueRange(t.comparator, min(numbers), max(numbers), unit),
        Evidence("历史项目", name, text + "；如 " + "；".join(examples), "语料库", kind="corpus"),
    )


def _deadline_value(
    t: LibraryTemplate, draft: ProjectDraft
) -> tuple[str, ValueRange | None, Evidence] | None:
    year = f"{draft.year}年" if draft.year else "本预算年度"
    return (
        deadline_for(draft.year),
        None,
        Evidence(draft.name, "预算年度", f"{year}（预算年度于12月底结束）", "项目年度", kind="goal"),
    )


def propose(
    t: LibraryTemplate,
    draft: ProjectDraft,
    facts: GoalFacts,
    beneficiaries: str,
    corpus: Corpus | None,
    exclude: frozenset[int] = frozenset(),
) -> Proposal | None:
    """One template made concrete: its name filled in and its value from the first source that gives
    one (the template's own source first, then the goal, the corpus); else a placeholder."""
    name = fill_name(t, facts, beneficiaries)
    if name is None:
        return None
    t = _own_unit(t, facts)
    library_evidence = Evidence("指标库", t.name, t.explain or t.name, f"指标库·{t.domain}", kind="library")
    found: tuple[str, ValueRange | None, Evidence] | None = None
    kind = "placeholder"
    if t.unit == "日期":
        found, kind = _deadline_value(t, draft), "goal"
    elif t.source == "标准":
        value = t.reference
        found = (
            value,
            None,
            Evidence("指标库", t.name, f"{t.reference}（{t.basis}）", t.basis, kind="library"),
        )
        kind = "library"
    elif t.source == "预算":
        found, kind = _budget_value(t, draft, facts), "budget"
    elif t.source == "目标":
        found, kind = _goal_value(t, draft, facts), "goal"
    if found is None and "{活动}" in t.name and t.name.endswith("完成率"):
        found, kind = _completion_value(t, draft, facts), "goal"
    if found is None and t.source in ("目标", "历史", "填报", "预算"):
        found, kind = _history_value(t, name, corpus, exclude), "corpus"
    if found is None:
        what = (
            "完成时间"
            if t.unit == "日期"
            else ("单位成本" if "/" in t.unit and slot_group(t.level2) == "成本" else "目标值")
        )
        value = placeholder(t.comparator, t.unit, what)
        return Proposal(t, t.level1, t.level2, name, value, None, (library_evidence,), "placeholder")
    value, value_range, evidence = found
    counted = (
        {"户": "户数", "人次": "人次", "人": "人数"}.get(value_range.unit or "") if value_range else None
    )
    if counted and name.endswith(("人数", "人次", "户数")) and not name.endswith(counted):
        # 500户农户 are counted in households, 800人次 in visits: the name says what the number counts
        name = name[:-2] + counted
    return Proposal(t, t.level1, t.level2, name, value, value_range, (evidence, library_evidence), kind)


def library_proposals(
    library: IndicatorLibrary,
    domains: list[DomainMatch],
    draft: ProjectDraft,
    facts: GoalFacts,
    corpus: Corpus | None,
    exclude: frozenset[int] = frozenset(),
) -> list[tuple[Proposal, DomainMatch | None]]:
    """Every applicable template of the project's domains, then of 共性, made concrete."""
    text = f"{draft.name} {draft.goal or ''}"
    beneficiaries = domains[0].beneficiaries if domains else "服务对象"
    out: list[tuple[Proposal, DomainMatch | None]] = []
    for match in [*domains, None]:
        domain = match.domain if match else GENERIC_DOMAIN
        for t in library.for_domain(domain):
            if not applies(t, text):
                continue
            proposal = propose(t, draft, facts, beneficiaries, corpus, exclude)
            if proposal is not None:
                out.append((proposal, match))
    return out
