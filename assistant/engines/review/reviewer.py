"""The review engine: rules, config and rewrites behind one plain class.

Example:
    >>> from assistant.records.build import make_indicator
    >>> r = Reviewer().review_indicator(make_indicator("效益指标", "社会效益指标", "对用餐环境的改善", "明显"))
    >>> r.label, r.verdict, [(x.code, x.field, x.start, x.end) for x in r.reasons]
    ('vague', 'block', [('DEGREE', 'value', 0, 2), ('DIRECTION', 'name', 6, 8)])

Design:
    - rules (:mod:`rules`) give spans and codes; results are cached per (name, value, slot,
      allow-list) because real tables repeat values (不适用, 100%, 明显 …);
    - config (:mod:`config`) adds custom terms, department allow-lists and suppressions;
    - rewrites (:mod:`rewrite`) take numbers from similar past indicators (the store, read lazily
      on the first rewrite that needs it) or the project's own text, else a placeholder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from ...caching import BoundedCache
from ...records.schema import (
    Finding,
    Indicator,
    IndicatorReview,
    Label,
    Project,
    ProjectReview,
    Reason,
    Verdict,
)
from ...text.normalise import fold_width
from .config import ReviewConfig
from .crosscheck import History, ProjectHistory, cross_findings
from .evidence import ProjectsEvidence, RewriteEvidence
from .lexicon import GRADE_WORDS, TERMS, Term, message_for
from .rewrite import project_year, rewrite_value
from .rules import Analysis, Hit, TermMatcher, analyse, default_matcher, restated_spans
from .scoring import DEFECT_SEVERITIES, decide
from .table import table_findings

if TYPE_CHECKING:
    from ...store.database import Store

_CACHE_LIMIT = 300_000


class Reviewer:
    """Review indicators and whole projects.

    Args:
        config: reviewer settings (allow-lists, custom terms, suppressions).
        store: a :class:`~assistant.store.database.Store` whose projects back the rewrites'
            numbers (read on the first rewrite that needs evidence).
        evidence: a ready :class:`RewriteEvidence` (overrides ``store``).
        history: earlier-year tables for the year-over-year check (:class:`ProjectHistory`; by
            default read from ``store`` on first use, none without a store).
        batch_size: indicators reviewed together in :meth:`review_projects`.
    """

    def __init__(
        self,
        config: ReviewConfig | None = None,
        store: Store | None = None,
        *,
        evidence: RewriteEvidence | None = None,
        history: History | None = None,
        batch_size: int = 8192,
    ):
        self.config = config or ReviewConfig()
        self.store = store
        self.batch_size = max(1, batch_size)
        self._evidence = evidence
        self._evidence_ready = evidence is not None or store is None
        self._history = history
        self._history_ready = history is not None or store is None
        if self.config.custom_terms:
            terms = dict(TERMS)
            for word, code in self.config.custom_terms:
                terms[word] = Term(word, code)
            self.matcher: TermMatcher = TermMatcher(terms)
        else:
            self.matcher = default_matcher()
        self._analyses: BoundedCache[tuple, Analysis] = BoundedCache(_CACHE_LIMIT)
        self._rewrites: BoundedCache[tuple, str | None] = BoundedCache(_CACHE_LIMIT)
        self._results: BoundedCache[tuple, _Result] = BoundedCache(_CACHE_LIMIT)
        self._goal_restatements: BoundedCache[tuple[str, str], Hit | None] = BoundedCache(_CACHE_LIMIT)
        self._allowed_by_department: dict[str | None, frozenset[str]] = {}

    # --- public API ------------------------------------------------------------------------------

    @property
    def evidence(self) -> RewriteEvidence | None:
        """The rewrite evidence (built from the store's projects on first use)."""
        if not self._evidence_ready:
            self._evidence_ready = True
            self._evidence = ProjectsEvidence.from_store(self.store)  # type: ignore[arg-type]
        return self._evidence

    @property
    def history(self) -> History | None:
        """Earlier-year tables (read from the store on first use)."""
        if not self._history_ready:
            self._history_ready = True
            self._history = ProjectHistory.from_store(self.store)
        return self._history

    def findings(self, project: Project, reviews: Sequence[IndicatorReview]) -> list[Finding]:
        """Table findings, the goal ↔ indicators check and, when known, the year-over-year check."""
        history = self.history
        previous = history.previous(project) if history is not None else None
        return [*table_findings(project, reviews), *cross_findings(project, previous)]

    def review_indicator(self, indicator: Indicator, project: Project | None = None) -> IndicatorReview:
        """Label, score, verdict, reasons with spans and a rewrite for one indicator."""
        return self._review_rows([(indicator, project)])[0]

    def review_project(self, project: Project) -> ProjectReview:
        """Every indicator of a project (document order) plus table-level findings."""
        reviews = self._review_rows([(i, project) for i in project.indicators])
        return ProjectReview(project, tuple(reviews), tuple(self.findings(project, reviews)))

    def review_projects(self, projects: Iterable[Project]) -> Iterator[ProjectReview]:
        """Review many projects lazily, ``batch_size`` indicators at a time."""
        pending: list[Project] = []
        size = 0
        for project in projects:
            pending.append(project)
            size += len(project.indicators)
            if size >= self.batch_size:
                yield from self._review_many(pending)
                pending, size = [], 0
        if pending:
            yield from self._review_many(pending)

    # --- internals -------------------------------------------------------------------------------

    def _review_many(self, projects: Sequence[Project]) -> Iterator[ProjectReview]:
        with _gc_paused():
            rows = [(i, p) for p in projects for i in p.indicators]
            reviews = self._review_rows(rows)
            done = []
            start = 0
            for project in projects:
                part = reviews[start : start + len(project.indicators)]
                start += len(project.indicators)
                done.append(ProjectReview(project, tuple(part), tuple(self.findings(project, part))))
        yield from done

    def analysis(self, indicator: Indicator, department: str | None = None) -> Analysis:
        """The cached rule analysis of one indicator (allow-list of ``department`` applied)."""
        return self._analysis(self._key(indicator, self.config.allowed_for(department)))

    @staticmethod
    def _key(indicator: Indicator, allowed: frozenset[str]) -> tuple:
        value = indicator.value
        explain = indicator.explain if (indicator.explain and value.strip() in GRADE_WORDS) else None
        return (indicator.name, value, indicator.level2, allowed, explain)

    def _analysis(self, key: tuple) -> Analysis:
        found = self._analyses.get(key)
        if found is None:
            name, value, level2, allowed, explain = key
            found = self._analyses.put(
                key, analyse(name, value, level2, matcher=self.matcher, allowed=allowed, explain=explain)
            )
        return found

    def _allowed(self, project: Project | None) -> frozenset[str]:
        department = project.department if project else None
        found = self._allowed_by_department.get(department)
        if found is None:
            found = self._allowed_by_department[department] = self.config.allowed_for(department)
        return found

    def _suppress(self, hits: list[Hit], indicator: Indicator, project: Project | None) -> list[Hit]:
        project_name = project.name if project else ""
        return [h for h in hits if self.config.suppression_for(project_name, indicator.name, h.code) is None]

    def _accept(self, past: Indicator) -> bool:
        analysis = self._analysis(self._key(past, frozenset()))
        return not any(h.severity in DEFECT_SEVERITIES for h in analysis.hits if h.field == "value")

    def _review_rows(self, rows: Sequence[tuple[Indicator, Project | None]]) -> list[IndicatorReview]:
        out: list[IndicatorReview | None] = [None] * len(rows)
        pending: list[tuple[int, tuple, Analysis, list[Hit]]] = []
        suppress = bool(self.config.suppressions)
        results = self._results
        for i, (indicator, project) in enumerate(rows):
            key = self._key(indicator, self._allowed(project))
            done = None if suppress else results.get(key)
            if done is not None:
                out[i] = self._finish(indicator, project, done)
                continue
            analysis = self._analysis(key)
            hits = list(analysis.hits)
            if suppress and hits:
                hits = self._suppress(hits, indicator, project)
            pending.append((i, key, analysis, hits))

        for i, key, analysis, hits in pending:
            indicator, project = rows[i]
            label, score, verdict = decide(hits, analysis.core)
            reasons = tuple(Reason(h.code, h.field, h.start, h.end, h.message) for h in _ordered(hits))
            needs_rewrite = label in ("vague", "malformed") or any(
                h.code in ("UNDATED", "IMPLIED_UNIT") for h in hits
            )
            current = analysis if not needs_rewrite or tuple(hits) == analysis.hits else None
            if needs_rewrite and current is None:
                current = dataclasses.replace(analysis, hits=tuple(hits))
            goal_check = label == "vague" and _may_restate_goal(hits)
            done = _Result(
                label,
                score,
                verdict,
                reasons,
                current if needs_rewrite else None,
                key,
                (tuple(hits), analysis.core) if goal_check else None,
            )
            if not suppress:
                results.put(key, done)
            out[i] = self._finish(indicator, project, done)
        return out  # type: ignore[return-value]

    def _finish(self, indicator: Indicator, project: Project | None, done: _Result) -> IndicatorReview:
        rewrite = None
        if done.rewrite_from is not None:
            rewrite = self._rewrite(indicator, project, done)
        if done.goal_check is not None and project is not None and project.goal:
            restated = self._restates_goal(indicator.value, project.goal, done.goal_check[0])
            if restated is not None:
                hits = [*done.goal_check[0], restated]
                label, score, verdict = decide(hits, done.goal_check[1])
                reasons = tuple(Reason(h.code, h.field, h.start, h.end, h.message) for h in _ordered(hits))
                return IndicatorReview(indicator, label, score, verdict, reasons, rewrite)
        return IndicatorReview(indicator, done.label, done.score, done.verdict, done.reasons, rewrite)

    def _restates_goal(self, value: str, goal: str, hits: tuple[Hit, ...]) -> Hit | None:
        """A RESTATEMENT hit when the value copies four or more characters of the project goal."""
        key = (value, goal)
        if key not in self._goal_restatements:
            spans = restated_spans(fold_width(value), hits, fold_width(goal[:2000]))
            found = None
            if spans:
                found = Hit(
                    "RESTATEMENT", "value", spans[0][0], spans[-1][1], message_for("RESTATEMENT"), "block"
                )
            self._goal_restatements.put(key, found)
        return self._goal_restatements[key]

    def _rewrite(self, indicator: Indicator, project: Project | None, done: _Result) -> str | None:
        analysis = done.rewrite_from
        assert analysis is not None
        measure = analysis.measure
        if project is None:
            context: tuple = ()
        elif measure == "cost":
            slot_count = sum(1 for i in project.indicators if i.level2 == indicator.level2)
            context = (project.year, project.budget_wan, slot_count)
        elif measure == "count":
            context = (project.goal,)
        else:
            context = (project_year(project),)
        key = (done.key, measure, context)
        if key in self._rewrites:
            return self._rewrites[key]
        return self._rewrites.put(
            key, rewrite_value(indicator, analysis, project, self.evidence, self._accept)
        )


@dataclasses.dataclass(frozen=True, slots=True)
class _Result:
    """A finished review of one (name, value, slot, allow-list): shared by every row that repeats it."""

    label: Label
    score: int
    verdict: Verdict
    reasons: tuple[Reason, ...]
    rewrite_from: Analysis | None  # the analysis a rewrite is computed from (None: no rewrite)
    key: tuple
    goal_check: tuple[tuple[Hit, ...], str] | None = None  # (hits, core) when the goal may be restated


def _may_restate_goal(hits: Sequence[Hit]) -> bool:
    """A vague value with a direction/degree word and no restatement yet: compare it with the goal."""
    codes = {h.code for h in hits if h.field == "value"}
    return bool(codes & {"DIRECTION", "DEGREE"}) and "RESTATEMENT" not in codes


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch is reviewed.

    A batch allocates many small acyclic objects (reviews, reasons, tuples); with large caches alive,
    every generation-2 collection rescans them all and costs a third of the run. Nothing here forms
    reference cycles, so collection is only deferred to the end of the batch, not skipped.
    """
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _ordered(hits: list[Hit]) -> list[Hit]:
    return sorted(hits, key=lambda h: (h.field != "value", h.start, -h.end))


def clear_caches() -> None:
    """Empty every per-process cache of the review (for benchmarks that must start cold).

    A :class:`Reviewer` keeps its own result caches; these are the shared ones: the value scanner,
    the default matcher's value/name caches and the small pure-function caches.
    """
    from . import rewrite, rules, scan, slots, table

    scan.scan.cache_clear()
    matcher = default_matcher()
    for cache in (matcher.facts_cache, matcher.name_cache, matcher.strong_cache):
        cache.clear()
    for function in (
        rules.is_na_text,
        rules._name_signature,
        slots.measure_kind,
        slots.unit_for,
        rewrite._year_in,
        table.name_key,
        table.topic_chars,
        table.topic_bigrams,
    ):
        function.cache_clear()
