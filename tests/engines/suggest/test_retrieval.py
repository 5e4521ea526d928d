"""The in-memory retrievers: BM25 (the store's bm25s index with an injected tokenizer) against a
brute-force reference, and the character-bigram retriever over a corpus."""

from __future__ import annotations

import math

import pytest

from assistant.engines.suggest.corpus import Corpus
from assistant.engines.suggest.suggester import build_retriever
from assistant.store.bm25 import BM25Retriever
from assistant.text.bigrams import BigramTokenizer

from .fakes import training_projects


class CharTokenizer:
    """One token per character (the reference below counts characters)."""

    fingerprint = "chars"

    def cut_for_search(self, text: str) -> list[str]:
        return list(text)


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
    index = BM25Retriever.build(
        [str(i) for i in range(len(docs))], ["".join(d) for d in docs], CharTokenizer(), k1=1.2
    )  # type: ignore[arg-type]
    hits = index.search("ab", 5)
    expected = sorted(
        (
            (i, _reference(list("ab"), d, docs))
            for i, d in enumerate(docs)
            if _reference(list("ab"), d, docs) > 0
        ),
        key=lambda kv: -kv[1],
    )
    assert [int(i) for i, _ in hits] == [i for i, _ in expected]
    # bm25s's lucene variant leaves out the constant (k1 + 1) factor: same ranking, scaled scores
    assert [s * 2.2 for _, s in hits] == pytest.approx([s for _, s in expected], rel=1e-5)
    assert index.search("zz", 3) == []
    assert BM25Retriever.build([], [], CharTokenizer()).search("a", 3) == []  # type: ignore[arg-type]


def test_bigram_retriever_finds_projects_and_rows_by_shared_bigrams():
    corpus = Corpus(training_projects())
    retriever = build_retriever(corpus, "bigram")
    (best, _), *_ = retriever.projects("路灯维护", 3)
    assert corpus.projects[best].name == "路灯维护经费"
    rows = [corpus.rows[r].name for r, _ in retriever.indicators("培训人数", 5)]
    assert rows and all("培训" in name or "人数" in name for name in rows)
    assert BigramTokenizer().cut_for_search("Ａ") == ["a"]
