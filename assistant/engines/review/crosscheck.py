"""Checks across a table that reviewers do by hand: the goal against the indicators, and a table
against the same project's earlier-year table.

- :func:`goal_findings` — a count or an amount written in the 年度目标 (建设15处…, 投入30万元…) and
  the 数量/成本 row about the same thing with another number (10处): GOAL_MISMATCH, with the goal
  clause and the row as evidence.
- :func:`year_over_year_findings` — against last year's table of the same project: targets copied
  unchanged (COPIED_FROM_LAST_YEAR), targets lowered (TARGET_LOWERED), indicators dropped
  (INDICATOR_DROPPED), each with both years' rows side by side.

Example:
    >>> from assistant.records.schema import Indicator, Project
    >>> p = Project("老旧小区改造", (Indicator("产出指标", "数量指标", "改造小区数量", "10处"),),
    ...             goal="完成老旧小区改造15处")
    >>> [(f.code, f.evidence) for f in goal_findings(p)]
    [('GOAL_MISMATCH', ('年度目标：完成老旧小区改造15处', '数量指标｜改造小区数量｜10处'))]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ...records.schema import Finding, Indicator, Project
from ...text.normalise import compact
from .rewrite import money_wan, project_year
from .rules import implied_unit, is_na_text
from .scan import Quantity, scan
from .slots import measure_kind
from .table import COST_SLOTS, name_key, topic_bigrams, topic_chars

_CLAUSE = re.compile(r"[^，,。；;\n]+")
_MAGNITUDE = {"万": 1e4, "千": 1e3, "亿": 1e8}
# 5个社区 and 5个 count the same way: compare the counter word
_COUNTER = {"个社区": "个", "个单位": "个", "个村": "个", "个点": "个", "场次": "场"}
_NOT_COUNTS = frozenset({"%", "‰", "个百分点", "百分点", "分"})
_AT_LEAST = frozenset(
    {"≥", ">=", ">", "至少", "最少", "不少于", "不低于", "不小于", "超过", "大于", "多于", "高于"}
)
_AT_MOST = frozenset(
    {"≤", "<=", "<", "不超过", "不高于", "不大于", "不多于", "少于", "低于", "小于", "控制在"}
)
_NEGATIVE = re.compile(r"事故|投诉|发生率|故障|差错|隐患|超标|死亡|伤亡|违规|违纪|发案|不合格")


@dataclass(frozen=True, slots=True)
class _Amount:
    """A number with its unit (counts) or in 万元 (money), where it was found."""

    value: float
    high: float | None
    unit: str
    text: str


def _count(q: Quantity, text: str) -> _Amount | None:
    if not q.unit or q.unit in _NOT_COUNTS or q.per or money_wan(q) is not None:
        return None
    factor = _MAGNITUDE.get(q.magnitude or "", 1.0)
    high = q.high * factor if q.high is not None else None
    return _Amount(q.low * factor, high, _COUNTER.get(q.unit, q.unit), text[q.start : q.end].strip())


def _money(q: Quantity, text: str) -> _Amount | None:
    wan = money_wan(q)
    if wan is None or q.per or "元" not in (q.unit or ""):  # 50万居民 is people, not money
        return None
    return _Amount(wan, None, "万元", text[q.start : q.end].strip())


def _row_amounts(indicator: Indicator) -> list[_Amount]:
    """The counts (or, in a cost row, the amounts) a row's value states; a bare number takes the unit
    its name implies (…人数 28 → 28人)."""
    s = scan(indicator.value)
    cost = indicator.level2 in COST_SLOTS
    out = []
    for q in s.quantities:
        found = _money(q, s.text) if cost else _count(q, s.text)
        if found is None and not cost and not q.has_unit:
            unit = implied_unit(indicator.name, measure_kind(indicator.name, indicator.level2), q.low)
            if unit:
                found = _Amount(q.low, q.high, unit, s.text[q.start : q.end].strip())
        if found is not None:
            out.append(found)
    return out


def _same(goal: _Amount, row: _Amount) -> bool:
    if row.high is not None:
        return row.value <= goal.value <= row.high
    return abs(goal.value - row.value) <= 1e-9 * max(1.0, abs(goal.value))


def _compatible(goal: _Amount, comparator: str | None, row: _Amount) -> bool:
    """至少1份 in the goal is met by a row promising ≥2份; 不超过30万元 by a row of 28万元."""
    if comparator in _AT_LEAST:
        return row.value >= goal.value
    if comparator in _AT_MOST:
        return row.value <= goal.value
    return False


def _overlap(clause: str, name: str) -> int:
    """Shared topic: characters, plus two for each shared two-character word."""
    chars = topic_chars(clause) & topic_chars(name)
    words = {b for b in topic_bigrams(clause) & topic_bigrams(name) if set(b) & topic_chars(b)}
    return len(chars) + 2 * len(words)


def _row(indicator: Indicator) -> str:
    return f"{indicator.level2 or '未分类'}｜{indicator.name}｜{indicator.value}"


def goal_findings(project: Project) -> list[Finding]:
    """GOAL_MISMATCH: a count or amount in the goal that the 数量/成本 row about it contradicts.

    Conservative: the row must share the clause's topic (two characters or a two-character word),
    carry the same unit, and no row of the table may state the goal's number in that unit.
    """
    goal = project.goal or ""
    if not goal.strip() or is_na_text(goal):
        return []
    rows = [
        (ind, _row_amounts(ind))
        for ind in project.indicators
        if (ind.level2 == "数量指标" or ind.level2 in COST_SLOTS) and not is_na_text(ind.value)
    ]
    rows = [(ind, amounts) for ind, amounts in rows if amounts]
    if not rows:
        return []
    findings: list[Finding] = []
    reported: set[str] = set()
    s = scan(goal)
    for q in s.quantities:
        stated = _count(q, s.text) or _money(q, s.text)
        if stated is None:
            continue
        span = next((m for m in _CLAUSE.finditer(goal) if m.start() <= q.start < m.end()), None)
        clause = span.group(0).strip() if span else goal
        if span is not None and "每" in goal[span.start() : q.start]:
            continue  # 每人每天600元, 每个社区4个: a rate per unit, not the table's total
        same_unit = [(ind, a) for ind, amounts in rows for a in amounts if a.unit == stated.unit]
        if not same_unit or any(_same(stated, a) for _, a in same_unit):
            continue
        if stated.unit == "万元" and (
            abs(sum(a.value for _, a in same_unit) - stated.value) < 1e-6
            or any("总" in ind.name + ind.value and a.value >= stated.value for ind, a in same_unit)
        ):
            continue  # the cost rows add up to the goal's amount, or the goal names one part of a total
        # what is counted sits next to the number (下辖13个社区…开展…项目: the 13 counts 社区)
        start = max(span.start() if span else 0, q.start - 10)
        near = goal[start : min(span.end() if span else len(goal), q.end + 10)]
        noun = (
            q.unit[1:]
            if q.unit and q.unit != _COUNTER.get(q.unit, q.unit) and q.unit.startswith("个")
            else ""
        )
        after = goal[q.end : q.end + 6]
        same_unit = [
            (ind, a)
            for ind, a in same_unit
            if noun in ind.name + ind.value or _overlap(after, ind.name) >= 2  # 5个社区共建花园
        ]
        if not same_unit:
            continue
        best = max(same_unit, key=lambda pair: _overlap(near, pair[0].name))
        if (
            _overlap(near, best[0].name) < 2
            or best[0].name in reported
            or _compatible(stated, q.comparator, best[1])
        ):
            continue
        reported.add(best[0].name)
        ind, amount = best
        findings.append(
            Finding(
                "GOAL_MISMATCH",
                f"年度目标写“{stated.text}”，而{ind.level2 or '指标'}“{ind.name}”为“{ind.value}”：数量不一致，请核对",
                (f"年度目标：{clause}", _row(ind)),
            )
        )
    return findings


# ---- year over year ---------------------------------------------------------------------------------

_SHEET_NUMBER = re.compile(r"^\d+[.、．]")


def project_key(project: Project) -> str:
    """Name without spaces, punctuation or a sheet's leading number (3.社区经费 → 社区经费)."""
    return compact(_SHEET_NUMBER.sub("", project.name.strip()))


def _department(project: Project) -> str:
    return compact(project.department or "")


class History(Protocol):
    """Anything that finds a project's earlier-year table (:class:`ProjectHistory`, a lazy store view)."""

    def previous(self, project: Project) -> Project | None: ...


@dataclass
class ProjectHistory:
    """Earlier tables of the same project, by name (and department and code when both tables have one).

    Example:
        >>> old = Project("社区经费", (), year=2022, department="某街道")
        >>> new = Project("社区经费", (), year=2023, department="某街道")
        >>> ProjectHistory.from_projects([old]).previous(new) is old
        True
    """

    by_key: dict[str, list[Project]] = field(default_factory=dict)

    @classmethod
    def from_projects(cls, projects: Iterable[Project]) -> ProjectHistory:
        history = cls()
        for project in projects:
            if project_year(project):
                history.by_key.setdefault(project_key(project), []).append(project)
        return history

    @classmethod
    def from_store(cls, store: object) -> ProjectHistory:
        return cls.from_projects(store.projects())  # type: ignore[attr-defined]

    def previous(self, project: Project) -> Project | None:
        """The latest earlier-year table of the same project, or None (the year is the header's, else
        one written in the name or goal)."""
        year = project_year(project)
        if not year:
            return None
        department = _department(project)
        candidates = [
            p
            for p in self.by_key.get(project_key(project), [])
            if (project_year(p) or year) < year
            and not (department and _department(p) and _department(p) != department)
            and not (project.code and p.code and project.code != p.code)
            and (_vouched(project, p) or _shared_rows(project, p) >= _MIN_SHARED)
        ]
        return max(candidates, key=lambda p: project_year(p) or 0, default=None)


# Without a shared 部门 or 编码, a same-name table counts as last year's only when it shares this
# share of its indicator names: 组织工作经费 of two counties are different projects.
_MIN_SHARED = 0.34


def _vouched(project: Project, other: Project) -> bool:
    """Same 编码, or same 部门, on both tables."""
    if project.code and other.code:
        return project.code == other.code
    return bool(_department(project)) and _department(project) == _department(other)


def _shared_rows(project: Project, other: Project) -> float:
    """The share of ``other``'s indicator names that ``project`` also has."""
    names = {_indicator_key(i) for i in other.indicators if not is_na_text(i.name)}
    if not names:
        return 0.0
    return len(names & {_indicator_key(i) for i in project.indicators}) / len(names)


def _indicator_key(indicator: Indicator) -> str:
    return name_key(indicator.name)


def _target(indicator: Indicator) -> tuple[float, str] | None:
    """The one number a value targets, with its unit (None when there is not exactly one)."""
    quantities = [q for q in scan(indicator.value).quantities if q.high is None]
    if len(quantities) != 1:
        return None
    q = quantities[0]
    unit = q.unit or ""
    if not unit:
        unit = implied_unit(indicator.name, measure_kind(indicator.name, indicator.level2), q.low) or ""
    return q.low * _MAGNITUDE.get(q.magnitude or "", 1.0), unit


def _lowered(now: Indicator, before: Indicator) -> bool:
    """A ≥ target that went down, or a ≤ ceiling on something bad (事故率) that went up. Costs are
    budgets, not ambitions, and are not judged."""
    if now.level2 in COST_SLOTS or before.level2 in COST_SLOTS:
        return False
    a, b = _target(now), _target(before)
    if a is None or b is None or a[1] != b[1]:
        return False
    if _NEGATIVE.search(now.name):
        return a[0] > b[0]
    return a[0] < b[0]


def year_over_year_findings(project: Project, previous: Project | None) -> list[Finding]:
    """Compare a table with the same project's earlier table (see :class:`ProjectHistory`).

    Example:
        >>> old = Project("培训", (Indicator("产出指标", "数量指标", "培训人次", "≥500人次"),
        ...                        Indicator("产出指标", "数量指标", "培训期数", "4期")), year=2022)
        >>> new = Project("培训", (Indicator("产出指标", "数量指标", "培训人次", "≥400人次"),), year=2023)
        >>> [f.code for f in year_over_year_findings(new, old)]
        ['TARGET_LOWERED', 'INDICATOR_DROPPED']
    """
    if previous is None:
        return []
    year, last = project_year(project), project_year(previous)
    before = {
        _indicator_key(i): i
        for i in previous.indicators
        if not is_na_text(i.value) and not is_na_text(i.name)
    }
    current = [i for i in project.indicators if not is_na_text(i.value) and not is_na_text(i.name)]
    findings: list[Finding] = []
    copied: list[str] = []
    lowered: list[str] = []
    for ind in current:
        old = before.get(_indicator_key(ind))
        if old is None:
            continue
        pair = f"{ind.name}：{last}年“{old.value}” → {year}年“{ind.value}”"
        if name_key(old.value) == name_key(ind.value) and _target(ind) is not None:
            copied.append(pair)
        elif _lowered(ind, old):
            lowered.append(pair)
    comparable = sum(1 for i in current if _target(i) is not None and _indicator_key(i) in before)
    # a copied 满意度≥90% is routine; a table whose targets mostly did not move is the signal
    if copied and (len(copied) >= 3 or len(copied) == comparable):
        findings.append(
            Finding(
                "COPIED_FROM_LAST_YEAR",
                f"与{last}年同一项目的绩效目标表相比，{len(copied)}条指标的目标值原样未变"
                f"（共{comparable}条可比）：请按本年度任务重新测算",
                tuple(copied),
            )
        )
    if lowered:
        findings.append(
            Finding(
                "TARGET_LOWERED",
                f"与{last}年相比，{len(lowered)}条指标的目标值降低（或上限放宽）：请说明理由",
                tuple(lowered),
            )
        )
    now_keys = {_indicator_key(i) for i in current}
    dropped = [i for key, i in before.items() if key not in now_keys]
    if dropped:
        findings.append(
            Finding(
                "INDICATOR_DROPPED",
                f"{last}年的{len(dropped)}条指标本年度不再设置：请确认是否已完成或另有安排",
                tuple(f"{last}年：{_row(i)}" for i in dropped),
            )
        )
    return findings


def cross_findings(
    project: Project, previous: Project | None = None, *, goal: bool = True
) -> Sequence[Finding]:
    """The goal check, then the year-over-year check when an earlier table is known."""
    return (goal_findings(project) if goal else []) + year_over_year_findings(project, previous)
