"""The in-memory retrievers: BM25 scores against a brute-force reference, dense and fusion."""

from __future__ import annotations

import math

import pytest

from assistant.engines.suggest.retrieval import _SparseBM25, fuse


def _reference(
    query: list[str], doc: list[str], docs: list[list[str]], k1: float = 1.2, b: float = 0.75
) -> float:
    n = len(docs)
    avg = sum(len(d) for d in docs) / n
    score = 0.0
    for t in set(query):
        df = sum(t in d for d in docs)
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        tf = doc.count(t)
        if tf:
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(doc) / avg))
    return score


def test_bm25_matches_the_formula():
    docs = [list("aab"), list("bcd"), list("a"), [], list("dddd")]
    index = _SparseBM25(docs)
    hits = index.search(list("ab"), 5)
    expected = sorted(
        (
            (i, _reference(list("ab"), d, docs))
            for i, d in enumerate(docs)
            if _reference(list("ab"), d, docs) > 0
        ),
        key=lambda kv: -kv[1],
    )
    assert [i for i, _ in hits] == [i for i, _ in expected]
    assert [s for _, s in hits] == pytest.approx([s for _, s in expected], rel=1e-5)
    assert index.search(list("zz"), 3) == [] and _SparseBM25([]).search(["a"], 3) == []


def test_weighted_fusion():
    lists = [[(1, 9.0), (2, 5.0)], [(2, 0.9), (3, 0.8)]]
    assert fuse(lists, 3) == [
        (2, pytest.approx(1 / 62 + 1 / 61)),
        (1, pytest.approx(1 / 61)),
        (3, pytest.approx(1 / 62)),
    ]
    assert [i for i, _ in fuse(lists, 3, weights=(1.0, 0.0))] == [1, 2, 3]  # second list muted
