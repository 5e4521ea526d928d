"""Documents → store: read each file, add its projects in one transaction, report per file.

A file that cannot be read is reported (with the reason) and the others are still ingested; each
file's projects are stored in one transaction, so a crash or kill never leaves a file half-stored.
After a run that changed the store, :func:`refresh_indexes` brings the persisted retrieval indexes
up to date (``assistant ingest`` calls it) so that the first search or suggestion is fast.

Example:
    >>> import tempfile
    >>> from assistant.store.database import Store
    >>> report = ingest_paths([tempfile.mkdtemp() + "/缺失.csv"], Store.open(tempfile.mkdtemp()))
    >>> report.failed[0].error.reason
    '文件或文件夹不存在'
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .documents import LEGACY_SUFFIXES, read_document, supported_suffixes, unsupported_reason
from .documents.library import add_library_file, is_library_file
from .errors import IngestError, IngestWarning, InputError, StoreError
from .records.schema import Project
from .store.database import ProjectOutcome, Store

log = logging.getLogger(__name__)

Reader = Callable[[Path], list[Project]]


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What happened to one file: the projects read and how many were new, or why it failed.

    ``warnings`` are the parts the reader skipped or read under an assumption (one line each);
    ``outcomes`` says per project (in ``projects`` order) whether it was added, skipped, replaced
    a stored version, or was left out as a conflict with one (``conflicts``).
    """

    path: Path
    projects: tuple[Project, ...] = ()
    added: int = 0
    skipped: int = 0
    replaced: int = 0
    error: IngestError | None = None
    warnings: tuple[IngestWarning, ...] = ()
    conflicts: int = 0
    outcomes: tuple[ProjectOutcome, ...] = ()
    library_rows: int = 0  # a library file (指标库): its template or domain rows, added to the store

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def indicator_count(self) -> int:
        return sum(len(p.indicators) for p in self.projects)

    def conflict_message(self) -> str:
        """One line for the projects left out because a different version of them is stored."""
        clashes = [
            (project, result)
            for project, result in zip(self.projects, self.outcomes, strict=False)
            if result.status == "conflict"
        ]
        if not clashes:
            return ""
        project, result = clashes[0]
        source, location = result.previous[0]
        example = f"“{project.name}”（存储中的版本来自 {source} {location}".rstrip() + "）"
        more = f"等 {len(clashes)} 个项目" if len(clashes) > 1 else ""
        return (
            f"{self.path.name}: {example}{more}与存储中的同一项目内容不同，未替换、未导入；"
            "确认要用新版本替换请加 --replace"
        )


@dataclass(frozen=True, slots=True)
class IngestReport:
    """Per-file outcomes of one :func:`ingest_paths` call, in the order the files were read."""

    files: tuple[FileOutcome, ...]

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)

    @property
    def skipped(self) -> int:
        return sum(f.skipped for f in self.files)

    @property
    def replaced(self) -> int:
        return sum(f.replaced for f in self.files)

    @property
    def conflicts(self) -> int:
        return sum(f.conflicts for f in self.files)

    @property
    def failed(self) -> tuple[FileOutcome, ...]:
        return tuple(f for f in self.files if f.error is not None)

    @property
    def projects(self) -> tuple[Project, ...]:
        return tuple(p for f in self.files for p in f.projects)

    @property
    def indicator_count(self) -> int:
        return sum(f.indicator_count for f in self.files)


def _is_candidate(path: Path, suffixes: tuple[str, ...]) -> bool:
    """Files a folder walk picks up: supported types, no hidden files or Office lock files (~$x.xlsx)."""
    name = path.name
    return path.suffix.lower() in suffixes and not name.startswith((".", "~$"))


def collect_files(paths: Iterable[str | Path]) -> list[Path | IngestError]:
    """Expand folders (recursively, sorted) into supported files; keep named files as given.

    A named file of an unsupported type is kept so that reading it reports why; a folder with no
    supported file becomes an :class:`IngestError` in place. Inside a folder, other files are
    skipped silently, except old Office/WPS tables and documents (.xls, .doc …): those are clearly
    meant to be read, so each becomes an :class:`IngestError` saying how to convert it.
    """
    suffixes = supported_suffixes()
    out: list[Path | IngestError] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            out.append(IngestError(str(path), "文件或文件夹不存在"))
        elif path.is_dir():
            found = sorted(
                (
                    p
                    for p in path.rglob("*")
                    if p.is_file() and _is_candidate(p, (*suffixes, *LEGACY_SUFFIXES))
                ),
                key=lambda p: p.as_posix(),
            )
            readable = [p for p in found if p.suffix.lower() in suffixes]
            if not readable:
                allowed = "、".join(suffixes)
                out.append(IngestError(str(path), f"文件夹中没有可导入的文件（支持：{allowed}）"))
            out.extend(
                p if p.suffix.lower() in suffixes else IngestError(str(p), unsupported_reason(p.suffix))
                for p in found
            )
        else:
            out.append(path)
    return out


def _read_with_warnings(
    path: Path, reader: Reader
) -> tuple[list[Project] | IngestError, list[IngestWarning]]:
    """Run a reader, collecting its IngestWarnings; other library warnings only go to the debug log."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", IngestWarning)
        try:
            result: list[Project] | IngestError = _read(path, reader)
        except IngestError as exc:
            result = exc
    kept: list[IngestWarning] = []
    for record in caught:
        if isinstance(record.message, IngestWarning):
            kept.append(record.message)
        else:
            log.debug("%s: %s: %s", path.name, record.category.__name__, record.message)
    return result, kept


def _read(path: Path, reader: Reader) -> list[Project]:
    """Run a reader; an unexpected exception becomes an IngestError (traceback kept for -v)."""
    try:
        return reader(path)
    except IngestError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise IngestError(path.name, f"文件过大或结构过深，无法读取（{type(exc).__name__}）") from exc
    except Exception as exc:  # a reader bug must not stop the other files or lose the store
        log.debug("reader failed on %s", path, exc_info=True)
        detail = str(exc).replace("\n", " ").strip()
        reason = f"无法读取（{type(exc).__name__}{': ' + detail[:200] if detail else ''}）"
        raise IngestError(path.name, reason) from exc


def origin_of(path: Path) -> str:
    """A file's identity in the store: its absolute path (two folders' 表.csv are two files)."""
    try:
        return str(path.resolve())
    except OSError:
        return str(path.absolute())


def ingest_paths(
    paths: Iterable[str | Path],
    store: Store,
    *,
    reader: Reader | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    progress: bool | None = None,
    replace: bool = False,
) -> IngestReport:
    """Read every document under ``paths`` and add its projects to ``store``.

    Args:
        paths: files and folders (folders are walked recursively for supported types).
        store: the destination; each file's projects go in with one transaction.
        reader: ``path -> list[Project]``; ``None`` → :func:`assistant.documents.read_document`.
        on_file: called after each file (printing JSON lines or errors as they happen).
        progress: show a tqdm bar on stderr; ``None`` → only for several files on a terminal.
        replace: let a file's project replace a different stored version of the same project
            (:mod:`assistant.store.database`, identity); otherwise that project is a conflict.

    Raises:
        StoreError: the store cannot be written (the files already stored stay stored).
    """
    from tqdm import tqdm

    read = reader or read_document
    items = collect_files(paths)
    disable: bool | None = (len(items) < 2) if progress is None else not progress
    if progress is None and not disable:
        disable = None  # tqdm's own rule: only when stderr is a terminal
    outcomes: list[FileOutcome] = []
    bar = tqdm(items, desc="导入", unit="文件", file=sys.stderr, disable=disable, leave=False)
    held = store.held_open() if hasattr(store, "held_open") else contextlib.nullcontext()
    try:
        with held:  # one transaction per file; the write-ahead log kept between them
            for item in bar:
                if isinstance(item, IngestError):
                    outcome = FileOutcome(path=Path(item.file), error=item)
                elif is_library_file(item):
                    outcome = _add_library(item, store)
                else:
                    projects, found = _read_with_warnings(item, read)
                    if isinstance(projects, IngestError):
                        outcome = FileOutcome(path=item, error=projects, warnings=tuple(found))
                    else:
                        result = store.add_projects(projects, origin=origin_of(item), replace=replace)
                        outcome = FileOutcome(
                            path=item,
                            projects=tuple(projects),
                            added=result.added,
                            skipped=result.skipped,
                            replaced=result.replaced,
                            warnings=tuple(found),
                            conflicts=result.conflicts,
                            outcomes=result.outcomes,
                        )
                outcomes.append(outcome)
                if on_file is not None:
                    on_file(outcome)
    finally:
        bar.close()
    return IngestReport(files=tuple(outcomes))


def _add_library(path: Path, store: Store) -> FileOutcome:
    """A library file (its header is the library's): checked and kept in ``<store>/library``."""
    try:
        rows = add_library_file(path, store.directory)
    except InputError as error:
        return FileOutcome(path=path, error=IngestError(path.name, str(error).removeprefix(f"{path.name} ")))
    return FileOutcome(path=path, library_rows=rows)


@dataclass(frozen=True, slots=True)
class IndexRefresh:
    """What :func:`refresh_indexes` did: seconds per index (``bm25-projects`` …) or why it stopped.

    ``dense`` is False when the dense indexes were left to be built lazily on first use.
    """

    seconds: dict[str, float]
    dense: bool
    error: str | None = None

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def refresh_indexes(store: Store, *, dense: bool = True) -> IndexRefresh:
    """Bring the store's persisted indexes (``<store>/index/``) up to date after an ingest.

    BM25 over projects and indicators is always refreshed (rebuilt from the snapshot: about a
    second for a few hundred projects, most of it loading jieba). The dense indexes are refreshed
    incrementally (only new texts are embedded) when ``dense`` is true *and* the default model is
    already built and runs on numpy alone, so ingest never imports torch nor builds a model; else
    they stay lazy and are built on the first semantic search. Never raises: an index that cannot
    be written is reported in :attr:`IndexRefresh.error` (the store itself is already committed).
    """
    from .store.indexes import IndexSet
    from .text.bigrams import BigramTokenizer

    embedder = _numpy_default_embedder() if dense else None
    modes: tuple[str, ...] = ("bm25", "dense") if embedder is not None else ("bm25",)
    start = time.perf_counter()
    index_set = None
    try:
        index_set = IndexSet.for_store(store, embedder)  # reads every project: may meet a corrupt one
        index_set.warm_up(modes)  # type: ignore[arg-type]
        # the suggester's character-bigram BM25 (its default retrieval) over the same snapshot
        IndexSet.for_store(store, None, tokenizer=BigramTokenizer()).warm_up(("bm25",))
    except Exception as exc:  # an index is a cache: failing to refresh it must not fail the ingest
        log.debug("index refresh failed for %s", store.directory, exc_info=True)
        detail = str(exc).replace("\n", " ").strip()[:300]
        timings = dict(index_set.timings) if index_set is not None else {}
        return IndexRefresh(timings, embedder is not None, f"{type(exc).__name__}: {detail}")
    timings = dict(index_set.timings) or {"all": time.perf_counter() - start}
    return IndexRefresh(timings, embedder is not None)


def _numpy_default_embedder() -> Any | None:
    """The default embedder if it is already built and static (numpy only), else None."""
    try:
        from .embedding.build import default_model_dir, is_valid_static_model

        if not is_valid_static_model(default_model_dir()):
            return None
        from .embedding import load_embedder
        from .embedding.loader import StaticEmbedder

        embedder = load_embedder()
    except Exception:  # no model, or a broken one: dense stays lazy
        log.debug("default embedder unavailable for the dense index refresh", exc_info=True)
        return None
    return embedder if isinstance(embedder, StaticEmbedder) else None


def open_default_store() -> Store:
    """The default store; built from ``corpus/raw`` the first time (a new user has a corpus at once).

    It lives here, not in the store layer, because building it is an ingest. The build happens in
    a temporary folder renamed into place, so a killed first run leaves no half-built store, and two
    processes racing to build it end up sharing one.

    Raises:
        StoreError: a seed document cannot be read (the corpus would be incomplete).
    """
    from .store.database import SEEDS_DIR, default_store_dir, has_store, seed_paths, staged_store

    directory = default_store_dir()
    if has_store(directory):
        return Store.open(directory)
    seeds = seed_paths()
    if not seeds:
        log.warning("没有找到种子文档 %s；默认存储为空", SEEDS_DIR)
    log.info("首次使用：从 %s 构建默认语料库 %s", SEEDS_DIR, directory)
    with staged_store(directory) as store:
        report = ingest_paths(seeds, store)
        if report.failed:
            first = report.failed[0].error
            raise StoreError(f"默认语料库构建失败（{len(report.failed)} 个种子文档无法读取），例如 {first}")
    return Store.open(directory)


def open_store(directory: str | Path | None) -> Store:
    """The store in ``directory``, or the default one (built on first use) for ``None``."""
    return open_default_store() if directory is None else Store.open(directory)
