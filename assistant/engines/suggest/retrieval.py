"""Retrieval as the suggester sees it: neighbour projects and indicator rows of a :class:`Corpus`.

The store's own indexes (``assistant/store/{bm25,dense,hybrid}.py``) are used when available
through :class:`IndexSetRetriever`. Two small self-contained retrievers serve the tests, the
evaluation's ablations and the case where the store has no index: :class:`BigramBM25Retriever`
(BM25 over character bigrams, no tokenizer needed) and :class:`EmbeddingRetriever` (inner product
over any :class:`~assistant.embedding.Embedder`, e.g. the keyword one-hot fake of the tests).
:class:`FusionRetriever` fuses any two by reciprocal rank.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from .corpus import Corpus

Hit = tuple[int, float]  # (project index or row id, score), best first


class Retriever(Protocol):
    """Ranked project indices and indicator row ids of one :class:`Corpus` for a query text."""

    name: str

    def projects(self, query: str, k: int) -> list[Hit]: ...

    def indicators(self, query: str, k: int) -> list[Hit]: ...


def _bigram_tokens(text: str) -> list[str]:
    """Character bigrams of the CJK/alphanumeric characters of a text (punctuation dropped)."""
    chars = [c for c in unicodedata.normalize("NFKC", text or "").lower() if c.isalnum()]
    if len(chars) == 1:
        return chars
    return [chars[i] + chars[i + 1] for i in range(len(chars) - 1)]


class _SparseBM25:
    """BM25 (k1=1.2, b=0.75) over a list of token lists, scored with a CSR matrix."""

    def __init__(self, documents: Sequence[list[str]], k1: float = 1.2, b: float = 0.75):
        from scipy.sparse import csr_matrix

        vocabulary: dict[str, int] = {}
        indptr, indices, data = [0], [], []
        lengths = np.zeros(len(documents), dtype=np.float32)
        for d, tokens in enumerate(documents):
            counts: dict[int, int] = {}
            for token in tokens:
                t = vocabulary.setdefault(token, len(vocabulary))
                counts[t] = counts.get(t, 0) + 1
            lengths[d] = len(tokens)
            indices.extend(counts)
            data.extend(counts.values())
            indptr.append(len(indices))
        n = max(len(documents), 1)
        tf = csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
            shape=(len(documents), max(len(vocabulary), 1)),
        )
        df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float32)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg = float(lengths.mean()) if len(lengths) else 1.0
        norm = k1 * (1.0 - b + b * lengths / max(avg, 1e-6))
        rows = np.repeat(np.arange(tf.shape[0]), np.diff(tf.indptr))
        weighted = tf.data * (k1 + 1.0) / (tf.data + norm[rows]) * idf[tf.indices]
        # columns = tokens, for fast query scoring: score = sum over query tokens of column
        self.matrix = csr_matrix((weighted, tf.indices, tf.indptr), shape=tf.shape).tocsc()
        self.vocabulary = vocabulary
        self.size = len(documents)

    def search(self, tokens: list[str], k: int) -> list[Hit]:
        ids = [self.vocabulary[t] for t in dict.fromkeys(tokens) if t in self.vocabulary]
        if not ids or self.size == 0:
            return []
        scores = np.asarray(self.matrix[:, ids].sum(axis=1)).ravel()
        return _top(scores, k)


def _top(scores: np.ndarray, k: int) -> list[Hit]:
    k = min(k, len(scores))
    if k <= 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k]
    order = part[np.lexsort((part, -scores[part]))]
    return [(int(i), float(scores[i])) for i in order if scores[i] > 0]


class BigramBM25Retriever:
    """BM25 over character bigrams of project texts and indicator names."""

    name = "bm25"

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self._projects = _SparseBM25([_bigram_tokens(corpus.project_text(i)) for i in range(len(corpus))])
        names, self._row_of_name = _unique_names(corpus)
        self._names = _SparseBM25([_bigram_tokens(n) for n in names])

    def projects(self, query: str, k: int) -> list[Hit]:
        return self._projects.search(_bigram_tokens(query), k)

    def indicators(self, query: str, k: int) -> list[Hit]:
        return _expand_names(self._names.search(_bigram_tokens(query), k), self._row_of_name, k)


def _unique_names(corpus: Corpus) -> tuple[list[str], list[list[int]]]:
    """Unique indicator names (index once, not once per row) and the rows carrying each."""
    position: dict[str, int] = {}
    rows_of: list[list[int]] = []
    for row_id, row in enumerate(corpus.rows):
        i = position.setdefault(row.name, len(position))
        if i == len(rows_of):
            rows_of.append([])
        rows_of[i].append(row_id)
    return list(position), rows_of


def _expand_names(hits: list[Hit], rows_of: list[list[int]], k: int) -> list[Hit]:
    out: list[Hit] = []
    for name_index, score in hits:
        for row_id in rows_of[name_index]:
            out.append((row_id, score))
            if len(out) >= 4 * k:
                return out
    return out


class EmbeddingRetriever:
    """Exact inner-product search over embeddings of project texts and unique indicator names."""

    name = "dense"

    def __init__(self, corpus: Corpus, embedder: object, batch_size: int = 256):
        self.corpus = corpus
        self.embedder = embedder
        texts = [corpus.project_text(i) for i in range(len(corpus))]
        self._project_vectors = _encode(embedder, texts, batch_size)
        names, self._row_of_name = _unique_names(corpus)
        self._name_vectors = _encode(embedder, names, batch_size)

    def _query(self, query: str) -> np.ndarray:
        return _encode(self.embedder, [query], 1)[0]

    def projects(self, query: str, k: int) -> list[Hit]:
        if not len(self._project_vectors):
            return []
        return _top(self._project_vectors @ self._query(query), k)

    def indicators(self, query: str, k: int) -> list[Hit]:
        if not len(self._name_vectors):
            return []
        hits = _top(self._name_vectors @ self._query(query), k)
        return _expand_names(hits, self._row_of_name, k)


def _encode(embedder: object, texts: list[str], batch_size: int) -> np.ndarray:
    if not texts:
        return np.zeros((0, int(getattr(embedder, "dimension", 1))), dtype=np.float32)
    parts = [embedder.encode(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]  # type: ignore[attr-defined]
    return np.asarray(np.concatenate(parts, axis=0), dtype=np.float32)


class FusionRetriever:
    """Reciprocal-rank fusion of two retrievers (score = Σ 1/(60 + rank))."""

    name = "hybrid"

    def __init__(self, first: Retriever, second: Retriever, constant: int = 60):
        self.first, self.second, self.constant = first, second, constant

    def projects(self, query: str, k: int) -> list[Hit]:
        return fuse(
            [self.first.projects(query, 2 * k), self.second.projects(query, 2 * k)], k, self.constant
        )

    def indicators(self, query: str, k: int) -> list[Hit]:
        return fuse(
            [self.first.indicators(query, 2 * k), self.second.indicators(query, 2 * k)], k, self.constant
        )


def fuse(lists: Sequence[list[Hit]], k: int, constant: int = 60) -> list[Hit]:
    """Reciprocal-rank fusion, ties broken by id.

    Example:
        >>> fuse([[(1, 9.0), (2, 5.0)], [(2, 0.9), (3, 0.8)]], 3)[0][0]
        2
    """
    scores: dict[int, float] = {}
    for hits in lists:
        for rank, (item, _) in enumerate(hits):
            scores[item] = scores.get(item, 0.0) + 1.0 / (constant + rank + 1)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[:k]


def rank_weight(rank: int) -> float:
    """The weight of the neighbour at ``rank`` (0-based): 1/√(1+rank), scale-free across retrievers."""
    return 1.0 / math.sqrt(1.0 + rank)
