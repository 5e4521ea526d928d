"""The suggest engine: draft a complete, measurable indicator table for a new project.

Pipeline: retrieve neighbour projects and indicators → candidates per slot (templates) → features →
learned ranker with calibrated confidence → adapt to the goal, year and budget → render values and
ranges → review every value (rewrite or drop what the reviewer flags) → fill every required slot,
drop duplicates, rank best first.

Example:
    >>> from assistant.records.schema import ProjectDraft
    >>> suggester = Suggester(store="corpus/store")          # doctest: +SKIP
    >>> rows = suggester.suggest(ProjectDraft("党员教育培训经费", goal="培训1期40人", budget_wan=12))  # doctest: +SKIP
    >>> [(s.level2, s.name, s.value) for s in rows][:2]      # doctest: +SKIP
    [('数量指标', '培训人数', '≥40人'), ('服务对象满意度指标', '参训学员满意度', '≥95%')]
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from assistant.errors import InputError, StoreError
from assistant.records.schema import (
    Evidence,
    Indicator,
    IndicatorReview,
    Project,
    ProjectDraft,
    Suggestion,
)

from .candidates import Candidate, Settings, gather, is_duplicate
from .corpus import REQUIRED_GROUPS, Corpus, slot_group
from .ranker import LinearRanker, load_ranker
from .render import measurable_name, render
from .retrieval import Retriever

RetrievalMode = Literal["bigram", "bm25", "dense", "hybrid"]
#: The default: character-bigram BM25 over the corpus snapshot. It measured best for finding
#: neighbour projects (scripts/eval_suggest.py: R@10 0.402 vs 0.391 jieba BM25, 0.373 hybrid,
#: 0.352 dense with the shipped embedder) and needs no model.
DEFAULT_RETRIEVAL: RetrievalMode = "bigram"
log = logging.getLogger(__name__)

MAX_NAME = 200
MAX_GOAL = 5000
MAX_DEPARTMENT = 200
MAX_BUDGET_WAN = 10_000_000.0  # 1000 亿元: above any single project budget
YEAR_RANGE = (1990, 2100)

#: The default table: every required slot, plus confident extras (≤ 3 per 二级 slot, ≤ 15 rows).
EXTRA_CONFIDENCE = 0.35
MAX_PER_SLOT = 3
MAX_ROWS = 15
MAX_MENTIONS = 4  # goal counts/amounts always suggested (their best-ranked form)

#: Below these confidences a past project's own indicator is a worse default than the generic one
#: (a cost of another project named "社区"; a satisfaction of someone else's users).
GENERIC_FLOOR = {"成本": 0.3, "满意度": 0.15}
#: Fallbacks for a required slot: when the corpus offers nothing measurable, or nothing above the floor.
FALLBACKS: dict[str, tuple[str, str, str]] = {
    "数量": ("产出指标", "数量指标", "完成项目任务数量"),
    "质量": ("产出指标", "质量指标", "项目验收合格率"),
    "时效": ("产出指标", "时效指标", "项目完成时限"),
    "成本": ("产出指标", "成本指标", "项目总成本"),
    "效益": ("效益指标", "社会效益指标", "服务对象受益覆盖率"),
    "满意度": ("满意度指标", "服务对象满意度指标", "服务对象满意度"),
}


class Reviewer(Protocol):
    """What the suggester needs from the review engine."""

    def review_indicator(self, indicator: Indicator, project: Project | None = None) -> IndicatorReview: ...


def validate_draft(draft: ProjectDraft) -> ProjectDraft:
    """Check and tidy a draft: stripped text, finite positive budget, plausible year.

    Raises:
        InputError: one line naming the field, the value and what is allowed.

    Example:
        >>> validate_draft(ProjectDraft("  党建经费 ", budget_wan=12)).name
        '党建经费'
        >>> validate_draft(ProjectDraft(""))
        Traceback (most recent call last):
        assistant.errors.InputError: 项目名称为空：--name 需要非空的项目名称
    """
    name = (draft.name or "").strip() if isinstance(draft.name, str) else ""
    if not name:
        raise InputError("项目名称为空：--name 需要非空的项目名称")
    if len(name) > MAX_NAME:
        raise InputError(f"项目名称过长：{len(name)} 字，上限 {MAX_NAME} 字；请只写项目名称")
    goal = draft.goal.strip() if isinstance(draft.goal, str) else None
    if goal is not None and len(goal) > MAX_GOAL:
        raise InputError(f"年度目标过长：{len(goal)} 字，上限 {MAX_GOAL} 字；请精简 --goal 后重试")
    budget = draft.budget_wan
    if budget is not None:
        if isinstance(budget, bool) or not isinstance(budget, int | float) or not math.isfinite(budget):
            raise InputError(f"预算无效：{budget!r}；--budget 需要以万元计的正数，如 12.5")
        if budget <= 0:
            raise InputError(f"预算无效：{budget:g} 万元；--budget 需要大于 0 的金额（万元）")
        if budget > MAX_BUDGET_WAN:
            raise InputError(
                f"预算不合理：{budget:g} 万元，超过上限 {MAX_BUDGET_WAN:g} 万元；--budget 以万元计，是否按元填写了？"
            )
        budget = float(budget)
    year = draft.year
    if year is not None:
        if isinstance(year, bool) or not isinstance(year, int) or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            raise InputError(f"年度无效：{year!r}；--year 需要 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间的年份")
    department = draft.department.strip() if isinstance(draft.department, str) else None
    if department is not None and len(department) > MAX_DEPARTMENT:
        raise InputError(f"部门名称过长：{len(department)} 字，上限 {MAX_DEPARTMENT} 字")
    return ProjectDraft(
        name=name, goal=goal or None, budget_wan=budget, year=year, department=department or None
    )


# ---------------------------------------------------------------------------------------------- caches
_CACHE_LOCK = threading.Lock()
_CORPORA: dict[tuple[str, Any], Corpus] = {}
_RETRIEVERS: dict[tuple[int, str, str, bool], tuple[Corpus, Retriever]] = {}


def corpus_for(store: Any) -> Corpus:
    """The :class:`Corpus` of a store, built once per store state (``state_key`` or revision)."""
    key = (
        str(getattr(store, "directory", id(store))),
        getattr(store, "state_key", getattr(store, "revision", None)),
    )
    with _CACHE_LOCK:
        corpus = _CORPORA.get(key)
    if corpus is None:
        corpus = Corpus.from_store(store)
        with _CACHE_LOCK:
            for old in [k for k in _CORPORA if k[0] == key[0]]:
                del _CORPORA[old]
            _CORPORA[key] = corpus
    return corpus


def build_retriever(
    corpus: Corpus, mode: RetrievalMode = DEFAULT_RETRIEVAL, embedder: Any = None, store: Any = None
) -> Retriever:
    """A retriever over ``corpus``.

    ``bigram``: character-bigram BM25 built in memory from the snapshot. ``bm25`` (jieba), ``dense``
    and ``hybrid`` (their reciprocal-rank fusion): the store's persisted indexes (:class:`IndexSet`)
    when a ``store`` is given, else the in-memory equivalents of :mod:`.retrieval`.
    """
    from .retrieval import BigramBM25Retriever, EmbeddingRetriever, FusionRetriever, IndexSetRetriever

    if mode == "bigram":
        return BigramBM25Retriever(corpus)
    if store is not None:
        from assistant.store.indexes import IndexSet

        index_set = IndexSet.for_store(store, embedder)
        return IndexSetRetriever(corpus, index_set, "bm25" if embedder is None and mode == "hybrid" else mode)
    if mode == "bm25" or (embedder is None and mode == "hybrid"):
        return BigramBM25Retriever(corpus)
    if embedder is None:
        raise InputError("dense 检索需要嵌入模型；请提供 embedder，或改用 --retrieval bigram/bm25")
    dense = EmbeddingRetriever(corpus, embedder)
    if mode == "dense":
        return dense
    return FusionRetriever(BigramBM25Retriever(corpus), dense)


def _cached_retriever(corpus: Corpus, mode: RetrievalMode, embedder: Any, store: Any = None) -> Retriever:
    model = (
        str(getattr(embedder, "fingerprint", getattr(embedder, "name", id(embedder))))
        if embedder is not None
        else ""
    )
    key = (id(corpus), mode, model, store is not None)
    with _CACHE_LOCK:
        cached = _RETRIEVERS.get(key)
    if cached is not None and cached[0] is corpus:  # ids of collected corpora may be reused
        return cached[1]
    retriever = build_retriever(corpus, mode, embedder, store)
    with _CACHE_LOCK:
        if len(_RETRIEVERS) > 16:
            _RETRIEVERS.clear()
        _RETRIEVERS[key] = (corpus, retriever)
    return retriever


@dataclass(slots=True)
class _Pick:
    candidate: Candidate
    suggestion: Suggestion


class Suggester:
    """Drafts indicator tables from a store of past projects.

    Args:
        store: a :class:`~assistant.store.Store`, a store folder, or ``None`` for the default store.
        embedder: an :class:`~assistant.embedding.Embedder`; ``None`` loads the default one lazily
            (``False`` disables dense retrieval).
        ranker: a :class:`LinearRanker`, a path to a saved one, or ``None`` for the shipped model.
        reviewer: the review engine (``None``: :class:`assistant.engines.review.Reviewer`).
        retrieval: ``bigram`` (default, see :data:`DEFAULT_RETRIEVAL`), ``bm25``, ``dense`` or ``hybrid``.
        adapt: adapt suggestions to the goal text (counts, objects) — off only for ablations.
        corpus: a ready :class:`Corpus` instead of a store (tests, evaluation).
        retriever: a ready retriever over ``corpus`` (evaluation ablations).

    Models, indexes and the corpus snapshot load on first use, once per process.
    """

    def __init__(
        self,
        store: Any = None,
        embedder: Any = None,
        ranker: LinearRanker | str | Path | None = None,
        reviewer: Reviewer | None = None,
        *,
        retrieval: RetrievalMode = DEFAULT_RETRIEVAL,
        adapt: bool = True,
        corpus: Corpus | None = None,
        retriever: Retriever | None = None,
    ):
        self._store_arg = store
        self._embedder_arg = embedder
        self._ranker_arg = ranker
        self._reviewer = reviewer
        self.retrieval: RetrievalMode = retrieval
        self.settings = Settings(adapt=adapt)
        self._corpus_arg = corpus
        self._retriever_arg = retriever
        self._lock = threading.Lock()
        self._store: Any = None
        self._ranker: LinearRanker | None = None
        self._embedder: Any = None

    # ------------------------------------------------------------------ lazy parts
    @property
    def store(self) -> Any:
        if self._store is None:
            from assistant.store.database import as_store

            self._store = as_store(self._store_arg)
        return self._store

    def corpus(self) -> Corpus:
        """The snapshot of past projects (rebuilt when the store's revision changes)."""
        if self._corpus_arg is not None:
            return self._corpus_arg
        return corpus_for(self.store)

    @property
    def ranker(self) -> LinearRanker:
        if self._ranker is None:
            arg = self._ranker_arg
            self._ranker = arg if isinstance(arg, LinearRanker) else load_ranker(arg)
        return self._ranker

    def embedder(self) -> Any:
        """The embedder for dense retrieval, or ``None`` when dense retrieval is off."""
        if self._embedder_arg is False or self.retrieval in ("bm25", "bigram"):
            return None
        if self._embedder is None:
            if self._embedder_arg is not None:
                self._embedder = self._embedder_arg
            else:
                self._embedder = _default_embedder()
        return self._embedder or None

    def retriever(self, corpus: Corpus) -> Retriever:
        """The store's indexes when drafting from a store; in-memory retrievers over a given corpus."""
        if self._retriever_arg is not None:
            return self._retriever_arg
        store = self.store if self._corpus_arg is None else None
        return _cached_retriever(corpus, self.retrieval, self.embedder(), store)

    @property
    def reviewer(self) -> Reviewer:
        if self._reviewer is None:
            from .review import default_reviewer

            self._reviewer = default_reviewer()
        return self._reviewer

    def warm_up(self) -> Suggester:
        """Load the corpus, indexes, ranker and reviewer now (the app calls this at start)."""
        from .adapt import warm_up

        corpus = self.corpus()
        self.retriever(corpus)
        _ = self.ranker, self.reviewer
        if self.settings.adapt:
            warm_up()
        return self

    # ------------------------------------------------------------------ public API
    def suggest(self, draft: ProjectDraft, k: int | None = None) -> list[Suggestion]:
        """A complete, reviewed indicator table for ``draft``, best first; ``k`` caps its length.

        Raises:
            InputError: a bad draft or ``k``.
            StoreError: the store is empty, missing or from an incompatible version.
        """
        return self.suggest_excluding(draft, k)

    def suggest_batch(
        self, drafts: Iterable[ProjectDraft], k: int | None = None
    ) -> Iterator[list[Suggestion]]:
        """Suggest for many drafts in input order, loading models once."""
        for draft in drafts:
            yield self.suggest(draft, k)

    # ------------------------------------------------------------------ internals (also for evaluation)
    def suggest_excluding(
        self, draft: ProjectDraft, k: int | None = None, exclude: frozenset[int] = frozenset()
    ) -> list[Suggestion]:
        """:meth:`suggest` with some corpus projects hidden (leave-one-project-out evaluation)."""
        if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
            raise InputError(f"--k 无效：{k!r}；需要 ≥1 的整数")
        draft = validate_draft(draft)
        corpus = self.corpus()
        if not corpus.rows or len(exclude) >= len(corpus.projects):
            where = getattr(self.store, "directory", "store") if self._corpus_arg is None else "corpus"
            raise StoreError(
                f"存储 {where} 中没有可用的历史指标；先用 `assistant ingest PATH...` 导入绩效目标表"
            )
        candidates = self.candidates(draft, exclude)
        return self.assemble(candidates, draft, k)

    def candidates(self, draft: ProjectDraft, exclude: frozenset[int] = frozenset()) -> list[Candidate]:
        """Scored candidates (confidence filled in), before rendering and selection."""
        corpus = self.corpus()
        candidates = gather(corpus, self.retriever(corpus), draft, exclude=exclude, settings=self.settings)
        self.score(candidates)
        return candidates

    def score(self, candidates: Sequence[Candidate]) -> None:
        """Fill ``score`` (logit) and ``confidence`` (calibrated) from the ranker."""
        if not candidates:
            return
        x = self.ranker.matrix([c.features for c in candidates])
        logits = self.ranker.logits(x)
        confidence = self.ranker.confidence(x)
        for c, z, p in zip(candidates, logits, confidence, strict=True):
            c.score, c.confidence = float(z), float(p)

    def assemble(self, candidates: list[Candidate], draft: ProjectDraft, k: int | None) -> list[Suggestion]:
        """Select, render and review: required slots first, then confident extras, best first."""
        corpus = self.corpus()
        project = Project(
            name=draft.name,
            goal=draft.goal,
            budget_wan=draft.budget_wan,
            year=draft.year,
            department=draft.department,
        )
        ranked = sorted(candidates, key=lambda c: (-c.score, c.name))
        picks: list[_Pick] = []
        rejected: set[int] = set()
        limit = k if k is not None else MAX_ROWS

        def try_pick(c: Candidate) -> bool:
            if any(is_duplicate(c, p.candidate) for p in picks):
                return False
            if sum(1 for p in picks if p.candidate.level2 == c.level2) >= MAX_PER_SLOT:
                return False
            suggestion = self._suggestion(c, corpus, draft, project)
            if suggestion is None or any(
                slot_group(p.candidate.level2) == slot_group(c.level2)
                and p.suggestion.value == suggestion.value
                for p in picks
                if slot_group(c.level2) == "成本"
            ):
                rejected.add(id(c))  # nothing measurable, or a second cost with the same amount
                return False
            picks.append(_Pick(c, suggestion))
            return True

        for mention in _mentions_in_order(ranked)[:MAX_MENTIONS]:
            # the goal's own counts first: the table must carry the targets the project states
            for c in ranked:
                if c.mention is mention and id(c) not in rejected and try_pick(c):
                    break
        for group, _ in REQUIRED_GROUPS:  # every required slot first; k then keeps the best of them
            if any(slot_group(p.candidate.level2) == group for p in picks):
                continue
            floor = GENERIC_FLOOR.get(group, 0.0) if (group != "成本" or draft.budget_wan) else 0.0
            if not any(
                slot_group(c.level2) == group and c.confidence >= floor and _relevant(c) and try_pick(c)
                for c in ranked
                if id(c) not in rejected
            ):
                fallback = self._fallback(group, draft)
                self.score([fallback])
                fallback.confidence = max(fallback.confidence, floor)
                try_pick(fallback)
        for c in ranked:
            if len(picks) >= limit:
                break
            if id(c) in rejected or any(p.candidate is c for p in picks):
                continue
            if k is None and c.confidence < EXTRA_CONFIDENCE:
                break
            try_pick(c)
        picks.sort(key=lambda p: (-p.candidate.confidence, -p.candidate.score, p.candidate.name))
        return [p.suggestion for p in picks[:limit]]

    def _fallback(self, group: str, draft: ProjectDraft) -> Candidate:
        level1, level2, name = FALLBACKS[group]
        if group == "成本" and draft.budget_wan is None:
            name = "成本控制率"  # no budget to write an amount against
        return Candidate(level1, level2, name, None, [], features={})

    def _suggestion(
        self, c: Candidate, corpus: Corpus, draft: ProjectDraft, project: Project
    ) -> Suggestion | None:
        rendered = render(c, corpus, draft) if c.rows or c.mention else _render_fallback(c, draft)
        if rendered is None:
            return None
        value, value_range = rendered
        name = measurable_name(c.name, c.level2, value)
        review = self._review(c, name, value, project)
        if review is None:
            return None
        value = review.indicator.value
        level1 = c.level1 or "产出指标"
        return Suggestion(
            level1=level1,
            level2=c.level2,
            name=name,
            value=value,
            range=value_range,
            confidence=round(float(np.clip(c.confidence, 0.0, 1.0)), 4),
            evidence=tuple(_evidence(c, corpus, draft)),
            review=review,
        )

    def _review(self, c: Candidate, name: str, value: str, project: Project) -> IndicatorReview | None:
        """The reviewer's verdict on a suggested value; a flagged value is rewritten once or dropped."""
        from assistant.records.build import make_indicator

        indicator = make_indicator(c.level1, c.level2, name, value)
        review = self.reviewer.review_indicator(indicator, project)
        if review.label == "clear":
            return review
        rewrite = review.rewrite
        if not rewrite or "【" in rewrite or rewrite == value:
            return None
        second = self.reviewer.review_indicator(make_indicator(c.level1, c.level2, name, rewrite), project)
        return second if second.label == "clear" else None


#: Below this confidence a template fills a required slot only when it is about this project (its
#: name's IDF-weighted bigrams found in the name/goal) or comes from a project named like this one:
#: 培训合格率 of a training neighbour is no quality target for a health project; the generic
#: fallback is. (Measured: without the neighbour clause, weak but right templates of same-office
#: neighbours were dropped and R@5 fell 0.004.)
TOPICAL_CONFIDENCE = 0.1
TOPICAL_COVERAGE = 0.25
TOPICAL_NEIGHBOUR = 0.1


def _relevant(c: Candidate) -> bool:
    """Whether a candidate may fill a required slot: confident, from the goal, or on topic."""
    if c.mention is not None or c.template is None or c.confidence >= TOPICAL_CONFIDENCE:
        return True
    if "goal_idf" not in c.features:
        return True  # not scored against the draft (a baseline's candidates): nothing to judge by
    if c.features.get("name_sim", 0.0) >= TOPICAL_NEIGHBOUR:
        return True  # its neighbours are projects like this one
    return c.features["goal_idf"] >= TOPICAL_COVERAGE


def _mentions_in_order(candidates: Sequence[Candidate]) -> list[Any]:
    """Distinct goal mentions carried by the candidates, in goal order."""
    seen: dict[int, Any] = {}
    for c in candidates:
        if c.mention is not None:
            seen.setdefault(id(c.mention), c.mention)
    order = {id(m): i for i, m in enumerate(seen.values())}
    return sorted(seen.values(), key=lambda m: (m.kind != "count", order[id(m)]))


def _default_embedder() -> Any:
    """The shipped embedder, or ``False`` (BM25 only, with a warning) when it cannot be loaded."""
    from assistant.errors import AssistantError

    try:
        from assistant.embedding import load_embedder

        return load_embedder()
    except (ImportError, AssistantError, OSError) as error:
        log.warning("嵌入模型不可用（%s），仅使用 BM25 检索", error)
        return False


def _render_fallback(c: Candidate, draft: ProjectDraft) -> tuple[str, Any] | None:
    from assistant.records.schema import ValueRange

    from .adapt import deadline_for, format_number
    from .render import round_amount

    group = slot_group(c.level2)
    if group == "时效":
        return deadline_for(draft.year), None
    if group == "成本":
        if draft.budget_wan is None:
            return "≤100%", None
        amount = round_amount(draft.budget_wan)
        return f"≤{format_number(amount)}万元", ValueRange("≤", amount, amount, "万元")
    if group == "数量":
        return "≥1项", None
    return ("≥95%" if group == "质量" else "≥90%"), None


def _evidence(c: Candidate, corpus: Corpus, draft: ProjectDraft, limit: int = 3) -> list[Evidence]:
    out: list[Evidence] = []
    if c.template is None and c.mention is None and slot_group(c.level2) == "成本" and draft.budget_wan:
        out.append(
            Evidence(
                project=draft.name, name="年度资金总额", value=f"{draft.budget_wan:g}万元", source="项目预算"
            )
        )
    if c.mention is not None:
        out.append(
            Evidence(project=draft.name, name=c.mention.name, value=c.mention.span[:120], source="年度目标")
        )
    seen: set[int] = set()
    for r in c.rows:
        row = corpus.rows[r]
        if row.project in seen:
            continue
        seen.add(row.project)
        p = corpus.projects[row.project]
        out.append(Evidence(project=p.name, name=row.name, value=row.value, source=p.source))
        if len(out) >= limit:
            break
    return out
