"""Retrieval as the suggester sees it: neighbour projects and indicator rows of a :class:`Corpus`.

There is one retrieval stack, the store's (``assistant/store/{bm25,dense,hybrid,indexes}.py``):
:class:`IndexSetRetriever` maps an :class:`~assistant.store.indexes.IndexSet` — persisted under a
store, or built in memory over a corpus's projects through :class:`ProjectList` — onto the corpus's
project indices and row ids. :func:`assistant.engines.suggest.suggester.build_retriever` chooses the
index (character-bigram BM25, jieba BM25, dense, hybrid).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from .corpus import Corpus

Hit = tuple[int, float]  # (project index or row id, score), best first


class Retriever(Protocol):
    """Ranked project indices and indicator row ids of one :class:`Corpus` for a query text."""

    name: str

    def projects(self, query: str, k: int) -> list[Hit]: ...

    def indicators(self, query: str, k: int) -> list[Hit]: ...


def rank_weight(rank: int) -> float:
    """The weight of the neighbour at ``rank`` (0-based): 1/√(1+rank), scale-free across retrievers."""
    return 1.0 / math.sqrt(1.0 + rank)


class IndexSetRetriever:
    """An :class:`assistant.store.indexes.IndexSet` (BM25 with the jieba or bigram tokenizer, FAISS,
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
