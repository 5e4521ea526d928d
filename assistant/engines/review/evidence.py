"""Where rewrites take their numbers from: similar indicators of past projects.

:class:`RewriteEvidence` is the protocol the reviewer needs: given an indicator name and its 二级
slot, the most similar past indicators. :class:`ProjectsEvidence` implements it over a plain list of
projects (the store's, usually) with character-bigram overlap on names in the same slot — no
tokenizer, no embedding model, so ``assistant review`` stays light. An adapter over the retrieval
indexes in ``assistant/store`` can implement the same protocol later.

Example:
    >>> from assistant.records.schema import Indicator, Project
    >>> past = Project("党员培训", (Indicator("产出指标", "质量指标", "培训合格率", "≥95%"),))
    >>> ev = ProjectsEvidence([past])
    >>> [(i.value, round(s, 2)) for i, s in ev.similar("党员培训合格率", "质量指标")]
    [('≥95%', 0.8)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ...caching import BoundedCache
from ...records.schema import Indicator, Project
from ...text.normalise import gram_set
from .rules import is_na_text

if TYPE_CHECKING:
    from ...store.database import Store


@runtime_checkable
class RewriteEvidence(Protocol):
    """Past indicators similar to a name, best first, each with a similarity in [0, 1]."""

    def similar(self, name: str, level2: str, k: int = 20) -> Sequence[tuple[Indicator, float]]:
        """Up to ``k`` past indicators of slot ``level2`` ("" = any slot) whose names resemble ``name``."""
        ...


class ProjectsEvidence:
    """:class:`RewriteEvidence` over a list of projects: bigram Dice similarity of names per slot."""

    def __init__(self, projects: Iterable[Project], *, min_similarity: float = 0.4):
        self.min_similarity = min_similarity
        self._indicators: list[Indicator] = []
        self._grams: list[frozenset[str]] = []
        self._postings: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._cache: BoundedCache[tuple[str, str, int], list[tuple[Indicator, float]]] = BoundedCache(100_000)
        for project in projects:
            for indicator in project.indicators:
                if is_na_text(indicator.value) or is_na_text(indicator.name):
                    continue
                grams = gram_set(indicator.name)
                if not grams:
                    continue
                idx = len(self._indicators)
                self._indicators.append(indicator)
                self._grams.append(grams)
                for gram in grams:
                    self._postings[(indicator.level2, gram)].append(idx)
                    self._postings[("", gram)].append(idx)

    @classmethod
    def from_store(cls, store: Store, *, min_similarity: float = 0.4) -> ProjectsEvidence:
        """Evidence over every project of a store (read once)."""
        return cls(store.projects(), min_similarity=min_similarity)

    def __len__(self) -> int:
        return len(self._indicators)

    def similar(self, name: str, level2: str, k: int = 20) -> Sequence[tuple[Indicator, float]]:
        """Past indicators whose names share enough bigrams with ``name`` (Dice ≥ ``min_similarity``)."""
        key = (name, level2, k)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        grams = gram_set(name)
        counts: dict[int, int] = defaultdict(int)
        for gram in grams:
            for idx in self._postings.get((level2, gram), ()):
                counts[idx] += 1
        scored = []
        for idx, overlap in counts.items():
            dice = 2.0 * overlap / (len(grams) + len(self._grams[idx]))
            if dice >= self.min_similarity:
                scored.append((dice, idx))
        scored.sort(key=lambda x: (-x[0], x[1]))
        return self._cache.put(key, [(self._indicators[idx], dice) for dice, idx in scored[:k]])
