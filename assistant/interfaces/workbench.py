"""One store with its engines, loaded lazily once per process: what the app and the notebook share.

A :class:`Workbench` holds no logic of its own: it opens the store, builds the suggest engine,
the review engine and the indicator library over it on first use (sharing one embedder), and
reads documents the same way ``assistant ingest`` and ``assistant review`` do. :func:`workbench_for`
returns the shared instance of a store folder, so every Gradio handler and notebook call of one
process reuses one set of models and indexes.

Example:
    >>> bench = workbench_for("corpus/store")                                      # doctest: +SKIP
    >>> [s.level2 for s in bench.suggest(ProjectDraft("党员教育培训经费", budget_wan=12))][:2]  # doctest: +SKIP
    ['数量指标', '质量指标']
"""

from __future__ import annotations

import tempfile
import threading
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import IngestError, IngestWarning, InputError
from ..records.schema import (
    DraftResult,
    Indicator,
    IndicatorReview,
    Project,
    ProjectDraft,
    ProjectReview,
    Suggestion,
)

if TYPE_CHECKING:
    from ..engines.library import IndicatorLibrary
    from ..ingest import FileOutcome, IngestReport
    from ..store.database import Store

PASTED_NAME = "粘贴的表格"
MAX_PASTE_CHARS = 500_000


@dataclass(frozen=True, slots=True)
class ReviewBatch:
    """Reviews of several documents: per project in reading order, plus the files that failed."""

    reviews: tuple[ProjectReview, ...]
    failed: tuple[IngestError, ...] = ()
    warnings: tuple[IngestWarning, ...] = ()


def default_embedder() -> Any:
    """``None`` (load the default embedder lazily) when the embedding layer is installed, else ``False``."""
    try:
        from ..embedding import load_embedder  # noqa: F401
    except ImportError:
        return False
    return None


class Workbench:
    """A store with its suggest engine, review engine and indicator library (each built on first use).

    Args:
        store: a :class:`~assistant.store.database.Store`, a store folder, or ``None`` for the
            default store (``$ASSISTANT_STORE`` or the project's corpus).
        embedder: shared by suggest and library search; ``None`` → the default embedder when the
            embedding layer is installed; ``False`` → keyword retrieval only.
        reviewer: a ready review engine (``None`` → a :class:`Reviewer` over the store,
            configured by :attr:`review_config_path` when that file exists).
        review_config: the review config (TOML) reviewers' decisions are saved to; ``None`` →
            ``review.toml`` in the store folder.
    """

    def __init__(
        self,
        store: Any = None,
        *,
        embedder: Any = None,
        reviewer: Any = None,
        review_config: str | Path | None = None,
    ):
        self._store_arg = store
        self._embedder_arg = embedder
        self._reviewer = reviewer
        self._reviewer_given = reviewer is not None
        self._review_config = Path(review_config) if review_config is not None else None
        self._store: Store | None = None
        self._suggester: Any = None
        self._library: IndicatorLibrary | None = None
        self._lock = threading.RLock()
        self._reviewer_stamp: tuple[int, int] | None = None

    # ------------------------------------------------------------------ engines
    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                from ..ingest import open_default_store
                from ..store.database import as_store

                self._store = open_default_store() if self._store_arg is None else as_store(self._store_arg)
            return self._store

    def _embedder(self) -> Any:
        return default_embedder() if self._embedder_arg is None else self._embedder_arg

    @property
    def suggester(self) -> Any:
        with self._lock:
            if self._suggester is None:
                from ..engines.suggest.suggester import Suggester

                self._suggester = Suggester(
                    store=self.store, embedder=self._embedder(), reviewer=self.reviewer
                )
            return self._suggester

    @property
    def reviewer(self) -> Any:
        """The review engine, configured by :attr:`review_config_path`; rebuilt when that file
        changes (a dismissal saved by another process: the app's review workers, the CLI)."""
        with self._lock:
            if not self._reviewer_given:
                stamp = _config_stamp(self.review_config_path)
                if stamp != self._reviewer_stamp:
                    self._reviewer, self._reviewer_stamp = None, stamp
            if self._reviewer is None:
                from ..engines.review import ReviewConfig, Reviewer

                path = self.review_config_path
                config = ReviewConfig.load(path) if path.is_file() else None
                self._reviewer = Reviewer(config, store=self.store)
            return self._reviewer

    @property
    def review_config_path(self) -> Path:
        """Where reviewers' decisions ([[suppress]] entries) are kept: ``review.toml`` by default."""
        return self._review_config or self.store.directory / "review.toml"

    def dismiss(self, project: str, indicator: str, code: str, justification: str) -> Path:
        """Save a reviewer's dismissal of one flag as a ``[[suppress]]`` entry; the next review applies it.

        Raises:
            InputError: no justification or an unknown code (nothing is written then).
        """
        from ..engines.review.config import Suppression, append_suppression

        path = append_suppression(
            self.review_config_path,
            Suppression(indicator, justification.strip(), project or None, code or None),
        )
        with self._lock:
            if not self._reviewer_given:
                self._reviewer = None  # rebuilt with the new config on the next review
        return path

    @property
    def library(self) -> IndicatorLibrary:
        with self._lock:
            if self._library is None:
                from ..engines.library import IndicatorLibrary

                # None: the default embedder, loaded on the first semantic search; False: keyword only
                self._library = IndicatorLibrary(self.store, embedder=self._embedder())
            return self._library

    def warm_up(self) -> Workbench:
        """Load the corpus, indexes, ranker, reviewer and library now (the app calls this at start)."""
        self.suggester.warm_up()
        self.library.warm_up()
        return self

    # ------------------------------------------------------------------ operations
    def suggest(self, draft: ProjectDraft, k: int | None = None) -> list[Suggestion]:
        """The suggest engine's table for ``draft`` (best first).

        Raises:
            InputError: a bad draft (empty name, negative budget …).
        """
        return self.suggester.suggest(draft, k)

    def draft(self, draft: ProjectDraft, k: int | None = None) -> DraftResult:
        """The suggest engine's table, alternatives, domains, notes and table checks for ``draft``."""
        return self.suggester.draft(draft, k)

    def review_indicator(self, indicator: Indicator, project: Project | None = None) -> IndicatorReview:
        return self.reviewer.review_indicator(indicator, project)

    def review_projects(self, projects: Iterable[Project]) -> list[ProjectReview]:
        return list(self.reviewer.review_projects(projects))

    def review_paths(
        self, paths: Sequence[str | Path], on_file: Callable[[int, int, str], None] | None = None
    ) -> ReviewBatch:
        """Read and review documents; a file that cannot be read is reported and the others reviewed.

        ``on_file(done, total, name)`` is called before each file (progress bars).
        """
        reviews: list[ProjectReview] = []
        failed: list[IngestError] = []
        found: list[IngestWarning] = []
        for number, path in enumerate(paths):
            if on_file is not None:
                on_file(number, len(paths), Path(path).name)
            try:
                projects, caught = read_with_warnings(path)
            except IngestError as error:
                failed.append(error)
                continue
            found.extend(caught)
            reviews.extend(self.review_projects(projects))
        return ReviewBatch(tuple(reviews), tuple(failed), tuple(found))

    def ingest(
        self,
        paths: Sequence[str | Path],
        on_file: Callable[[FileOutcome], None] | None = None,
        *,
        replace: bool = False,
    ) -> IngestReport:
        """Add documents to the store exactly as ``assistant ingest`` does (same validation and report);
        ``replace`` lets a new version of a stored project replace it (``--replace``)."""
        from ..ingest import ingest_paths

        return ingest_paths(paths, self.store, on_file=on_file, progress=False, replace=replace)


def _config_stamp(path: Path) -> tuple[int, int] | None:
    """(modification time, size) of a review config, ``None`` when there is none."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def read_with_warnings(path: str | Path) -> tuple[list[Project], list[IngestWarning]]:
    """:func:`~assistant.documents.read_document` with its IngestWarnings collected, not printed.

    Raises:
        IngestError: the file cannot be read (unexpected reader errors become one too).
    """
    from ..documents import read_document

    path = Path(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", IngestWarning)
        try:
            projects = read_document(path)
        except IngestError:
            raise
        except Exception as error:  # a reader bug must not take the app down
            detail = " ".join(str(error).split())[:200]
            raise IngestError(
                path.name, f"无法读取（{type(error).__name__}{'：' + detail if detail else ''}）"
            ) from error
    return projects, [w.message for w in caught if isinstance(w.message, IngestWarning)]


def read_pasted_table(text: str) -> list[Project]:
    """Projects from a table pasted as text (tab-, comma- or |-separated, with a header row).

    The header needs 三级指标 and 指标值 (or 目标值) columns; 一级指标, 二级指标, 项目名称 are
    optional — the same rule as a CSV given to ``assistant review``. Rows copied from Excel are
    tab-separated, which is what is tried first.

    Raises:
        InputError: empty or too long text.
        IngestError: no header row with the required columns (the message names the columns found).
    """
    text = (text or "").strip("\n\r ")
    if not text.strip():
        raise InputError("粘贴的表格为空：请从 Excel 复制含表头（三级指标、指标值）的表格后粘贴")
    if len(text) > MAX_PASTE_CHARS:
        raise InputError(f"粘贴的内容过长：{len(text)} 字，上限 {MAX_PASTE_CHARS} 字；请改为上传文件")
    suffix = ".tsv" if "\t" in text else ".csv"
    with tempfile.TemporaryDirectory(prefix="assistant-paste-") as folder:
        path = Path(folder) / f"{PASTED_NAME}{suffix}"
        path.write_text(text + "\n", encoding="utf-8")
        projects, _ = read_with_warnings(path)
    return projects


_SHARED: dict[str, Workbench] = {}
_SHARED_LOCK = threading.Lock()


def _key(store_dir: str | Path | None) -> str:
    return str(Path(store_dir).expanduser().resolve()) if store_dir is not None else ""


def install_workbench(bench: Workbench, store_dir: str | Path | None = None) -> Workbench:
    """Make ``bench`` the shared workbench of ``store_dir`` (tests and benchmarks pick its engines)."""
    with _SHARED_LOCK:
        _SHARED[_key(store_dir)] = bench
    return bench


def workbench_for(store_dir: str | Path | None = None) -> Workbench:
    """The process-wide :class:`Workbench` of a store folder (``None``: the default store)."""
    key = _key(store_dir)
    with _SHARED_LOCK:
        bench = _SHARED.get(key)
        if bench is None:
            bench = _SHARED[key] = Workbench(Path(key) if key else None)
        return bench


__all__ = [
    "ReviewBatch",
    "Workbench",
    "install_workbench",
    "read_pasted_table",
    "read_with_warnings",
    "workbench_for",
]
