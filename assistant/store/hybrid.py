"""Hybrid retrieval: reciprocal-rank fusion (RRF) of the keyword (BM25) and dense rankings.

RRF (Cormack et al. 2009) needs no score calibration between BM25's unbounded scores and cosines:

    fused(d) = Σ_r 1 / (c + rank_r(d)),   rank starting at 1, c = 60

A document found by one retriever only still gets its share; ties are broken by first appearance
(keyword list first), so results are reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence

RRF_CONSTANT = 60
Hit = tuple[str, float]


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
