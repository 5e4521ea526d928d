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
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from assistant.documents.library import library_dirs, library_signature, load_library
from assistant.errors import InputError, StoreError
from assistant.records.library import IndicatorLibrary
from assistant.records.schema import (
    PLACEHOLDER_MARK,
    DomainFinding,
    DraftResult,
    Evidence,
    Finding,
    Indicator,
    IndicatorReview,
    Project,
    ProjectDraft,
    Suggestion,
    ValueRange,
)

from ...text.similarity import coverage, dice, is_indicator_name, text_bigrams, topic_similarity
from .adapt import extract_mentions
from .candidates import Candidate, Settings, gather, is_duplicate
from .corpus import REQUIRED_GROUPS, Corpus, slot_group
from .domains import DomainMatch, detect_domains
from .from_library import library_proposals, placeholder
from .goal import read_goal
from .ranker import LinearRanker, load_ranker
from .render import render
from .retrieval import Retriever

RetrievalMode = Literal["bigram", "bm25", "dense", "hybrid"]
#: The default: character-bigram BM25 (the store's bm25s index with the bigram tokenizer). It needs no
#: model or dictionary, and finds neighbours as well as the others (scripts/eval_suggest.py, LOPO R@10:
#: 0.413 vs 0.417 jieba BM25, 0.403 hybrid, 0.394 dense — within each other's 95% intervals).
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
#: A table states one deadline, at most two costs and one satisfaction (more repeat themselves).
MAX_PER_GROUP = {"时效": 1, "成本": 2, "满意度": 1}
MAX_ROWS = 15
MAX_MENTIONS = 4  # goal counts/amounts always suggested (their best-ranked form)

#: Below these confidences a past project's own indicator is a worse default than the generic one
#: (a cost of another project named "社区"; a satisfaction of someone else's users).
GENERIC_FLOOR = {"成本": 0.3, "满意度": 0.15}
#: How often a library row of each kind names a true indicator (same slot, name Dice ≥ 0.5), pooled
#: over leave-one-project-out on seeds + songgang and the 16 cross-domain tables of ../shared/data/pages
#: (`python scripts/calibrate_library.py`; floor 0.02). Used as the row's confidence, so library and
#: corpus rows compete on one calibrated scale: a library row fills a slot the corpus has nothing
#: relevant for, and says how likely its name is the one a drafter writes (its value has a source).
LIBRARY_CONFIDENCE: dict[tuple[str, str], float] = {
    ("domain", "goal"): 0.02,
    ("domain", "budget"): 0.02,
    ("domain", "corpus"): 0.14,
    ("domain", "library"): 0.02,
    ("domain", "placeholder"): 0.02,
    ("generic", "goal"): 0.1,
    ("generic", "budget"): 0.37,
    ("generic", "corpus"): 0.11,
    ("generic", "library"): 0.02,
    ("generic", "placeholder"): 0.02,
}
#: The same project's earlier-year rows are kept at least this confident: 0.37 of the rows so
#: raised named a true indicator (LOPO over seeds + songgang; 31 projects have an earlier year).
EARLIER_YEAR_CONFIDENCE = 0.37
#: A sourced value this confident fills a slot before any placeholder; below it, confidence decides.
PLACEHOLDER_OVER = 0.1
#: Below this name similarity the nearest past project is "nothing close" (said plainly in the draft).
NEAR_PROJECT = 0.3
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
    """A retriever over ``corpus``: the store's indexes (:class:`IndexSet`, persisted under
    ``<store>/index/``) when a ``store`` is given, else the same indexes built in memory over the
    corpus's projects. ``bigram`` is the bm25s index with the character-bigram tokenizer; ``bm25``
    the one with jieba; ``dense`` and ``hybrid`` (their reciprocal-rank fusion) need an embedder.
    """
    from assistant.store.indexes import IndexSet
    from assistant.text.bigrams import BigramTokenizer

    from .retrieval import IndexSetRetriever, ProjectList

    if mode in ("dense", "hybrid") and embedder is None:
        if mode == "dense":
            raise InputError("dense 检索需要嵌入模型；请提供 embedder，或改用 --retrieval bigram/bm25")
        mode = "bm25"
    tokenizer = BigramTokenizer() if mode == "bigram" else None
    source = store if store is not None else ProjectList(corpus.projects)
    model = embedder if mode in ("dense", "hybrid") else None
    if store is not None:
        index_set = IndexSet.for_store(source, model, tokenizer=tokenizer)
    else:
        index_set = IndexSet(source, model, tokenizer=tokenizer, persist=False)
    return IndexSetRetriever(corpus, index_set, "bm25" if mode == "bigram" else mode)


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
        library: the indicator library (``None``: the shipped files plus the store's own ``library/``).

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
        library: IndicatorLibrary | None = None,
    ):
        self._store_arg = store
        self._embedder_arg = embedder
        self._ranker_arg = ranker
        self._reviewer = reviewer
        self.retrieval: RetrievalMode = retrieval
        self.settings = Settings(adapt=adapt)
        self._corpus_arg = corpus
        self._retriever_arg = retriever
        self._library_arg = library
        self._library: IndicatorLibrary | None = None
        self._library_signature: tuple = ()
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

    def library(self) -> IndicatorLibrary:
        """The indicator library: ``corpus/library`` plus library files ingested into the store
        (reloaded when one of its files changes)."""
        if self._library_arg is not None:
            return self._library_arg
        store_dir = getattr(self.store, "directory", None) if self._corpus_arg is None else None
        dirs = library_dirs(store_dir)
        signature = library_signature(dirs)
        if self._library is None or signature != self._library_signature:
            self._library, self._library_signature = load_library(dirs), signature
        return self._library

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
        _ = self.ranker, self.reviewer, self.library()
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

    def draft(
        self, draft: ProjectDraft, k: int | None = None, exclude: frozenset[int] = frozenset()
    ) -> DraftResult:
        """The table (as :meth:`suggest`), ranked alternatives per slot, the project's domains with
        the reason, the table checks 审核 runs on it, and notes a drafter should read first."""
        draft = self._checked(draft, k, exclude)
        candidates = self.candidates(draft, exclude)
        table = self.assemble(candidates, draft, k)
        banned: set[str] = set()
        for _ in range(3):  # a row the table checks flag gives way to the next candidate of its slot
            flagged = {f.indicator for f in draft_findings(draft, table) if f.indicator}
            if not flagged - banned:
                break
            banned |= flagged
            table = self.assemble(candidates, draft, k, frozenset(banned))
        alternatives = self.alternatives(candidates, table, draft)
        domains = self.domains(draft)
        nearest_name, nearest = self.nearest_project(draft, exclude)
        notes = []
        if nearest < NEAR_PROJECT:
            notes.append(
                f"语料库中没有相近的项目（最相近：{nearest_name or '无'}，名称相似度 {nearest:.2f}）："
                "表中指标主要来自指标库与本项目的目标、预算，置信度较低，请逐项核对"
            )
        if not domains:
            notes.append(
                "未能从项目名称、目标和部门识别所属领域：仅使用共性指标；填写主管部门或更具体的目标可得到行业指标"
            )
        pending = sum(1 for s in table if s.is_placeholder)
        if pending:
            notes.append(
                f"{pending} 项指标值为【待填】：目标、预算、历史目标和指标库标准都没有给出数值，请填写可核验的目标值"
            )
        return DraftResult(
            draft=draft,
            table=tuple(table),
            alternatives=tuple(alternatives),
            domains=tuple(DomainFinding(m.domain, m.reason) for m in domains),
            findings=tuple(draft_findings(draft, table)),
            notes=tuple(notes),
            nearest=round(nearest, 4),
        )

    def nearest_project(
        self, draft: ProjectDraft, exclude: frozenset[int] = frozenset()
    ) -> tuple[str, float]:
        """The past project most like this one by name among the retrieved ones, and its similarity."""
        corpus = self.corpus()
        from .candidates import query_text

        hits = [
            p
            for p, _ in self.retriever(corpus).projects(query_text(draft), 10 + len(exclude))
            if p not in exclude
        ]
        if not hits:
            return "", 0.0
        best = max(hits[:10], key=lambda p: topic_similarity(draft.name, corpus.projects[p].name))
        return corpus.projects[best].name, topic_similarity(draft.name, corpus.projects[best].name)

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
        draft = self._checked(draft, k, exclude)
        candidates = self.candidates(draft, exclude)
        return self.assemble(candidates, draft, k)

    def candidates(self, draft: ProjectDraft, exclude: frozenset[int] = frozenset()) -> list[Candidate]:
        """Scored candidates (confidence filled in), before rendering and selection: the corpus's
        (ranked by the model; the same project's earlier-year rows first) and the library's."""
        corpus = self.corpus()
        candidates = gather(corpus, self.retriever(corpus), draft, exclude=exclude, settings=self.settings)
        _mark_earlier_year(candidates, corpus, draft, exclude)
        library = self.library_candidates(draft, exclude)
        names = [c.name for c in library]
        for c in candidates:
            c.features["earlier_year"] = 1.0 if c.origin == "earlier-year" else 0.0
            c.features["library_match"] = max((dice(c.name, n) for n in names), default=0.0)
        self.score(candidates)
        return candidates + library

    def _checked(self, draft: ProjectDraft, k: int | None, exclude: frozenset[int]) -> ProjectDraft:
        if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
            raise InputError(f"--k 无效：{k!r}；需要 ≥1 的整数")
        draft = validate_draft(draft)
        corpus = self.corpus()
        if not corpus.rows or len(exclude) >= len(corpus.projects):
            where = getattr(self.store, "directory", "store") if self._corpus_arg is None else "corpus"
            raise StoreError(
                f"存储 {where} 中没有可用的历史指标；先用 `assistant ingest PATH...` 导入绩效目标表"
            )
        return draft

    def domains(self, draft: ProjectDraft) -> list[DomainMatch]:
        """The project's policy domains with the reason (see :mod:`.domains`)."""
        return detect_domains(draft.name, draft.goal, draft.department, self.library().domains)

    def library_candidates(
        self, draft: ProjectDraft, exclude: frozenset[int] = frozenset()
    ) -> list[Candidate]:
        """The library's templates for the draft's domains and 共性, as candidates with a value ready."""
        corpus = self.corpus()
        facts = read_goal(draft.name, draft.goal)
        domains = self.domains(draft)
        query_grams = text_bigrams(f"{draft.name} {draft.goal or ''}")
        out = []
        for proposal, match in library_proposals(self.library(), domains, draft, facts, corpus, exclude):
            scope = "domain" if match is not None else "generic"
            confidence = LIBRARY_CONFIDENCE[(scope, proposal.kind)]
            if match is not None and match is not domains[0]:
                confidence *= 0.8  # the second domain is less certain than the first
            # a template about what this project says it does ranks above its domain's other rows
            # (÷ 0.8, the factor's typical value, keeps the calibrated mean)
            confidence = min(0.95, confidence * (0.6 + 0.4 * coverage(proposal.name, query_grams)) / 0.8)
            c = Candidate(
                proposal.level1, proposal.level2, proposal.name, None, [], proposal=proposal, origin="library"
            )
            c.confidence = confidence
            c.score = _logit(confidence)
            out.append(c)
        return out

    def score(self, candidates: Sequence[Candidate]) -> None:
        """Fill ``score`` (logit) and ``confidence`` (calibrated) from the ranker; library proposals
        keep their measured confidence, and the same project's earlier-year rows get at least
        :data:`EARLIER_YEAR_CONFIDENCE`."""
        ranked = [c for c in candidates if c.proposal is None]
        if not ranked:
            return
        x = self.ranker.matrix([c.features for c in ranked])
        logits = self.ranker.logits(x)
        confidence = self.ranker.confidence(x)
        for c, z, p in zip(ranked, logits, confidence, strict=True):
            c.score, c.confidence = float(z), float(p)
            if c.origin == "earlier-year" and c.confidence < EARLIER_YEAR_CONFIDENCE:
                c.confidence, c.score = EARLIER_YEAR_CONFIDENCE, _logit(EARLIER_YEAR_CONFIDENCE)

    def assemble(
        self,
        candidates: list[Candidate],
        draft: ProjectDraft,
        k: int | None,
        banned: frozenset[str] = frozenset(),
    ) -> list[Suggestion]:
        """Select, render and review: required slots first, then confident extras, best first.
        Names in ``banned`` (rows a table check flagged in an earlier pass) are passed over."""
        corpus = self.corpus()
        project = Project(
            name=draft.name,
            goal=draft.goal,
            budget_wan=draft.budget_wan,
            year=draft.year,
            department=draft.department,
        )
        ranked = sorted(candidates, key=lambda c: (-c.confidence, -c.score, c.name))
        picks: list[_Pick] = []
        rejected: set[int] = set()
        limit = k if k is not None else MAX_ROWS

        def try_pick(c: Candidate, allow_placeholder: bool = True) -> bool:
            if c.name in banned or any(is_duplicate(c, p.candidate) for p in picks):
                return False
            group = slot_group(c.level2)
            cap = MAX_PER_GROUP.get(group, MAX_PER_SLOT)
            if k is None and sum(1 for p in picks if slot_group(p.candidate.level2) == group) >= cap:
                return False  # a table's shape; the k best rows are ranked alternatives too
            if sum(1 for p in picks if p.candidate.level2 == c.level2) >= MAX_PER_SLOT:
                return False
            suggestion = self._suggestion(c, corpus, draft, project)
            if suggestion is None or any(_same_target(p.suggestion, suggestion) for p in picks):
                rejected.add(id(c))  # unusable, or the same stated number a second time
                return False
            if suggestion.is_placeholder and not allow_placeholder:
                return False
            picks.append(_Pick(c, suggestion))
            return True

        # The full table (no k): the goal's own targets, then every required slot, then confident
        # extras. With k: the k best rows by confidence — what a drafter asking for k rows wants
        # (measured: LOPO R@10 +0.02 over forcing every slot into 10 rows).
        for mention in _mentions_in_order(ranked)[:MAX_MENTIONS] if k is None else ():
            # the goal's own counts first: the table must carry the targets the project states
            for c in ranked:
                if c.mention is mention and id(c) not in rejected and try_pick(c):
                    break
        for group, _ in REQUIRED_GROUPS if k is None else ():
            if any(slot_group(p.candidate.level2) == group for p in picks):
                continue
            floor = GENERIC_FLOOR.get(group, 0.0) if (group != "成本" or draft.budget_wan) else 0.0
            eligible = [
                c
                for c in ranked
                if slot_group(c.level2) == group
                and (c.confidence >= floor or c.proposal is not None)
                and _relevant(c)
            ]
            # a confident sourced value first; then a placeholder (what to measure, no number)
            # before a weak number from an unrelated project; anything before nothing
            sourced = [c for c in eligible if c.confidence >= PLACEHOLDER_OVER]
            # else the library's rows (about this project by construction; sourced values first)
            # before weak past rows
            fallback_order = sorted(
                eligible,
                key=lambda c: (
                    c.proposal is None,
                    c.proposal is not None and c.proposal.is_placeholder,
                    -c.confidence,
                ),
            )
            # a cost per unit the goal counts (150万元 ÷ 15处) before the total a budget restates
            per_unit = [c for c in eligible if _budget_per_unit(c)]
            if not any(
                id(c) not in rejected and try_pick(c, False) for c in (*per_unit, *sourced)
            ) and not any(id(c) not in rejected and try_pick(c) for c in fallback_order):
                try_pick(self._fallback(group, draft))
        for c in ranked:
            if len(picks) >= limit:
                break
            if id(c) in rejected or any(p.candidate is c for p in picks):
                continue
            if k is None and c.confidence < EXTRA_CONFIDENCE:
                break
            if _relevant(c):
                try_pick(c, allow_placeholder=k is not None)
        picks.sort(key=lambda p: (-p.candidate.confidence, -p.candidate.score, p.candidate.name))
        return [p.suggestion for p in picks[:limit]]

    def alternatives(
        self, candidates: list[Candidate], table: Sequence[Suggestion], draft: ProjectDraft, per_slot: int = 4
    ) -> list[Suggestion]:
        """Ranked rows for each slot group that are not in ``table`` (nor duplicates of its rows),
        at most ``per_slot`` each, sourced values before placeholders; the table's slots first."""
        corpus = self.corpus()
        project = Project(name=draft.name, goal=draft.goal, budget_wan=draft.budget_wan, year=draft.year)
        taken = [Candidate(s.level1, s.level2, s.name, None, []) for s in table]
        by_group: dict[str, list[Suggestion]] = {}
        for c in sorted(candidates, key=lambda c: (-c.confidence, -c.score, c.name)):
            group = slot_group(c.level2)
            if (
                len(by_group.get(group, ())) >= per_slot
                or not _relevant(c)
                or any(is_duplicate(c, t) for t in taken)
            ):
                continue
            suggestion = self._suggestion(c, corpus, draft, project)
            if suggestion is None:
                continue
            taken.append(c)
            by_group.setdefault(group, []).append(suggestion)
        rows = [s for group in by_group.values() for s in group if not _unrelated(draft, table, s)]
        return sorted(rows, key=lambda s: (s.is_placeholder, -s.confidence))

    def _fallback(self, group: str, draft: ProjectDraft) -> Candidate:
        level1, level2, name = FALLBACKS[group]
        if group == "成本" and draft.budget_wan is None:
            name = "成本控制率"  # no budget to write an amount against
        return Candidate(level1, level2, name, None, [], features={})

    def _suggestion(
        self, c: Candidate, corpus: Corpus, draft: ProjectDraft, project: Project
    ) -> Suggestion | None:
        if not is_indicator_name(c.name, c.level2):
            return None  # a past drafter's slip (项目, 2023年12月30日前完成): nothing to offer
        if c.proposal is not None:
            p = c.proposal
            name, value, value_range, evidence = p.name, p.value, p.range, p.evidence
            explain: str | None = p.template.explain or None
        else:
            rendered = render(c, corpus, draft) if c.rows or c.mention else None
            name, explain = c.name, None
            past = rendered[1] if rendered is not None else None
            if past is not None and _foreign_count(c, past):
                rendered = placeholder("≥", past.unit or "", "目标值"), None
            elif past is not None and _foreign_unit_cost(c, past, draft):
                rendered = placeholder("≤", past.unit or "", "单位成本"), None
            value, value_range = rendered if rendered is not None else (_placeholder_for(c), None)
            evidence = tuple(_evidence(c, corpus, draft, value)) + _scaling_evidence(c, value, draft)
        if name.endswith("率") and _DEADLINE_VALUE.search(value) and not _RATE_VALUE.search(value):
            return None  # 及时拨付率 = 2020年12月底前: a rate's name with a deadline's value, no target
        review = self._review(c, name, value, project)
        if review.indicator.value != value:
            value, value_range = review.indicator.value, None  # the reviewer's rewrite (or a placeholder)
        return Suggestion(
            level1=c.level1 or "产出指标",
            level2=c.level2,
            name=name,
            value=value,
            range=value_range,
            confidence=round(float(np.clip(c.confidence, 0.0, 1.0)), 4),
            evidence=evidence,
            review=review,
            explain=explain,
        )

    def _review(self, c: Candidate, name: str, value: str, project: Project) -> IndicatorReview:
        """The reviewer's verdict on a suggested value. A flagged value is rewritten once when the
        rewrite is clear, else replaced by a 【待填】 placeholder: the row stays, the number goes."""
        from assistant.records.build import make_indicator

        indicator = make_indicator(c.level1, c.level2, name, value)
        review = self.reviewer.review_indicator(indicator, project)
        if review.label == "clear" or PLACEHOLDER_MARK in value:
            return review
        rewrite = review.rewrite
        if rewrite and rewrite != value and PLACEHOLDER_MARK not in rewrite:
            second = self.reviewer.review_indicator(
                make_indicator(c.level1, c.level2, name, rewrite), project
            )
            if second.label == "clear":
                return second
        held = make_indicator(c.level1, c.level2, name, _placeholder_for(c))
        return self.reviewer.review_indicator(held, project)


#: A past project's row enters the table only when it is about this project (its name's
#: IDF-weighted bigrams found in the name/goal) or comes from a project named like this one, however
#: confident the ranker is: 培训合格率 of a training neighbour is no quality target for a health
#: project, and 用餐及时性 none for a water project. (Measured: LOPO R@10 unchanged, 0.421, without
#: the old "confidence ≥ 0.1 is enough" escape; on stores with nothing close it let unrelated rows in.)
TOPICAL_COVERAGE = 0.25
TOPICAL_NEIGHBOUR = 0.2


def _relevant(c: Candidate) -> bool:
    """Whether a candidate may enter the table: from the goal, the library or the same project's
    earlier year, or on topic. A past project's cost (社区 5万元/个) counts only from a project
    named like this one."""
    if c.mention is not None or c.template is None or c.origin == "earlier-year":
        return True
    if slot_group(c.level2) == "成本" and c.features.get("topic_sim", 1.0) < NEAR_PROJECT:
        return False
    if "goal_idf" not in c.features:
        return True  # not scored against the draft (a baseline's candidates): nothing to judge by
    if c.features.get("topic_sim", 0.0) >= TOPICAL_NEIGHBOUR:
        return True  # its neighbours are projects like this one
    return c.features["goal_idf"] >= TOPICAL_COVERAGE


def _budget_per_unit(c: Candidate) -> bool:
    """A library row whose value is the budget divided by the goal's count (≤10万元/处, ≤150元/人)."""
    return c.proposal is not None and c.proposal.kind == "budget" and "/" in c.proposal.template.unit


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


def draft_findings(draft: ProjectDraft, table: Sequence[Suggestion]) -> list[Finding]:
    """The table checks 审核 runs (missing slots, costs over budget, duplicates, unrelated rows),
    on a drafted table."""
    from assistant.engines.review.table import table_findings

    reviews = [s.review for s in table if s.review is not None]
    project = Project(
        name=draft.name,
        indicators=tuple(r.indicator for r in reviews),
        goal=draft.goal,
        budget_wan=draft.budget_wan,
        year=draft.year,
        department=draft.department,
    )
    return [f for f in table_findings(project, reviews) if f.code != "NO_GOAL"]


def _unrelated(draft: ProjectDraft, table: Sequence[Suggestion], row: Suggestion) -> bool:
    """Whether 审核's UNRELATED check would flag ``row`` were it in the table (only that check: the
    others judge the table, not one row)."""
    from assistant.engines.review.table import unrelated_findings

    reviews = [s.review for s in (*table, row) if s.review is not None]
    project = Project(name=draft.name, indicators=tuple(r.indicator for r in reviews), goal=draft.goal)
    return any(f.indicator == row.name for f in unrelated_findings(project, reviews))


def _scaling_evidence(c: Candidate, value: str, draft: ProjectDraft) -> tuple[Evidence, ...]:
    """How a past cost became this budget's: the budget × the share past projects spent on it."""
    match = re.fullmatch(r"≤(\d+(?:\.\d+)?)万元", value)
    if slot_group(c.level2) != "成本" or match is None or not draft.budget_wan or c.mention is not None:
        return ()
    amount = float(match.group(1))
    if amount >= draft.budget_wan:
        return ()  # the whole budget: the budget evidence says it
    share = amount / draft.budget_wan
    text = f"{draft.budget_wan:g}万元 × 历史同类成本占预算的中位比例 {share:.1%} ≈ {match.group(1)}万元"
    return (Evidence(draft.name, "按历史占比折算", text, "项目预算", kind="budget"),)


def _foreign_count(c: Candidate, value_range: ValueRange | None) -> bool:
    """A count copied from a project unlike this one (体检 3人 for a water project): its number says
    nothing about this project's scale, so the row keeps its name and the drafter fills the count."""
    if slot_group(c.level2) != "数量" or c.mention is not None or c.origin == "earlier-year":
        return False
    if value_range is None or value_range.unit in (None, "%"):
        return False
    return c.features.get("topic_sim", 0.0) < NEAR_PROJECT


def _foreign_unit_cost(c: Candidate, value_range: ValueRange | None, draft: ProjectDraft) -> bool:
    """A past project's cost per unit of something this goal does not count (社区 5万元/个 for an
    elderly-care project counting 名): its amount prices another project's units."""
    if slot_group(c.level2) != "成本" or c.mention is not None or c.origin == "earlier-year":
        return False
    unit = (value_range.unit or "") if value_range is not None else ""
    if "/" not in unit:
        return False
    per = unit.split("/", 1)[1]
    return per not in {m.unit for m in extract_mentions(draft.goal) if m.kind == "count"}


#: A deadline (2020年12月底前, 12月底前, 2023/11/30), and the units a rate is stated in.
_DEADLINE_VALUE = re.compile(r"\d\s*月|年底|月底|\d{4}[/-]\d")
_RATE_VALUE = re.compile(r"[%％‰]")


def _same_target(a: Suggestion, b: Suggestion) -> bool:
    """Two rows of one slot group that state the same number from the same goal clause or budget
    (工程数量 ≥15处 and 维修养护数量 ≥15处), or two costs of the same amount: one target, said twice."""
    if slot_group(a.level2) != slot_group(b.level2) or a.is_placeholder or b.is_placeholder:
        return False
    if slot_group(a.level2) == "成本" and a.value == b.value:
        return True
    sourced = {"goal", "budget"}
    if not (a.evidence and b.evidence and a.evidence[0].kind in sourced and b.evidence[0].kind in sourced):
        return False
    if a.evidence[0].value != b.evidence[0].value or a.range is None or b.range is None:
        return False
    return a.range.low == b.range.low


def _placeholder_for(c: Candidate) -> str:
    """What to fill in for a row no source gives a number for, in the unit its name implies."""
    group = slot_group(c.level2)
    if group == "时效":
        return placeholder("≤", "日期")
    if group == "成本":
        return placeholder("≤", "万元", "金额")
    if group in {"质量", "效益", "满意度"} or c.name.endswith(("率", "度", "比例", "占比")):
        return placeholder("≥", "%")
    return placeholder("≥", "", "目标值及单位")


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _mark_earlier_year(
    candidates: list[Candidate], corpus: Corpus, draft: ProjectDraft, exclude: frozenset[int]
) -> None:
    """The same project's latest earlier table (same name, an earlier or unknown year) is the first
    source: its rows lead their candidates' evidence, and the candidates are marked ``earlier-year``."""

    def before_draft(year: int | None) -> bool:
        return draft.year is None or year is None or year < draft.year

    earlier = [
        i
        for i in corpus.projects_named(draft.name)
        if i not in exclude and before_draft(corpus.projects[i].year) and corpus.project_rows[i]
    ]
    if not earlier:
        return
    latest = max(earlier, key=lambda i: (corpus.projects[i].year or 0, i))
    own = set(corpus.project_rows[latest])
    for c in candidates:
        first = [r for r in c.rows if r in own]
        if first and c.mention is None:
            c.rows = first + [r for r in c.rows if r not in own]
            c.origin = "earlier-year"


def _evidence(
    c: Candidate, corpus: Corpus, draft: ProjectDraft, value: str = "", limit: int = 3
) -> list[Evidence]:
    """The value's sources: the budget or year it rests on, the goal clause, and past rows — those
    stating the suggested number first (a median of ≥95% shows a past ≥95%, not a past 明显)."""
    out: list[Evidence] = []
    if c.template is None and c.mention is None and slot_group(c.level2) == "成本" and draft.budget_wan:
        out.append(
            Evidence(
                project=draft.name,
                name="年度资金总额",
                value=f"{draft.budget_wan:g}万元",
                source="项目预算",
                kind="budget",
            )
        )
    elif slot_group(c.level2) == "成本" and draft.budget_wan:
        out.append(  # past costs are scaled to this budget: it is part of the value's source
            Evidence(draft.name, "年度资金总额", f"{draft.budget_wan:g}万元", "项目预算", kind="budget")
        )
    if slot_group(c.level2) == "时效":
        year = f"{draft.year}年" if draft.year else "本预算年度"
        out.append(
            Evidence(draft.name, "预算年度", f"{year}（预算年度于12月底结束）", "项目年度", kind="goal")
        )
    if c.mention is not None:
        out.append(
            Evidence(
                project=draft.name,
                name=c.mention.name,
                value=c.mention.span[:120],
                source="年度目标",
                kind="goal",
            )
        )
    numbers = set(re.findall(r"\d+(?:\.\d+)?", value))
    rows = sorted(c.rows, key=lambda r: not numbers & set(re.findall(r"\d+(?:\.\d+)?", corpus.rows[r].value)))
    seen: set[int] = set()
    for r in rows:
        row = corpus.rows[r]
        if row.project in seen:
            continue
        seen.add(row.project)
        p = corpus.projects[row.project]
        out.append(Evidence(project=p.name, name=row.name, value=row.value, source=p.source))
        if len(out) >= limit:
            break
    return out
