"""BM25 scores checked against a hand computation, and the jieba tokens it indexes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from assistant.store.bm25 import BM25Retriever, top_k
from assistant.text.tokenizer import default_tokenizer


class SpaceTokenizer:
    """Whitespace tokens: makes the hand computation independent of jieba."""

    fingerprint = "space"

    def cut_for_search(self, text: str) -> list[str]:
        return text.split()


def lucene(tf: int, df: int, n: int, dl: int, avgdl: float, k1: float = 1.5, b: float = 0.75) -> float:
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    return idf * tf / (tf + k1 * (1 - b + b * dl / avgdl))


def test_scores_match_a_hand_computation() -> None:
    texts = ["a b", "a c c", "d"]
    bm25 = BM25Retriever.build(["x", "y", "z"], texts, SpaceTokenizer())  # type: ignore[arg-type]
    avgdl = (2 + 3 + 1) / 3
    np.testing.assert_allclose(bm25.scores("c"), [0.0, lucene(2, 1, 3, 3, avgdl), 0.0], rtol=1e-5)
    expected_a = [lucene(1, 2, 3, 2, avgdl), lucene(1, 2, 3, 3, avgdl), 0.0]
    np.testing.assert_allclose(bm25.scores("a"), expected_a, rtol=1e-5)
    np.testing.assert_allclose(
        bm25.scores("a c"), np.add(expected_a, [0.0, lucene(2, 1, 3, 3, avgdl), 0.0]), rtol=1e-5
    )
    assert bm25.search("a c", 3) == [
        ("y", pytest.approx(expected_a[1] + lucene(2, 1, 3, 3, avgdl))),
        ("x", pytest.approx(expected_a[0])),
    ]


def test_chinese_is_indexed_by_jieba_words_not_one_token_per_phrase() -> None:
    bm25 = BM25Retriever.build(["p", "q"], ["资金发放及时率", "路灯维护"], default_tokenizer())
    assert [doc for doc, _ in bm25.search("资金及时拨付率", 5)] == ["p"]
    assert "及时" in bm25.tokens("资金发放及时率")


def test_unknown_or_empty_queries_find_nothing() -> None:
    bm25 = BM25Retriever.build(["p"], ["党员培训"], default_tokenizer())
    assert bm25.search("路灯", 5) == []
    assert bm25.search("", 5) == []
    assert BM25Retriever.build([], [], default_tokenizer()).search("党员", 5) == []


def test_top_k_orders_ties_by_position_and_respects_the_mask() -> None:
    scores = np.array([1.0, 3.0, 3.0, 2.0, 3.0])
    assert top_k(scores, 2) == [(1, 3.0), (2, 3.0)]
    assert top_k(scores, 10) == [(1, 3.0), (2, 3.0), (4, 3.0), (3, 2.0), (0, 1.0)]
    mask = np.array([True, False, False, True, False])
    assert top_k(scores, 5, mask) == [(3, 2.0), (0, 1.0)]
    assert top_k(scores, 0) == []
