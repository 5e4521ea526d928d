"""One contract for both retrievers (BM25 and dense), with a keyword one-hot fake embedder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.store.bm25 import BM25Retriever
from assistant.store.dense import DenseRetriever
from assistant.text.tokenizer import default_tokenizer

DOC_IDS = ["d0", "d1", "d2", "d3", "d4"]
TEXTS = ["党员培训人次", "路灯维护及时率", "资金拨付及时率", "党员满意度", "路灯资金维护"]


@pytest.fixture(params=["bm25", "dense"])
def kind(request, keyword_embedder):
    """(build(doc_ids, texts), load(directory)) for each retriever under the contract."""
    if request.param == "bm25":
        return (
            lambda ids, texts: BM25Retriever.build(ids, texts, default_tokenizer()),
            lambda directory: BM25Retriever.load(directory, default_tokenizer()),
        )
    return (
        lambda ids, texts: DenseRetriever.build(ids, texts, keyword_embedder()),
        lambda directory: DenseRetriever.load(directory, keyword_embedder()),
    )


def test_only_positive_scores_are_returned(kind) -> None:
    hits = kind[0](DOC_IDS, TEXTS).search("党员培训", 5)
    assert {d for d, _ in hits} == {"d0", "d3"} and all(s > 0 for _, s in hits)


def test_best_match_first_and_scores_descending(kind) -> None:
    retriever = kind[0](DOC_IDS, TEXTS)
    hits = retriever.search("路灯维护", 3)
    assert hits[0][0] in ("d1", "d4") and {d for d, _ in hits[:2]} == {"d1", "d4"}
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(d in DOC_IDS for d, _ in hits) and len(hits) <= 3


def test_k_caps_results_and_zero_or_empty_give_nothing(kind) -> None:
    retriever = kind[0](DOC_IDS, TEXTS)
    assert len(retriever.search("党员", 1)) == 1
    assert retriever.search("党员", 0) == []
    assert retriever.search("", 5) == []
    assert retriever.search("完全无关的话", 5) == []


def test_mask_restricts_results(kind) -> None:
    retriever = kind[0](DOC_IDS, TEXTS)
    mask = np.array([False, False, True, True, False])
    hits = retriever.search("党员培训", 5, mask)
    assert hits and {d for d, _ in hits} <= {"d2", "d3"}
    assert hits[0][0] == "d3"
    assert retriever.search("党员", 5, np.zeros(5, dtype=bool)) == []


def test_empty_index_finds_nothing(kind) -> None:
    assert kind[0]([], []).search("党员", 5) == []


def test_save_and_load_give_the_same_results(kind, tmp_path: Path) -> None:
    retriever = kind[0](DOC_IDS, TEXTS)
    retriever.save(tmp_path)
    loaded = kind[1](tmp_path)
    for query in ("党员培训", "资金拨付", "路灯"):
        before, after = retriever.search(query, 5), loaded.search(query, 5)
        assert [d for d, _ in after] == [d for d, _ in before]
        assert [s for _, s in after] == pytest.approx([s for _, s in before])
    assert loaded.doc_ids == DOC_IDS


def test_mismatched_ids_and_texts_are_refused(kind) -> None:
    with pytest.raises(ValueError):
        kind[0](["a"], ["x", "y"])


def test_dense_hnsw_finds_the_same_neighbours_as_flat(keyword_embedder) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((500, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"v{i}" for i in range(500)]
    flat = DenseRetriever(keyword_embedder(), ids, vectors, kind="flat")
    hnsw = DenseRetriever(keyword_embedder(), ids, vectors, kind="hnsw")
    mask = np.arange(500) % 3 == 0
    for q in vectors[:5]:
        assert [p for p, _ in hnsw.search_vector(q, 5)] == [p for p, _ in flat.search_vector(q, 5)]
        assert [p for p, _ in hnsw.search_vector(q, 5, mask)] == [
            p for p, _ in flat.search_vector(q, 5, mask)
        ]
