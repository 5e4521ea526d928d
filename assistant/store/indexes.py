"""The retrieval indexes of a store: BM25 and dense over projects and over indicators, fused by RRF.

:class:`IndexSet` is what the engines call::

    indexes = IndexSet.for_store(store, embedder)          # cached per store state and model
    indexes.search_projects("社区党员教育培训", k=10)          # [(project id, score)]
    indexes.search_indicators("培训合格率", k=10, level2="质量指标")  # [(indicator doc id, score)]

Documents:

- a project is searched by :func:`project_text` (名称。年度目标); its doc id is :attr:`Project.id`;
- indicators are searched by name. Rows with the same (二级, name) form one entry, so the top k are k
  *different* indicators; an entry's doc id is its first row's :func:`indicator_doc_id`
  (``"<project id>:<row position>"``) and :meth:`IndexSet.copies` lists every row it stands for.
  不适用/empty rows are not indexed.

Persistence: each index is a folder ``<store>/index/<name>/`` of plain files plus ``manifest.json``
(format version, store id and revision, document count, tokenizer fingerprint, model name,
fingerprint and dimension). On load the manifest is checked; a stale or foreign index is rebuilt —
the dense one incrementally (only texts it has no vector for are embedded). Folders are written to
a temporary sibling and swapped in under a lock, so readers never see half an index. A store that
cannot be written gets in-memory indexes (and a warning in the log).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np

from .. import __version__
from ..atomic import swap_in
from ..errors import InputError, StoreError
from ..locking import exclusive_lock
from ..records.schema import Indicator, Project
from ..text.tokenizer import SearchTokenizer, default_tokenizer
from .bm25 import BM25Retriever
from .dense import DenseRetriever, TextEncoder, encode_in_batches
from .hybrid import RRF_CONSTANT, reciprocal_rank_fusion

log = logging.getLogger(__name__)

INDEX_FORMAT = 3  # 2: project ids include the department (Project.id); 3: project texts too
INDEX_DIR = "index"
MANIFEST = "manifest.json"
TEXTS_FILE = "texts.json"
NOT_APPLICABLE = frozenset({"", "不适用", "无", "/", "-", "—", "－"})

CorpusName = Literal["projects", "indicators"]
Mode = Literal["hybrid", "bm25", "dense"]
Hit = tuple[str, float]
R = TypeVar("R", BM25Retriever, DenseRetriever)


def _bm25_folder(tokenizer: Any, corpus: str) -> str:
    """``bm25-<corpus>`` for the jieba tokenizer, ``bm25-<name>-<corpus>`` for another one (the
    character-bigram tokenizer of the suggester), so the two indexes of a store never share a folder."""
    name = getattr(tokenizer, "name", "")
    return f"bm25-{name}-{corpus}" if name else f"bm25-{corpus}"


def project_text(project: Project) -> str:
    """The text a project is searched by: ``名称。年度目标。部门`` (the parts it has). The department
    finds a new project's sister projects (the suggester's measured best: LOPO R@10 0.425 vs 0.413).

    Example:
        >>> project_text(Project(name="党员培训", goal="培训党员100人次", department="区委组织部"))
        '党员培训。培训党员100人次。区委组织部'
    """
    return "。".join(x for x in (project.name, project.goal, project.department) if x)


def indicator_doc_id(project_id: str, position: int) -> str:
    """The doc id of row ``position`` (0-based, document order) of project ``project_id``."""
    return f"{project_id}:{position}"


@dataclass(frozen=True)
class Documents:
    """What one corpus indexes: retrievable entries, their texts, slots and the rows they stand for."""

    doc_ids: list[str]
    texts: list[str]
    level2: np.ndarray  # str per entry ("" for projects)
    members: list[tuple[str, ...]]


def project_documents(projects: Sequence[Project], ids: Sequence[str] | None = None) -> Documents:
    """One entry per project (``ids``: the projects' ids when already computed — hashing is not free)."""
    ids = list(ids) if ids is not None else [p.id for p in projects]
    return Documents(
        ids, [project_text(p) for p in projects], np.array([""] * len(ids), dtype=object), [(i,) for i in ids]
    )


def indicator_documents(projects: Sequence[Project], ids: Sequence[str] | None = None) -> Documents:
    """One entry per distinct (二级, name), in first-seen order; 不适用/empty names left out."""
    ids = list(ids) if ids is not None else [p.id for p in projects]
    entry_of: dict[tuple[str, str], int] = {}
    members: list[list[str]] = []
    for project, project_id in zip(projects, ids, strict=True):
        for position, indicator in enumerate(project.indicators):
            name = indicator.name.strip()
            if name in NOT_APPLICABLE:
                continue
            key = (indicator.level2, name)
            entry = entry_of.setdefault(key, len(entry_of))
            if entry == len(members):
                members.append([])
            members[entry].append(indicator_doc_id(project_id, position))
    keys = list(entry_of)
    return Documents(
        doc_ids=[m[0] for m in members],
        texts=[name for _, name in keys],
        level2=np.array([level2 for level2, _ in keys], dtype=object),
        members=[tuple(m) for m in members],
    )


def _slug(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]+", "-", name.replace("/", "--")).strip("-")[:80] or "model"


def _write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    (directory / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def read_manifest(directory: Path) -> dict[str, Any] | None:
    """An index folder's manifest, or None when it is missing or unreadable (the index is rebuilt)."""
    try:
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def manifest_mismatch(found: dict[str, Any] | None, expected: dict[str, Any]) -> str | None:
    """Why a saved index cannot be used (the first differing field), or None when it matches.

    Example:
        >>> manifest_mismatch({"format": 1, "store_key": "a:1"}, {"format": 1, "store_key": "a:2"})
        "store_key: saved 'a:1', expected 'a:2'"
    """
    if found is None:
        return "no manifest"
    for key, value in expected.items():
        if found.get(key) != value:
            return f"{key}: saved {found.get(key)!r}, expected {value!r}"
    return None


class IndexSet:
    """BM25 + dense indexes over one store snapshot, built lazily and persisted under ``<store>/index/``.

    Args:
        store: an :class:`~assistant.store.Store` (or anything with ``directory``, ``state_key`` and
            ``projects()``).
        embedder: an ``Embedder`` (``encode``, ``dimension``, ``name``, ``fingerprint``); None means
            keyword search only (``hybrid`` then equals ``bm25``, ``dense`` raises InputError).
        tokenizer: the jieba component (default :func:`default_tokenizer`).
        persist: save indexes in the store (False: in memory only).
    """

    def __init__(
        self,
        store: Any,
        embedder: TextEncoder | None = None,
        *,
        tokenizer: SearchTokenizer | None = None,
        persist: bool = True,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.tokenizer = tokenizer or default_tokenizer()
        self.persist = persist
        self.state_key = str(getattr(store, "state_key", getattr(store, "revision", "")))
        self.projects: list[Project] = list(store.projects())
        self.project_ids = [p.id for p in self.projects]
        self._project_of = dict(zip(self.project_ids, self.projects, strict=True))
        self._documents: dict[CorpusName, Documents] = {}
        self._retrievers: dict[tuple[str, CorpusName], Any] = {}
        self._lock = threading.RLock()
        self.timings: dict[str, float] = {}  # component → seconds spent loading or building
        self._positions: dict[str, int] | None = None

    # ------------------------------------------------------------------ construction
    _CACHE: dict[tuple[str, str, str, str], IndexSet] = {}
    _CACHE_LOCK = threading.Lock()

    @classmethod
    def for_store(
        cls,
        store: Any,
        embedder: TextEncoder | None = None,
        *,
        tokenizer: SearchTokenizer | None = None,
        persist: bool = True,
    ) -> IndexSet:
        """The shared :class:`IndexSet` of ``store``'s current state and this model (one per process)."""
        tokenizer = tokenizer or default_tokenizer()
        model = (
            ""
            if embedder is None
            else str(getattr(embedder, "fingerprint", getattr(embedder, "name", id(embedder))))
        )
        directory = str(getattr(store, "directory", id(store)))
        key = (
            directory,
            str(getattr(store, "state_key", getattr(store, "revision", ""))),
            model,
            tokenizer.fingerprint,
        )
        with cls._CACHE_LOCK:
            found = cls._CACHE.get(key)
            if found is not None:
                return found
        index_set = cls(store, embedder, tokenizer=tokenizer, persist=persist)
        with cls._CACHE_LOCK:
            for stale in [k for k in cls._CACHE if k[0] == directory and k[1] != key[1]]:
                del cls._CACHE[stale]
            return cls._CACHE.setdefault(key, index_set)

    @classmethod
    def clear_cache(cls) -> None:
        with cls._CACHE_LOCK:
            cls._CACHE.clear()

    def warm_up(self, modes: Sequence[Literal["bm25", "dense"]] = ("bm25", "dense")) -> None:
        """Load or build every index now (after ingest, so the first search is fast)."""
        for corpus in ("projects", "indicators"):
            if "bm25" in modes:
                self._bm25(corpus)
            if "dense" in modes and self.embedder is not None:
                self._dense(corpus)

    # ------------------------------------------------------------------ documents
    def documents(self, corpus: CorpusName) -> Documents:
        with self._lock:
            if corpus not in self._documents:
                build = project_documents if corpus == "projects" else indicator_documents
                self._documents[corpus] = build(self.projects, self.project_ids)
            return self._documents[corpus]

    def project(self, doc_id: str) -> Project:
        """The project with this id (a project doc id, or the project part of an indicator doc id)."""
        project = self._project_of.get(doc_id.split(":", 1)[0])
        if project is None:
            raise KeyError(doc_id)
        return project

    def indicator(self, doc_id: str) -> tuple[Project, Indicator]:
        """The project and indicator row of an indicator doc id."""
        project_id, _, position = doc_id.rpartition(":")
        project = self._project_of.get(project_id)
        if project is None or not position.isdigit() or int(position) >= len(project.indicators):
            raise KeyError(doc_id)
        return project, project.indicators[int(position)]

    def copies(self, doc_id: str) -> tuple[str, ...]:
        """Every indicator doc id with the same 二级 slot and name as ``doc_id`` (itself first)."""
        documents = self.documents("indicators")
        with self._lock:
            position = self._entry_positions().get(doc_id)
        if position is None:
            project, indicator = self.indicator(doc_id)  # KeyError for an unknown id
            key = (indicator.level2, indicator.name.strip())
            position = next(
                (
                    i
                    for i, d in enumerate(documents.doc_ids)
                    if (documents.level2[i], documents.texts[i]) == key
                ),
                None,
            )
            if position is None:
                return (doc_id,)
        return documents.members[position]

    def _entry_positions(self) -> dict[str, int]:
        if self._positions is None:
            self._positions = {d: i for i, d in enumerate(self.documents("indicators").doc_ids)}
        return self._positions

    # ------------------------------------------------------------------ search
    def search_projects(self, query: str, k: int = 10, *, mode: Mode = "hybrid") -> list[Hit]:
        """The ``k`` projects most relevant to ``query``: ``[(project id, score)]`` best first.

        Scores are BM25 scores (``bm25``), cosines (``dense``) or RRF scores (``hybrid``).
        """
        return self._search("projects", query, k, None, mode)

    def search_indicators(
        self, query: str, k: int = 10, level2: str | Sequence[str] | None = None, *, mode: Mode = "hybrid"
    ) -> list[Hit]:
        """The ``k`` most relevant distinct indicators, optionally only in the 二级 slot(s) ``level2``.

        Returns ``[(indicator doc id, score)]``; see :meth:`copies` for the rows behind each entry.
        """
        mask = None
        if level2 is not None:
            wanted = {level2} if isinstance(level2, str) else set(level2)
            mask = np.isin(self.documents("indicators").level2, list(wanted))
            if not mask.any():
                return []
        return self._search("indicators", query, k, mask, mode)

    def _search(
        self, corpus: CorpusName, query: str, k: int, mask: np.ndarray | None, mode: Mode
    ) -> list[Hit]:
        if mode not in ("hybrid", "bm25", "dense"):
            raise InputError(f"未知的检索方式 {mode!r}：可选 hybrid、bm25、dense")
        if k <= 0 or not (query or "").strip() or not self.documents(corpus).doc_ids:
            return []
        if mode == "dense" and self.embedder is None:
            raise InputError("dense 检索需要嵌入模型：请提供 embedder，或改用 bm25")
        if mode == "bm25" or self.embedder is None:
            return self._bm25(corpus).search(query, k, mask)
        if mode == "dense":
            return self._dense(corpus).search(query, k, mask)
        depth = max(4 * k, 50)
        rankings = [
            self._bm25(corpus).search(query, depth, mask),
            self._dense(corpus).search(query, depth, mask),
        ]
        return reciprocal_rank_fusion(rankings, k, RRF_CONSTANT)

    # ------------------------------------------------------------------ components
    def _index_root(self) -> Path | None:
        directory = getattr(self.store, "directory", None)
        return Path(directory) / INDEX_DIR if (self.persist and directory is not None) else None

    def _bm25(self, corpus: CorpusName) -> BM25Retriever:
        documents = self.documents(corpus)
        expected = {
            "format": INDEX_FORMAT,
            "kind": "bm25",
            "corpus": corpus,
            "store_key": self.state_key,
            "documents": len(documents.doc_ids),
            "tokenizer_fingerprint": self.tokenizer.fingerprint,
        }
        return self._component(
            ("bm25", corpus),
            _bm25_folder(self.tokenizer, corpus),
            expected,
            load=lambda d: BM25Retriever.load(d, self.tokenizer),
            build=lambda _previous: BM25Retriever.build(documents.doc_ids, documents.texts, self.tokenizer),
        )

    def _dense(self, corpus: CorpusName) -> DenseRetriever:
        embedder = self.embedder
        assert embedder is not None
        documents = self.documents(corpus)
        name = str(getattr(embedder, "name", "model"))
        expected = {
            "format": INDEX_FORMAT,
            "kind": "dense",
            "corpus": corpus,
            "store_key": self.state_key,
            "documents": len(documents.doc_ids),
            "model": name,
            "model_fingerprint": str(getattr(embedder, "fingerprint", name)),
            "dimension": int(embedder.dimension),
        }

        def build(previous: Path | None) -> DenseRetriever:
            vectors = self._reuse_vectors(previous, expected, documents.texts)
            return DenseRetriever(embedder, list(documents.doc_ids), vectors)

        return self._component(
            ("dense", corpus),
            f"dense-{corpus}-{_slug(name)}",
            expected,
            load=lambda d: DenseRetriever.load(d, embedder),
            build=build,
            extra_files={TEXTS_FILE: documents.texts},
        )

    def _reuse_vectors(self, previous: Path | None, expected: dict[str, Any], texts: list[str]) -> np.ndarray:
        """Vectors for ``texts``, taken from a stale index of the same model where possible."""
        assert self.embedder is not None
        known: dict[str, np.ndarray] = {}
        manifest = read_manifest(previous) if previous is not None else None
        same_model = manifest is not None and all(
            manifest.get(key) == expected[key] for key in ("format", "model_fingerprint", "dimension")
        )
        if previous is not None and same_model:
            try:
                old_texts = json.loads((previous / TEXTS_FILE).read_text(encoding="utf-8"))
                old_vectors = np.load(previous / "vectors.npy", allow_pickle=False)
                if len(old_texts) == len(old_vectors):
                    known = dict(zip(old_texts, old_vectors, strict=True))
            except (OSError, ValueError):
                known = {}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        fresh = encode_in_batches(self.embedder, missing)
        known.update(zip(missing, fresh, strict=True))
        log.info(
            "dense index: %d texts, %d embedded, %d reused",
            len(texts),
            len(missing),
            len(texts) - len(missing),
        )
        if not texts:
            return np.zeros((0, int(self.embedder.dimension)), dtype=np.float32)
        return np.stack([known[t] for t in texts]).astype(np.float32)

    def _component(
        self,
        key: tuple[str, CorpusName],
        folder: str,
        expected: dict[str, Any],
        *,
        load: Callable[[Path], R],
        build: Callable[[Path | None], R],
        extra_files: dict[str, Any] | None = None,
    ) -> R:
        with self._lock:
            if key in self._retrievers:
                return self._retrievers[key]
            start = time.perf_counter()
            retriever = self._load_or_build(folder, expected, load, build, extra_files or {})
            self.timings[f"{key[0]}-{key[1]}"] = time.perf_counter() - start
            self._retrievers[key] = retriever
            return retriever

    def _load_or_build(
        self,
        folder: str,
        expected: dict[str, Any],
        load: Callable[[Path], R],
        build: Callable[[Path | None], R],
        extra_files: dict[str, Any],
    ) -> R:
        root = self._index_root()
        if root is None:
            return build(None)
        target = root / folder
        reason = manifest_mismatch(read_manifest(target), expected)
        if reason is None:
            try:
                return load(target)
            except StoreError as error:
                log.warning("%s; rebuilding", error)
        retriever: R | None = None
        try:
            root.mkdir(parents=True, exist_ok=True)
            with exclusive_lock(root / ".lock"):
                reason = manifest_mismatch(
                    read_manifest(target), expected
                )  # another process may have built it
                if reason is None:
                    with contextlib.suppress(StoreError):
                        return load(target)
                log.info("building index %s (%s)", target, reason)
                retriever = build(target if target.exists() else None)
                staging = Path(tempfile.mkdtemp(dir=root, prefix=f".{folder}.tmp-"))
                try:
                    retriever.save(staging)
                    for name, content in extra_files.items():
                        (staging / name).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
                    _write_manifest(
                        staging, {**expected, "created_by": f"perf-target-assistant {__version__}"}
                    )
                    swap_in(staging, target)
                except BaseException:
                    shutil.rmtree(staging, ignore_errors=True)
                    raise
        except OSError as error:
            log.warning(
                "cannot write index %s (%s): using an in-memory index", target, error.strerror or error
            )
            if retriever is None:
                retriever = build(target if target.is_dir() else None)
        return retriever


__all__ = [
    "Documents",
    "IndexSet",
    "indicator_doc_id",
    "indicator_documents",
    "project_documents",
    "project_text",
    "read_manifest",
]
