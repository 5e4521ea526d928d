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


def _top(scores: np.ndarray, k: int) -> list[Hit]:
    k = min(k, len(scores))
    if k <= 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k]
    order = part[np.lexsort((part, -scores[part]))]
    return [(int(i), float(scores[i])) for i in order if scores[i] > 0]


class BigramBM25Retriever:
    """BM25 over character bigrams of project texts and indicator names: the store's bm25s index
    (:class:`assistant.store.bm25.BM25Retriever`) with the :class:`~assistant.text.bigrams.BigramTokenizer`
    injected, built in memory over a corpus snapshot (k1 = 1.2, b = 0.75)."""

    name = "bm25"

    def __init__(self, corpus: Corpus):
        from assistant.store.bm25 import BM25Retriever
        from assistant.text.bigrams import BigramTokenizer

        tokenizer = BigramTokenizer()
        self.corpus = corpus
        texts = [corpus.project_text(i) for i in range(len(corpus))]
        self._projects = BM25Retriever.build([str(i) for i in range(len(texts))], texts, tokenizer, k1=1.2)  # type: ignore[arg-type]
        names, self._row_of_name = _unique_names(corpus)
        self._names = BM25Retriever.build([str(i) for i in range(len(names))], names, tokenizer, k1=1.2)  # type: ignore[arg-type]

    def projects(self, query: str, k: int) -> list[Hit]:
        return [(int(doc), score) for doc, score in self._projects.search(query, k)]

    def indicators(self, query: str, k: int) -> list[Hit]:
        hits = [(int(doc), score) for doc, score in self._names.search(query, k)]
        return _expand_names(hits, self._row_of_name, k)


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
        self._recent: dict[str, np.ndarray] = {}
        texts = [corpus.project_text(i) for i in range(len(corpus))]
        self._project_vectors = _encode(embedder, texts, batch_size)
        names, self._row_of_name = _unique_names(corpus)
        self._name_vectors = _encode(embedder, names, batch_size)

    def _query(self, query: str) -> np.ndarray:
        """The query's vector; the last few are kept (projects and indicators share one query)."""
        vector = self._recent.get(query)
        if vector is None:
            vector = _encode(self.embedder, [query], 1)[0]
            if len(self._recent) >= 8:
                self._recent.pop(next(iter(self._recent)))
            self._recent[query] = vector
        return vector

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

    def __init__(self, first: Retriever, second: Retriever, constant: int = 60, second_weight: float = 1.0):
        self.first, self.second, self.constant = first, second, constant
        self.weights = (1.0, second_weight)

    def projects(self, query: str, k: int) -> list[Hit]:
        lists = [self.first.projects(query, 2 * k), self.second.projects(query, 2 * k)]
        return fuse(lists, k, self.constant, self.weights)

    def indicators(self, query: str, k: int) -> list[Hit]:
        lists = [self.first.indicators(query, 2 * k), self.second.indicators(query, 2 * k)]
        return fuse(lists, k, self.constant, self.weights)


def fuse(
    lists: Sequence[list[Hit]], k: int, constant: int = 60, weights: Sequence[float] | None = None
) -> list[Hit]:
    """(Weighted) reciprocal-rank fusion, ties broken by id.

    Example:
        >>> fuse([[(1, 9.0), (2, 5.0)], [(2, 0.9), (3, 0.8)]], 3)[0][0]
        2
    """
    scores: dict[int, float] = {}
    for i, hits in enumerate(lists):
        weight = 1.0 if weights is None else weights[i]
        for rank, (item, _) in enumerate(hits):
            scores[item] = scores.get(item, 0.0) + weight / (constant + rank + 1)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[:k]


def rank_weight(rank: int) -> float:
    """The weight of the neighbour at ``rank`` (0-based): 1/√(1+rank), scale-free across retrievers."""
    return 1.0 / math.sqrt(1.0 + rank)


class IndexSetRetriever:
    """The store's persisted indexes (:class:`assistant.store.indexes.IndexSet`: jieba BM25, FAISS,
    reciprocal-rank fusion) mapped onto a :class:`Corpus` of the same projects."""

    def __init__(self, corpus: Corpus, index_set: object, mode: str = "hybrid"):
        self.corpus = corpus
        self.index_set = index_set
        self.mode = mode
        self.name = f"store-{mode}"
        self._project_of: dict[str, list[int]] = {}
        for i, project in enumerate(corpus.projects):
            self._project_of.setdefault(project.id, []).append(i)
        self._row_of: dict[tuple[int, int], int] = {
            (row.project, row.position): row_id for row_id, row in enumerate(corpus.rows)
        }

    def projects(self, query: str, k: int) -> list[Hit]:
        hits = self.index_set.search_projects(query, k, mode=self.mode)  # type: ignore[attr-defined]
        out: list[Hit] = []
        for doc_id, score in hits:
            for i in self._project_of.get(doc_id, ()):
                out.append((i, float(score)))
        return out

    def indicators(self, query: str, k: int) -> list[Hit]:
        hits = self.index_set.search_indicators(query, k, mode=self.mode)  # type: ignore[attr-defined]
        out: list[Hit] = []
        for doc_id, score in hits:
            for member in self.index_set.copies(doc_id):  # type: ignore[attr-defined]
                project_id, _, position = member.rpartition(":")
                for p in self._project_of.get(project_id, ()):
                    row = self._row_of.get((p, int(position)))
                    if row is not None:
                        out.append((row, float(score)))
                if len(out) >= 4 * k:
                    return out
        return out


class ProjectList:
    """A minimal read-only "store" over a list of projects, for an in-memory :class:`IndexSet`."""

    def __init__(self, projects: Sequence[object], key: str = "memory"):
        self._projects = list(projects)
        self.state_key = f"{key}:{len(self._projects)}"
        self.directory = None

    def projects(self) -> list[object]:
        return list(self._projects)
