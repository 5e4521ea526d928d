"""Hybrid retrieval: reciprocal-rank fusion (RRF) of the keyword (BM25) and dense rankings.

RRF (Cormack et al. 2009) needs no score calibration between BM25's unbounded scores and cosines:

    fused(d) = Σ_r 1 / (c + rank_r(d)),   rank starting at 1, c = 60

A document found by one retriever only still gets its share; ties are broken by first appearance
(keyword list first), so results are reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

RRF_CONSTANT = 60
Hit = tuple[str, float]


class Retriever(Protocol):
    """What both :class:`~assistant.store.bm25.BM25Retriever` and :class:`~assistant.store.dense.DenseRetriever` offer."""

    doc_ids: list[str]

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[Hit]: ...


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[Hit]], k: int, constant: int = RRF_CONSTANT
) -> list[Hit]:
    """Fuse ranked lists of ``(doc_id, score)`` into the ``k`` best ``(doc_id, fused score)``.

    Example:
        >>> reciprocal_rank_fusion([[("a", 9.0), ("b", 5.0)], [("b", 0.9), ("c", 0.8)]], 3)
        [('b', 0.03252247488101534), ('a', 0.01639344262295082), ('c', 0.016129032258064516)]
    """
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, (doc_id, _) in enumerate(ranking, start=1):
            fused[doc_id] = fused.get(doc_id, 0.0) + 1.0 / (constant + rank)
    order = {doc_id: i for i, doc_id in enumerate(fused)}  # first appearance breaks ties
    return sorted(fused.items(), key=lambda item: (-item[1], order[item[0]]))[: max(k, 0)]


class HybridRetriever:
    """RRF over several retrievers, each asked for ``depth`` candidates (default ``max(4k, 50)``)."""

    def __init__(
        self, retrievers: Sequence[Retriever], constant: int = RRF_CONSTANT, depth: int | None = None
    ):
        if not retrievers:
            raise ValueError("HybridRetriever needs at least one retriever")
        self.retrievers = list(retrievers)
        self.constant = constant
        self.depth = depth

    @property
    def doc_ids(self) -> list[str]:
        return self.retrievers[0].doc_ids

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[Hit]:
        if k <= 0:
            return []
        depth = self.depth or max(4 * k, 50)
        return reciprocal_rank_fusion(
            [r.search(query, depth, mask) for r in self.retrievers], k, self.constant
        )
