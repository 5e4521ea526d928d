"""The indicator library (指标库): search past indicators and see the values they were given.

What reviewers ask for when they set a standard: "which 三级指标 did other projects use for 培训,
and what values did they write?" This module answers with

- :meth:`IndicatorLibrary.search` — semantic (dense), keyword (BM25) or hybrid (reciprocal-rank
  fusion) search over indicator names, filtered by 一级/二级 slot, department and year;
- :meth:`IndicatorLibrary.distribution` — every past row of the same indicator (the suggest
  engine's name templates: 培训人次 ≈ 培训人数) with its numbers in the dominant unit, for a
  histogram, plus the non-numeric values (完成, 2023年12月底前 …) counted;
- :meth:`IndicatorLibrary.facets` — the slots, departments and years present, for filter menus.

It reads the same :class:`~assistant.engines.suggest.corpus.Corpus` snapshot and the same
retrievers as the suggest engine (:func:`~assistant.engines.suggest.suggester.build_retriever`: the
store's persisted jieba-BM25/FAISS indexes over a store, in-memory ones over a list of projects;
rebuilt when the store's revision changes), so the app, the notebook and ``suggest`` agree on what
"similar" means.

Example:
    >>> from assistant.records.build import make_indicator
    >>> from assistant.records.schema import Project
    >>> p = Project("党员培训", (make_indicator("产出指标", "数量指标", "培训人次", "≥400人次"),), year=2023)
    >>> library = IndicatorLibrary(projects=[p, Project("干部培训", (make_indicator("产出指标",
    ...     "数量指标", "培训人数", "≥100人次"),), year=2022)], embedder=False)
    >>> [(e.name, e.value) for e in library.search("培训人次", mode="keyword")]
    [('培训人次', '≥400人次'), ('培训人数', '≥100人次')]
    >>> library.distribution("培训人次").numbers
    (400.0, 100.0)
"""

from __future__ import annotations

import logging
import math
import statistics
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import AssistantError, InputError
from ..records.schema import Project
from ..text.similarity import MATCH_THRESHOLD, dice, normalise_name
from .suggest.corpus import Corpus, Row
from .suggest.ranges import normalise_unit, numeric_values

log = logging.getLogger(__name__)

SearchMode = Literal["hybrid", "keyword", "semantic"]
MODES: tuple[SearchMode, ...] = ("hybrid", "keyword", "semantic")
MAX_QUERY = 200
MAX_LIMIT = 1000
#: Cosine similarity a semantic hit needs to count as related (see :meth:`IndicatorLibrary.search`).
SEMANTIC_MIN = 0.55


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """One past indicator with its project's provenance; ``score`` is the retrieval score (0 when listed)."""

    level1: str
    level2: str
    name: str
    value: str
    project: str
    department: str | None
    year: int | None
    source: str
    location: str
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class Facets:
    """Filter choices with their indicator counts, most frequent first (years newest first)."""

    level2: tuple[tuple[str, int], ...]
    departments: tuple[tuple[str, int], ...]
    years: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class ValueDistribution:
    """The past values of one indicator: numbers in the dominant unit, and the rest counted.

    ``numbers`` holds one number per row written in ``unit`` (the threshold; a range counts as its
    midpoint). ``other_units`` counts rows with a number in another unit, ``qualitative`` the rows
    whose value has no usable number (完成, 2023年12月底前, or a garbled ≥9595%) by value text.
    """

    query: str
    indicator: str
    level2: str
    unit: str | None
    numbers: tuple[float, ...]
    entries: tuple[LibraryEntry, ...]
    other_units: tuple[tuple[str, int], ...] = ()
    qualitative: tuple[tuple[str, int], ...] = ()

    def stats(self) -> dict[str, float | int | None]:
        """count, min, 25th percentile, median, 75th percentile, max of :attr:`numbers`."""
        values = sorted(self.numbers)
        if not values:
            return {"count": 0, "min": None, "p25": None, "median": None, "p75": None, "max": None}
        quartiles = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else values * 3
        return {
            "count": len(values),
            "min": values[0],
            "p25": quartiles[0],
            "median": statistics.median(values),
            "p75": quartiles[2],
            "max": values[-1],
        }

    def histogram(self, bins: int = 10) -> list[tuple[float, float, int]]:
        """(low, high, count) bins over :attr:`numbers`; one bin per distinct value when there are few.

        Example:
            >>> ValueDistribution("q", "q", "", "%", (90.0, 95.0, 95.0), ()).histogram()
            [(90.0, 90.0, 1), (95.0, 95.0, 2)]
        """
        if not self.numbers:
            return []
        counts = Counter(self.numbers)
        if len(counts) <= bins:
            return [(v, v, counts[v]) for v in sorted(counts)]
        low, high = min(self.numbers), max(self.numbers)
        width = (high - low) / bins
        tally = [0] * bins
        for v in self.numbers:
            tally[min(int((v - low) / width), bins - 1)] += 1
        return [(low + i * width, low + (i + 1) * width, tally[i]) for i in range(bins)]


class IndicatorLibrary:
    """Search and value statistics over the past indicators of a store.

    Args:
        store: a :class:`~assistant.store.database.Store`, a store folder, or ``None`` for the
            default store (ignored when ``projects`` or ``corpus`` is given).
        embedder: an :class:`~assistant.embedding.Embedder` for semantic search; ``None`` loads the
            default one on first semantic search; ``False`` disables it (keyword search only).
        projects: search these projects instead of a store (tests, notebooks).
        corpus: a ready :class:`Corpus` snapshot (shared with a suggester).
    """

    def __init__(
        self,
        store: Any = None,
        embedder: Any = None,
        *,
        projects: Sequence[Project] | None = None,
        corpus: Corpus | None = None,
    ):
        self._store_arg = store
        self._embedder_arg = embedder
        self._fixed = corpus if corpus is not None else (Corpus(projects) if projects is not None else None)
        self._lock = threading.Lock()
        self._store: Any = None
        self._embedder: Any = None
        self._retrievers: dict[str, tuple[Corpus, Any]] = {}

    # ------------------------------------------------------------------ lazy parts
    @property
    def store(self) -> Any:
        if self._store is None:
            from ..store.database import as_store

            self._store = as_store(self._store_arg)
        return self._store

    def corpus(self) -> Corpus:
        """The snapshot searched (the suggest engine's, rebuilt when the store changes)."""
        if self._fixed is not None:
            return self._fixed
        from .suggest.suggester import corpus_for

        return corpus_for(self.store)

    @property
    def semantic_available(self) -> bool:
        """Whether semantic search can run (an embedder was given or the default one loads)."""
        return self._load_embedder() is not None

    def _load_embedder(self) -> Any:
        if self._embedder_arg is False:
            return None
        if self._embedder is None:
            if self._embedder_arg is not None:
                self._embedder = self._embedder_arg
            else:
                try:
                    from ..embedding import load_embedder

                    self._embedder = load_embedder()
                except (ImportError, AssistantError) as error:  # no model built: keyword search only
                    log.warning("语义检索不可用（%s），改用关键词检索", error)
                    self._embedder_arg = False
                    return None
        return self._embedder

    def _retriever(self, corpus: Corpus, mode: SearchMode) -> Any:
        """The suggest engine's retriever for this mode: the store's persisted indexes (jieba BM25,
        FAISS, their fusion) over a store, in-memory equivalents over a list of projects."""
        from .suggest.suggester import build_retriever

        embedder = self._load_embedder() if mode != "keyword" else None
        if embedder is None:
            mode = "keyword"
        store = self.store if self._fixed is None else None
        with self._lock:
            for key in [k for k, (c, _) in self._retrievers.items() if c is not corpus]:
                del self._retrievers[key]
            found = self._retrievers.get(mode)
            if found is None:
                engine_mode = {"keyword": "bm25", "semantic": "dense", "hybrid": "hybrid"}[mode]
                found = (corpus, build_retriever(corpus, engine_mode, embedder, store))  # type: ignore[arg-type]
                self._retrievers[mode] = found
            return found[1]

    def warm_up(self, mode: SearchMode = "hybrid") -> IndicatorLibrary:
        """Load the corpus, the embedder and the retriever of ``mode`` now (the app calls this at start)."""
        self._retriever(self.corpus(), mode)
        return self

    # ------------------------------------------------------------------ public API
    def facets(self) -> Facets:
        """The 二级 slots, departments and years present (for filter menus)."""
        corpus = self.corpus()
        slots: Counter[str] = Counter()
        departments: Counter[str] = Counter()
        years: Counter[int] = Counter()
        for row in corpus.rows:
            project = corpus.projects[row.project]
            slots[row.level2] += 1
            if project.department:
                departments[project.department] += 1
            if project.year:
                years[project.year] += 1
        return Facets(
            level2=tuple(slots.most_common()),
            departments=tuple(departments.most_common()),
            years=tuple(sorted(years.items(), reverse=True)),
        )

    def search(
        self,
        query: str = "",
        *,
        mode: SearchMode = "hybrid",
        level1: str | None = None,
        level2: str | None = None,
        department: str | None = None,
        year: int | None = None,
        limit: int = 50,
        min_similarity: float = SEMANTIC_MIN,
    ) -> list[LibraryEntry]:
        """Past indicators similar to ``query`` (all of them, newest first, when it is empty).

        Relevance cut-off: a semantic hit counts only with cosine similarity ≥ ``min_similarity``
        (unrelated topics score ≈ 0.3–0.45 with the default model, related ones ≥ 0.6); in
        ``hybrid`` a row also counts when it shares a keyword with the query. So a query about a
        topic the corpus does not hold (供水 in a party-building corpus) returns nothing rather
        than the 100 least-unrelated rows.

        Keyword hits of the literal query (in the name or value) that the retriever ranked low are
        appended after the ranked hits, so a search for an exact phrase never misses it.
        ``semantic`` and ``hybrid`` fall back to keyword search when no embedder is available
        (:attr:`semantic_available`).

        Raises:
            InputError: an unknown mode, a too long query or a limit outside 1–1000.
        """
        query = (query or "").strip()
        if mode not in MODES:
            raise InputError(f"未知的检索方式 {mode!r}；可选：{'、'.join(MODES)}")
        if len(query) > MAX_QUERY:
            raise InputError(f"检索词过长：{len(query)} 字，上限 {MAX_QUERY} 字；请只写指标名称或关键词")
        if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise InputError(f"返回条数无效：{limit!r}；需要 1–{MAX_LIMIT} 之间的整数")
        corpus = self.corpus()
        keep = _filter(corpus, level1=level1, level2=level2, department=department, year=year)
        if not query:
            chosen = sorted(keep, key=lambda r: (-(corpus.projects[corpus.rows[r].project].year or 0), r))
            return [_entry(corpus, r) for r in chosen[:limit]]
        retriever = self._retriever(corpus, mode)
        k = min(len(corpus.rows), max(200, 20 * limit)) if corpus.rows else 0
        ranked: dict[int, float] = {}
        for row_id, score in retriever.indicators(query, k) if k else []:
            if row_id in keep and row_id not in ranked:
                ranked[row_id] = float(score)
        if mode != "keyword" and k and self.semantic_available:
            ranked = self._relevant(corpus, mode, query, k, ranked, min_similarity)
        literal = normalise_name(query)
        if literal and len(ranked) < limit:
            for row_id in sorted(keep):
                row = corpus.rows[row_id]
                if row_id not in ranked and (literal in normalise_name(row.name) or query in row.value):
                    ranked[row_id] = 0.0
                    if len(ranked) >= limit:
                        break
        return [_entry(corpus, r, s) for r, s in list(ranked.items())[:limit]]

    def _relevant(
        self, corpus: Corpus, mode: SearchMode, query: str, k: int, ranked: dict[int, float], floor: float
    ) -> dict[int, float]:
        """``ranked`` without the rows that are neither semantically close nor a keyword hit."""
        close = {
            row_id
            for row_id, score in self._retriever(corpus, "semantic").indicators(query, k)
            if float(score) >= floor
        }
        if mode == "hybrid":
            close |= {
                row_id
                for row_id, score in self._retriever(corpus, "keyword").indicators(query, k)
                if float(score) > 0
            }
        return {row_id: score for row_id, score in ranked.items() if row_id in close}

    def distribution(
        self,
        indicator: str,
        *,
        level2: str | None = None,
        department: str | None = None,
        year: int | None = None,
        mode: SearchMode = "keyword",
    ) -> ValueDistribution:
        """Every past row of ``indicator`` with the numbers for a histogram.

        The rows are those of the name template of rows with exactly this (normalised) name — else
        of the best search hit — plus every row whose name is the same indicator by the evaluation's
        rule (character-bigram Dice ≥ 0.5, :mod:`~assistant.text.similarity`); filters narrow the rows. An indicator that matches nothing gives an empty distribution.

        Raises:
            InputError: an empty or too long indicator name.
        """
        name = (indicator or "").strip()
        if not name:
            raise InputError("指标名称为空：请输入要查看历史取值的三级指标名称，如“培训人次”")
        if len(name) > MAX_QUERY:
            raise InputError(f"指标名称过长：{len(name)} 字，上限 {MAX_QUERY} 字")
        corpus = self.corpus()
        keep = _filter(corpus, level2=level2, department=department, year=year)
        key = normalise_name(name)
        templates = {corpus.rows[r].template for r in keep if normalise_name(corpus.rows[r].name) == key}
        if not templates:
            hits = self.search(name, mode=mode, level2=level2, department=department, year=year, limit=1)
            if hits:
                first = next(
                    r
                    for r in keep
                    if corpus.rows[r].name == hits[0].name and corpus.rows[r].level2 == hits[0].level2
                )
                templates = {corpus.rows[first].template}
        similar = {r for r in keep if dice(corpus.rows[r].name, name) >= MATCH_THRESHOLD}
        rows = sorted({r for t in templates for r in corpus.templates[t].rows if r in keep} | similar)
        if not rows:
            return ValueDistribution(name, name, level2 or "", None, (), ())
        picked = [corpus.rows[r] for r in rows]
        names = Counter(row.name for row in picked)
        slots = Counter(row.level2 for row in picked)
        numeric = [bool(numeric_values([row.parsed])) for row in picked]
        units = Counter(
            normalise_unit(row.parsed.unit) or "" for row, n in zip(picked, numeric, strict=True) if n
        )
        unit = next((u for u, _ in units.most_common() if u), None)
        numbers: list[float] = []
        other: Counter[str] = Counter()
        qualitative: Counter[str] = Counter()
        for row, is_number in zip(picked, numeric, strict=True):
            parsed = row.parsed
            if is_number and (normalise_unit(parsed.unit) or None) == unit:
                numbers.append(_number_of(parsed.low, parsed.high))
            elif is_number:
                other[normalise_unit(parsed.unit) or "无单位"] += 1
            else:
                qualitative[row.value or "（空）"] += 1
        return ValueDistribution(
            query=name,
            indicator=names.most_common(1)[0][0],
            level2=slots.most_common(1)[0][0],
            unit=unit,
            numbers=tuple(numbers),
            entries=tuple(_entry(corpus, r) for r in rows),
            other_units=tuple(other.most_common()),
            qualitative=tuple(qualitative.most_common()),
        )


def _number_of(low: float | None, high: float | None) -> float:
    """The number a row contributes: its threshold, or a range's midpoint."""
    assert low is not None
    if high is None or not math.isfinite(high):
        return float(low)
    return (float(low) + float(high)) / 2.0


def _filter(
    corpus: Corpus,
    *,
    level1: str | None = None,
    level2: str | None = None,
    department: str | None = None,
    year: int | None = None,
) -> set[int]:
    """Row ids passing the filters (department: case-insensitive substring; others: exact)."""
    dept = (department or "").strip().lower()
    out: set[int] = set()
    for row_id, row in enumerate(corpus.rows):
        if level1 and row.level1 != level1:
            continue
        if level2 and row.level2 != level2:
            continue
        project = corpus.projects[row.project]
        if dept and dept not in (project.department or "").lower():
            continue
        if year is not None and project.year != year:
            continue
        out.add(row_id)
    return out


def _entry(corpus: Corpus, row_id: int, score: float = 0.0) -> LibraryEntry:
    row: Row = corpus.rows[row_id]
    project = corpus.projects[row.project]
    indicator = project.indicators[row.position]
    return LibraryEntry(
        level1=row.level1,
        level2=row.level2,
        name=row.name,
        value=row.value,
        project=project.name,
        department=project.department,
        year=project.year,
        source=project.source,
        location=indicator.location,
        score=score,
    )
