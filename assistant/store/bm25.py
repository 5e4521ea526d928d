"""BM25 keyword retrieval (bm25s) over text segmented by our jieba :class:`~assistant.text.tokenizer.Tokenizer`.

bm25s's own tokenizer splits on a Latin word regex, which makes 我爱北京天安门 a single token; we inject
our tokenizer instead (search mode: a long word also yields its dictionary sub-words, so 资金及时拨付率
and 资金发放及时率 share 及时) and hand bm25s token ids. Scoring is bm25s's ``lucene`` variant:

    score(q, d) = Σ_{t ∈ q} idf(t) · tf(t, d) / (tf(t, d) + k1 · (1 − b + b · |d| / avgdl)),
    idf(t) = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))

(each query token counts once per occurrence in the query). The index is a folder of plain files
written by bm25s (``*.npy``, ``vocab.index.json``, ``params.index.json``) plus our ``doc_ids.json``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import StoreError
from ..text.tokenizer import SearchTokenizer

DOC_IDS_FILE = "doc_ids.json"


def _bm25s() -> Any:
    """Import bm25s lazily; its logger sets itself to DEBUG on import, so hand it back to the root's level.

    Without this every index build prints ``assistant: DEBUG: Building index from IDs objects`` on
    the CLI's stderr (the contract allows only error/warning lines there).
    """
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.NOTSET)
    return bm25s


def top_k(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
    """Positions and scores of the ``k`` best entries (score desc, position asc on ties), ``mask`` applied.

    Entries that are masked out or score ``-inf`` are never returned.

    Example:
        >>> top_k(np.array([0.5, 2.0, 2.0, -1.0]), 3)
        [(1, 2.0), (2, 2.0), (0, 0.5)]
    """
    if k <= 0 or scores.size == 0:
        return []
    scores = np.asarray(scores, dtype=np.float64)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    if k < scores.size:
        kth_best = -np.partition(-scores, k - 1)[k - 1]
        candidates = np.flatnonzero(scores >= kth_best)  # keeps every tie at the cut-off
    else:
        candidates = np.arange(scores.size)
    order = candidates[np.lexsort((candidates, -scores[candidates]))][:k]
    return [(int(i), float(scores[i])) for i in order if np.isfinite(scores[i])]


class BM25Retriever:
    """BM25 over a list of ``(doc_id, text)``; ``search`` returns ``[(doc_id, score)]`` best first.

    Example:
        >>> from assistant.text.tokenizer import default_tokenizer
        >>> bm25 = BM25Retriever.build(["a", "b"], ["党员培训人次", "路灯维护及时率"], default_tokenizer())
        >>> [doc for doc, _ in bm25.search("党员培训合格率", 2)]
        ['a']
    """

    def __init__(
        self, tokenizer: SearchTokenizer, doc_ids: list[str], engine: object | None, k1: float, b: float
    ):
        self.tokenizer = tokenizer
        self.doc_ids = doc_ids
        self._engine = engine  # bm25s.BM25, None for an empty corpus
        self.k1, self.b = k1, b

    def __len__(self) -> int:
        return len(self.doc_ids)

    def tokens(self, text: str) -> list[str]:
        """The tokens a text is indexed and queried by."""
        return self.tokenizer.cut_for_search(text)

    @classmethod
    def build(
        cls,
        doc_ids: Sequence[str],
        texts: Sequence[str],
        tokenizer: SearchTokenizer,
        *,
        k1: float = 1.5,
        b: float = 0.75,
    ) -> BM25Retriever:
        """Index ``texts`` (one per ``doc_ids`` entry)."""
        if len(doc_ids) != len(texts):
            raise ValueError(f"{len(doc_ids)} doc ids for {len(texts)} texts")
        retriever = cls(tokenizer, list(doc_ids), None, k1, b)
        if not texts:
            return retriever
        bm25s = _bm25s()
        from bm25s.tokenization import Tokenized

        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(t, len(vocab)) for t in retriever.tokens(text)] for text in texts]
        if not vocab:  # every text empty: nothing can ever match
            return retriever
        engine = bm25s.BM25(k1=k1, b=b, method="lucene")
        engine.index(Tokenized(ids=ids, vocab=vocab), create_empty_token=False, show_progress=False)
        retriever._engine = engine
        return retriever

    def scores(self, query: str) -> np.ndarray:
        """The BM25 score of every document for ``query`` (zeros when no query token is indexed)."""
        if self._engine is None:
            return np.zeros(len(self.doc_ids), dtype=np.float32)
        vocab = self._engine.vocab_dict  # type: ignore[attr-defined]
        ids = [vocab[t] for t in self.tokens(query) if t in vocab]
        if not ids:
            return np.zeros(len(self.doc_ids), dtype=np.float32)
        return np.asarray(self._engine.get_scores_from_ids(ids), dtype=np.float32)  # type: ignore[attr-defined]

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The ``k`` best documents with a positive score (``mask``: allowed documents by position)."""
        scores = self.scores(query)
        return [(self.doc_ids[i], s) for i, s in top_k(scores, k, mask) if s > 0]

    def save(self, directory: Path) -> None:
        """Write the index files into ``directory`` (which must exist)."""
        (directory / DOC_IDS_FILE).write_text(json.dumps(self.doc_ids, ensure_ascii=False), encoding="utf-8")
        if self._engine is not None:
            self._engine.save(str(directory), show_progress=False)  # type: ignore[attr-defined]

    @classmethod
    def load(
        cls, directory: Path, tokenizer: SearchTokenizer, *, k1: float = 1.5, b: float = 0.75
    ) -> BM25Retriever:
        """Read an index written by :meth:`save`.

        Raises:
            StoreError: files missing or unreadable.
        """
        try:
            doc_ids = json.loads((directory / DOC_IDS_FILE).read_text(encoding="utf-8"))
            engine = None
            if (directory / "params.index.json").is_file():
                engine = _bm25s().BM25.load(str(directory), show_progress=False)
        except (OSError, ValueError, KeyError) as error:
            raise StoreError(
                f"BM25 索引 {directory} 无法读取（{error}）；删除该文件夹后会自动重建"
            ) from error
        if engine is not None and int(engine.scores["num_docs"]) != len(doc_ids):
            raise StoreError(
                f"BM25 索引 {directory} 不完整（{engine.scores['num_docs']} 篇 vs {len(doc_ids)} 个编号）；删除该文件夹后会自动重建"
            )
        return cls(tokenizer, list(doc_ids), engine, k1, b)
