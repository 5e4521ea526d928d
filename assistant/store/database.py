"""The on-disk store: one SQLite file (``store.sqlite``) plus a ``manifest.json`` in a store folder.

Why SQLite: one file, transactions (a killed ``ingest`` leaves the previous contents readable and
nothing half-written), and concurrent readers for free in WAL mode. The manifest is a plain-text
mirror of the database's ``meta`` table (schema version, versions, revision, counts) so a person or
another tool can see what a store holds without opening the database; it is written atomically
(temp file + :func:`os.replace`) after each commit and repaired on open if a writer died between
its commit and its manifest write. The database is the source of truth.

Tables:
    ``meta``       key/value: ``schema_version``, ``store_id``, ``revision``, ``created_by``, ``created_at``.
    ``projects``   ``seq`` (ingest order, the row key), ``id`` (:attr:`Project.id`, a content hash),
                   every header field, ``source``/``location`` (provenance), ``ingested_at``, and the
                   indicator rows packed as one JSON array (one SQLite row per project loads fast).
    ``parsed_values`` the distinct parsed 指标值 (``kind, comparator, low, high, unit, flags``).
    ``indicators`` a view with one row per indicator: ``project_seq``, ``project_id``, ``position``
                   (row order in the project), every field, the parsed value as columns (``kind,
                   comparator, low, high, unit, flags``), ``location`` — for SQL queries by hand.

Deduplication (so re-ingesting a document adds nothing):
    1. A project whose content id already exists is skipped (same file, same table → same id).
    2. A renamed copy of a stored document (``表 (1).xlsx`` downloaded twice) is skipped too: a
       project whose every field and row (their locations included) equals a stored project's, under
       another file name, adds nothing (the first file stays its provenance). Bare projects (a name
       and nothing else: no rows, code, budget or goal) are not matched this way.
    3. Identity: a project is the *same project* as a stored one when its 项目编码 and 年度 match,
       or, without a code, its origin (the file's path, not its bare name), 项目名称, 主管部门/实施单位
       and 年度 match. A same project with different content (the file was corrected, or a reader
       improved) is a *conflict*: it is not stored, and the caller hears about it, unless the call
       asks to ``replace``; then it replaces the copy stored by an earlier call. Two projects of the
       same call never replace each other, two different projects never do (two folders' 绩效目标表.csv
       with one project name but two departments are two projects), and nothing else is deleted —
       except by :meth:`Store.remove_source`, on request (``assistant remove``).

Example:
    >>> import tempfile
    >>> from assistant.records.schema import Project
    >>> store = Store.open(tempfile.mkdtemp())
    >>> store.add_projects([Project(name="党员培训", source="a.txt")])
    AddResult(added=1, skipped=0, replaced=0, conflicts=0)
    >>> store.add_projects([Project(name="党员培训", source="a.txt")])
    AddResult(added=0, skipped=1, replaced=0, conflicts=0)
    >>> store.project_count(), store.revision
    (1, 1)
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import logging
import math
import os
import shutil
import sqlite3
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .. import __version__
from ..atomic import write_text_atomic
from ..errors import StoreError
from ..locking import exclusive_lock
from ..records.schema import Indicator, ParsedValue, Project

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
DB_NAME = "store.sqlite"
MANIFEST_NAME = "manifest.json"
LOCK_NAME = ".write.lock"
CREATED_BY = f"perf-target-assistant {__version__}"

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = REPO_ROOT / "corpus" / "raw"
BUILTIN_STORE_DIR = REPO_ROOT / "corpus" / "store"

#: How long a revision read from the database is trusted while its files look unchanged (another
#: process's commit that left the files' size and modification time as they were shows after this).
REVISION_RECHECK_S = 1.0
_CHUNK = 500  # projects per insert batch inside the one transaction of add_projects
# The old store is replaced only once the new one is built (staged_store), so this never loses data.
_REBUILD_HINT = (
    "请从原始文档重建：`assistant ingest --rebuild PATH...`（不带 --store 时重建默认语料库；"
    "新存储建好后才替换旧存储，损坏的旧存储另存为“文件夹名.damaged-时间”）"
)

# Indicator rows are stored per project as one JSON array of arrays (``INDICATOR_FIELDS`` order),
# their parsed values once per store in ``parsed_values`` (real tables repeat ≥95%, 100%, 完成 …):
# loading 100k rows this way is about twice as fast as 15 columns × 100k SQLite rows, and the
# ``indicators`` view still gives SQL one row per indicator with the parsed value as columns.
INDICATOR_FIELDS = ("level1", "level2", "name", "value", "explain", "period_value", "location", "parsed_id")
PARSED_FIELDS = ("kind", "comparator", "low", "high", "unit", "flags")

_NAME_INDEX = "CREATE INDEX IF NOT EXISTS projects_name ON projects (name)"  # renamed-copy lookup
_CODE_INDEX = (
    "CREATE INDEX IF NOT EXISTS projects_code ON projects (code) WHERE code IS NOT NULL"  # 项目编码 identity
)

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS projects (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        code TEXT,
        department TEXT,
        year INTEGER,
        budget_wan REAL,
        goal TEXT,
        source TEXT NOT NULL,
        location TEXT NOT NULL,
        ingested_at TEXT NOT NULL,
        indicator_count INTEGER NOT NULL,
        indicators TEXT NOT NULL,
        origin TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS projects_place ON projects (source, location, name)",
    _NAME_INDEX,
    _CODE_INDEX,
    """CREATE TABLE IF NOT EXISTS parsed_values (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        comparator TEXT,
        low REAL,
        high REAL,
        unit TEXT,
        flags TEXT NOT NULL
    )""",
    "CREATE VIEW IF NOT EXISTS indicators AS SELECT p.seq AS project_seq, p.id AS project_id, "
    "CAST(j.key AS INTEGER) AS position, "
    + ", ".join(f"json_extract(j.value, '$[{i}]') AS {name}" for i, name in enumerate(INDICATOR_FIELDS[:-1]))
    + ", "
    + ", ".join(f"v.{name} AS {name}" for name in PARSED_FIELDS)
    + " FROM projects AS p, json_each(p.indicators) AS j"
    + f" JOIN parsed_values AS v ON v.id = json_extract(j.value, '$[{len(INDICATOR_FIELDS) - 1}]')",
)

_PROJECT_COLUMNS = (
    "seq, id, name, code, department, year, budget_wan, goal, source, location, ingested_at, "
    "indicator_count, indicators"
)

Status = Literal["added", "skipped", "replaced", "conflict"]


@dataclass(frozen=True, slots=True)
class ProjectOutcome:
    """What happened to one project of an :meth:`Store.add_projects` call.

    ``previous`` names the stored copies (``(source, location)``) it replaced (``replaced``) or
    would have replaced (``conflict``: not stored, the call did not ask to replace).
    """

    status: Status
    previous: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """One ingested document: its file name and how many projects and indicators it gave."""

    source: str
    projects: int
    indicators: int


@dataclass(frozen=True, slots=True)
class AddResult:
    """What one :meth:`Store.add_projects` call did: new, already present, superseded projects, and
    projects not stored because a different version of the same project is stored (``conflicts``).
    ``outcomes`` has one entry per given project, in order."""

    added: int
    skipped: int
    replaced: int = 0
    conflicts: int = 0
    outcomes: tuple[ProjectOutcome, ...] = field(default=(), compare=False, repr=False)


def default_store_dir() -> Path:
    """``$ASSISTANT_STORE`` if set, else ``<repo>/corpus/store``."""
    env = os.environ.get("ASSISTANT_STORE", "").strip()
    return Path(env).expanduser() if env else BUILTIN_STORE_DIR


def has_store(directory: str | Path) -> bool:
    """Whether ``directory`` already holds a store database."""
    return (Path(directory) / DB_NAME).is_file()


def seed_paths() -> list[Path]:
    """The documents the default store is built from (``<repo>/corpus/raw/*``), sorted."""
    if not SEEDS_DIR.is_dir():
        return []
    return sorted(p for p in SEEDS_DIR.iterdir() if p.is_file() and not p.name.startswith("."))


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never a torn one."""
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


class Store:
    """A folder holding every ingested project and indicator with its provenance.

    Cheap to construct; every operation opens its own short SQLite connection, so one ``Store`` may
    be shared by threads (the Gradio app) and a store folder by processes (readers never block and
    never see half a write). :meth:`projects` is cached per :attr:`revision`.
    """

    def __init__(self, directory: Path, store_id: str) -> None:
        self._directory = directory
        self._store_id = store_id
        self._cache_lock = threading.Lock()
        self._cache: tuple[int, list[Project]] | None = None
        self._revision_seen: tuple[tuple[Any, ...], int, float] | None = None  # (file stamp, revision, when)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, directory: str | Path | None = None, *, create: bool = True) -> Store:
        """Open (or create) the store in ``directory``.

        ``None`` means the default store (``$ASSISTANT_STORE`` or ``<repo>/corpus/store``), which
        must already exist: building it from ``corpus/raw`` belongs to the ingest layer
        (:func:`assistant.ingest.open_default_store`, which the CLI, the app and the notebook call).
        An explicit folder that holds no store yet gets an empty one when ``create`` is true.

        Raises:
            StoreError: missing (``create=False``), not a store, corrupt, or another schema version.
        """
        if directory is None:
            default = default_store_dir()
            if not has_store(default):
                raise StoreError(
                    f"默认语料库 {default} 尚未建立：运行 `assistant store`（或 `make install`）从 corpus/raw 构建"
                )
            return cls.open(default)
        path = Path(directory).expanduser()
        if path.exists() and not path.is_dir():
            raise StoreError(f"存储路径 {path} 不是文件夹；--store 需要一个文件夹")
        if not has_store(path):
            manifest = path / MANIFEST_NAME
            if manifest.is_file():
                raise StoreError(
                    f"存储 {path} 损坏：有 {MANIFEST_NAME} 但缺少 {DB_NAME}{_manifest_summary(path)}；{_REBUILD_HINT}"
                )
            if not create:
                raise StoreError(
                    f"存储 {path} 不存在；先用 `assistant ingest PATH... --store {path}` 导入文档"
                )
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"无法创建存储文件夹 {path}：{exc.strerror or exc}") from exc
        _check_manifest_version(path)
        store_id = _initialise(path)
        store = cls(path, store_id)
        store._repair_manifest()
        return store

    @property
    def directory(self) -> Path:
        """The store folder (``store.sqlite``, ``manifest.json``, and ``index/`` of the retrievers)."""
        return self._directory

    @property
    def store_id(self) -> str:
        """A random id given at creation: with :attr:`revision` it keys caches across rebuilds."""
        return self._store_id

    @property
    def revision(self) -> int:
        """Incremented by every write that changes the contents; indexes key on it.

        Read from the database, then remembered while the database and its write-ahead log keep
        their size and modification time, for at most :data:`REVISION_RECHECK_S`: engines ask for
        it several times per request, and opening a connection each time made concurrent requests
        wait on SQLite's busy handler.
        """
        stamp = self._file_stamp()
        now = time.monotonic()
        with self._cache_lock:
            seen = self._revision_seen
            if seen is not None and seen[0] == stamp and now - seen[2] < REVISION_RECHECK_S:
                return seen[1]
        with self._connect() as con:
            revision = _meta_int(con, "revision")
        with self._cache_lock:
            self._revision_seen = (stamp, revision, now)
        return revision

    def _file_stamp(self) -> tuple[Any, ...]:
        """(inode, size, mtime) of the database and of its write-ahead log: any commit changes one."""
        stamp: list[Any] = []
        for name in (DB_NAME, f"{DB_NAME}-wal"):
            try:
                info = os.stat(self._directory / name)
            except OSError:
                stamp.append(None)
            else:
                stamp.append((info.st_ino, info.st_size, info.st_mtime_ns))
        return (str(self._directory), *stamp)

    @property
    def state_key(self) -> str:
        """``"<store_id>:<revision>"`` — unique even when a store is deleted and rebuilt."""
        return f"{self._store_id}:{self.revision}"

    def __repr__(self) -> str:
        return f"Store({str(self._directory)!r})"

    # ------------------------------------------------------------------ reading
    def project_count(self) -> int:
        with self._connect() as con:
            return int(con.execute("SELECT COUNT(*) FROM projects").fetchone()[0])

    def indicator_count(self) -> int:
        with self._connect() as con:
            return _indicator_total(con)

    def manifest(self) -> dict[str, Any]:
        """The current manifest content (read from the database, the source of truth)."""
        with self._connect() as con:
            con.execute("BEGIN")
            data = _manifest_data(con)
            con.execute("COMMIT")
        return data

    def projects(self) -> list[Project]:
        """Every project with its indicators, in ingest order (rows in document order).

        One consistent snapshot even while another process writes; cached until the revision changes.
        """
        with self._connect() as con:
            con.execute("BEGIN")  # one read snapshot for the revision and both tables
            revision = _meta_int(con, "revision")
            with self._cache_lock:
                if self._cache is not None and self._cache[0] == revision:
                    con.execute("COMMIT")
                    return list(self._cache[1])
            projects = _read_projects(con)
            con.execute("COMMIT")
        with self._cache_lock:
            self._cache = (revision, projects)
        return list(projects)

    # ------------------------------------------------------------------ writing
    @contextlib.contextmanager
    def held_open(self) -> Iterator[Store]:
        """Keep one idle connection for the block, so that SQLite keeps its write-ahead log between
        the block's transactions (each file of an ingest is one): otherwise the close after every
        transaction is the last one, which checkpoints and deletes the log (a quarter of the time
        of storing the songgang workbooks). Holds no lock: readers and writers go on as usual."""
        con: sqlite3.Connection | None = None
        try:
            con = _connect(self._directory / DB_NAME)
            con.execute("SELECT 1 FROM meta LIMIT 1").fetchall()  # opens the log and its index
        except (StoreError, sqlite3.Error):  # the operations inside report the problem themselves
            if con is not None:
                con.close()
            con = None
        try:
            yield self
        finally:
            if con is not None:
                con.close()

    def add_projects(
        self, projects: Iterable[Project], *, origin: str | None = None, replace: bool = False
    ) -> AddResult:
        """Add projects in one transaction: all of them are stored, or (on error/kill) none.

        Duplicates are skipped; a different version of a stored project is a conflict, or replaces
        the stored one when ``replace`` is true (module docstring). ``origin`` is the path of the file
        the projects were read from (part of a code-less project's identity; ``None`` → its source).
        ``projects`` is consumed inside the transaction, so a generator may stream them.

        Raises:
            StoreError: the database cannot be written (disk full, read-only folder …).
        """
        with self._transaction("写入") as con:
            result = _insert_projects(con, projects, origin=origin, replace=replace)
            if result.added or result.replaced:
                revision = _meta_int(con, "revision") + 1
                con.execute("UPDATE meta SET value = ? WHERE key = 'revision'", (str(revision),))
            manifest = _manifest_data(con)
            con.execute("COMMIT")
            self._revision_seen = None
            if result.added or result.replaced:
                self._write_manifest(manifest)
        return result

    def sources(self) -> list[SourceInfo]:
        """Each ingested document (``source``) with its project and indicator counts, in ingest order."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT source, COUNT(*), SUM(indicator_count), MIN(seq) FROM projects GROUP BY source ORDER BY MIN(seq)"
            ).fetchall()
        return [
            SourceInfo(source, int(projects), int(indicators or 0))
            for source, projects, indicators, _ in rows
        ]

    def remove_source(self, source: str) -> SourceInfo:
        """Delete every project read from ``source`` in one transaction: a file name as stored (every
        file of that name), or a file's path as ingested (its ``origin``: that file only, when two
        folders hold files of one name).

        Raises:
            InputError: no project comes from ``source`` (the message lists the stored sources).
            StoreError: the database cannot be written.

        Example:
            >>> import tempfile
            >>> from assistant.records.schema import Project
            >>> store = Store.open(tempfile.mkdtemp())
            >>> _ = store.add_projects([Project(name="党员培训", source="a.txt"), Project(name="慰问", source="b.txt")])
            >>> store.remove_source("a.txt"), [s.source for s in store.sources()], store.revision
            (SourceInfo(source='a.txt', projects=1, indicators=0), ['b.txt'], 2)
        """
        from ..errors import InputError

        with self._transaction("删除") as con:
            _ensure_origin_column(con)  # stores created before project identity used the path
            where = "source = ? OR origin = ?"
            found = con.execute(
                f"SELECT COUNT(*), SUM(indicator_count) FROM projects WHERE {where}", (source, source)
            ).fetchone()
            if not found[0]:
                known = [row[0] for row in con.execute("SELECT DISTINCT source FROM projects")]
                close = [k for k in known if source in k or k in source][:5]
                hint = (
                    f"；是否指：{'、'.join(close)}"
                    if close
                    else f"（共 {len(known)} 个来源，用 --list 查看）"
                )
                raise InputError(f"存储中没有来自“{source}”的项目{hint}")
            con.execute(f"DELETE FROM projects WHERE {where}", (source, source))
            revision = _meta_int(con, "revision") + 1
            con.execute("UPDATE meta SET value = ? WHERE key = 'revision'", (str(revision),))
            manifest = _manifest_data(con)
            con.execute("COMMIT")
            self._revision_seen = None
            self._write_manifest(manifest)
        return SourceInfo(source, int(found[0]), int(found[1] or 0))

    @contextlib.contextmanager
    def _transaction(self, verb: str) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` under the store lock; the block commits. When it raises, the
        transaction is rolled back and a database or file error becomes one :class:`StoreError` saying
        nothing was ``verb``-ed (写入/删除) and the store is as it was."""
        said = f"未{verb}任何项目（事务已回滚，存储保持原样）："
        try:
            with exclusive_lock(self._directory / LOCK_NAME), self._connect() as con:
                con.execute("BEGIN IMMEDIATE")
                try:
                    yield con
                except BaseException:
                    if con.in_transaction:  # SQLite may already have rolled back (I/O error)
                        with contextlib.suppress(sqlite3.Error):
                            con.execute("ROLLBACK")
                    raise
        except StoreError as exc:
            raise StoreError(f"{said}{exc}") from exc
        except sqlite3.Error as exc:
            raise StoreError(f"{said}{describe_database_error(exc, self._directory)}") from exc
        except OSError as exc:
            raise StoreError(f"{said}{describe_os_error(exc, self._directory)}") from exc

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest after a commit; failing to is a warning (the commit stands, and the
        manifest is repaired on the next open), never a write failure."""
        try:
            _write_json_atomic(self._directory / MANIFEST_NAME, manifest)
        except OSError as exc:
            log.warning(
                "项目已提交到存储，但 %s 未能更新（%s）；下次打开存储时会自动修复",
                MANIFEST_NAME,
                describe_os_error(exc, self._directory),
            )

    # ------------------------------------------------------------------ internals
    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection whose database errors become one clear :class:`StoreError` (corrupt page,
        full disk, I/O error) instead of a traceback."""
        con = _connect(self._directory / DB_NAME)
        try:
            yield con
        except sqlite3.Error as exc:
            raise StoreError(describe_database_error(exc, self._directory)) from exc
        finally:
            con.close()

    def _repair_manifest(self) -> None:
        """Rewrite the manifest if a writer died between its commit and its manifest write."""
        path = self._directory / MANIFEST_NAME
        current = self.manifest()
        try:
            on_disk = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            on_disk = None
        if on_disk != current:
            try:
                with exclusive_lock(self._directory / LOCK_NAME):
                    _write_json_atomic(path, self.manifest())
            except OSError as exc:  # a read-only store is still readable
                log.warning("无法更新 %s：%s", path, exc)


# ---------------------------------------------------------------------- database helpers
def _connect(db_path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) that waits for writers."""
    try:
        con = sqlite3.connect(db_path, timeout=60.0, isolation_level=None, check_same_thread=False)
        con.execute("PRAGMA busy_timeout = 60000")
    except sqlite3.Error as exc:
        raise StoreError(f"无法打开存储 {db_path.parent}：{exc}") from exc
    return con


def _meta_int(con: sqlite3.Connection, key: str) -> int:
    row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else 0


def _check_manifest_version(directory: Path) -> None:
    path = directory / MANIFEST_NAME
    if not path.is_file():
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # a torn or unreadable manifest is repaired from the database
    version = data.get("schema_version") if isinstance(data, dict) else None
    if version is not None and version != SCHEMA_VERSION:
        raise StoreError(
            f"存储 {directory} 的格式版本为 {version}（由 {data.get('created_by', '未知版本')} 创建），"
            f"本程序需要版本 {SCHEMA_VERSION}；{_REBUILD_HINT}"
        )


def _initialise(directory: Path) -> str:
    """Create the schema if the database is new; check its version; return the store id.

    An existing database file without the store's tables (zero bytes, or overwritten) is never
    re-initialised: that would destroy what is left and overwrite the manifest, the only record
    of what the store held. It is refused with the manifest's counts and how to rebuild.
    """
    db_path = directory / DB_NAME
    try:
        if not db_path.exists() or not _has_meta(db_path):
            with exclusive_lock(directory / LOCK_NAME):  # one creator; others wait, then re-check
                if not db_path.exists() or _unused(directory):
                    _create_schema(directory)
                elif not _has_meta(db_path):
                    raise StoreError(
                        f"存储 {directory} 的数据库 {DB_NAME} 为空或已损坏（{db_path.stat().st_size} 字节，"
                        f"没有存储的表）{_manifest_summary(directory)}；未做任何改动，{MANIFEST_NAME} 保留；"
                        f"{_REBUILD_HINT}"
                    )
        check_integrity(db_path)
    except sqlite3.Error as exc:
        raise StoreError(describe_database_error(exc, directory)) from exc
    except OSError as exc:
        raise StoreError(f"无法打开存储：{describe_os_error(exc, directory)}") from exc
    con = _connect(db_path)
    try:
        version = _meta_int(con, "schema_version")
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"存储 {directory} 的格式版本为 {version}，本程序需要版本 {SCHEMA_VERSION}；{_REBUILD_HINT}"
            )
        row = con.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
        return str(row[0]) if row else ""
    except sqlite3.Error as exc:
        raise StoreError(describe_database_error(exc, directory)) from exc
    finally:
        con.close()


def _unused(directory: Path) -> bool:
    """A zero-byte database and no manifest: a creation that died before its first commit."""
    return (directory / DB_NAME).stat().st_size == 0 and not (directory / MANIFEST_NAME).exists()


def _has_meta(db_path: Path) -> bool:
    """Whether the database file holds the store's ``meta`` table (read-only: never creates it)."""
    con = sqlite3.connect(f"{db_path.absolute().as_uri()}?mode=ro", uri=True, timeout=60.0)
    try:
        return _table_exists(con, "meta")
    finally:
        con.close()


_checked: dict[tuple[str, int, int], None] = {}
_checked_lock = threading.Lock()


def check_integrity(db_path: Path) -> None:
    """``PRAGMA quick_check`` once per process per database file state (path, size, mtime).

    Raises:
        StoreError: a corrupt page, naming the first problem SQLite reports.
    """
    stat = db_path.stat()
    key = (str(db_path), stat.st_size, stat.st_mtime_ns)
    with _checked_lock:
        if key in _checked:
            return
    con = sqlite3.connect(f"{db_path.absolute().as_uri()}?mode=ro", uri=True, timeout=60.0)
    try:
        problems = [str(row[0]) for row in con.execute("PRAGMA quick_check(3)")]
    finally:
        con.close()
    if problems != ["ok"]:
        raise StoreError(
            f"存储 {db_path.parent} 的数据库已损坏（完整性检查：{'；'.join(problems)[:300]}）"
            f"{_manifest_summary(db_path.parent)}；未做任何改动；{_REBUILD_HINT}"
        )
    with _checked_lock:
        if len(_checked) > 1000:  # a long-running app sees many file states; keep the memo small
            _checked.clear()
        _checked[key] = None


def _create_schema(directory: Path) -> None:
    con = _connect(directory / DB_NAME)
    try:
        con.execute("PRAGMA journal_mode = WAL")  # persistent: readers never block on writers
        con.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA:
                con.execute(statement)
            defaults = {
                "schema_version": str(SCHEMA_VERSION),
                "store_id": uuid.uuid4().hex,
                "revision": "0",
                "created_by": CREATED_BY,
                "created_at": _now(),
            }
            con.executemany("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", defaults.items())
            manifest = _manifest_data(con)
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                con.execute("ROLLBACK")
            raise
        _write_json_atomic(directory / MANIFEST_NAME, manifest)
    finally:
        con.close()


def _manifest_summary(directory: Path) -> str:
    """What the manifest says the store held (the clue for recovering it), or ``""``."""
    try:
        data = json.loads((directory / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    if not isinstance(data, dict):
        return ""
    text = (
        f"；{MANIFEST_NAME} 记录该存储曾有 {data.get('projects', '?')} 个项目、{data.get('indicators', '?')} 条指标"
        f"（revision {data.get('revision', '?')}）"
    )
    sources = data.get("sources")
    if isinstance(sources, list) and sources:
        names = [str(item.get("path")) for item in sources[:5] if isinstance(item, dict)]
        more = f" 等 {len(sources)} 个文件" if len(sources) > 5 else ""
        text += f"，来自 {'、'.join(names)}{more}"
    return text


def describe_database_error(exc: sqlite3.Error, directory: Path) -> str:
    """What actually happened, in one line, by SQLite's error code; never advises deleting data."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    detail = " ".join(str(exc).split())
    if primary in (10, 14) and _disk_full(directory):  # WAL cannot create its -shm file on a full disk
        primary = 13
    if primary == 13 or "disk is full" in detail:  # SQLITE_FULL
        return f"存储 {directory} 所在磁盘空间不足（{detail}）；已有数据未受影响，腾出空间后重试"
    if primary == 10:  # SQLITE_IOERR
        return f"读写存储 {directory} 时发生 I/O 错误（{detail}）；已有数据未被改动，请检查磁盘或网络盘后重试"
    if primary == 8:  # SQLITE_READONLY
        return f"存储 {directory} 只读（{detail}）；请换一个可写的 --store 文件夹或修改权限"
    if primary == 5 or primary == 6:  # SQLITE_BUSY / LOCKED
        return f"存储 {directory} 正被另一个进程长时间占用（{detail}）；稍后重试"
    if primary == 14:  # SQLITE_CANTOPEN
        return f"无法打开存储 {directory}（{detail}）；请检查文件夹权限和磁盘空间"
    if primary in (11, 26) or isinstance(exc, sqlite3.DatabaseError):  # CORRUPT / NOTADB
        return f"存储 {directory} 的数据库已损坏（{detail}）{_manifest_summary(directory)}；未做任何改动；{_REBUILD_HINT}"
    return f"存储 {directory} 出错（{detail}）"


def _disk_full(directory: Path) -> bool:
    """Whether the disk holding ``directory`` has (almost) no space left."""
    try:
        return shutil.disk_usage(directory).free < 64 * 1024
    except OSError:
        return False


def describe_os_error(exc: OSError, directory: Path) -> str:
    """An OS error on the store folder in one line (a full disk named as such)."""
    import errno

    if exc.errno == errno.ENOSPC:
        return f"存储 {directory} 所在磁盘空间不足；腾出空间后重试"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"存储 {directory} 不可写（{exc.strerror}）；请换一个可写的 --store 文件夹或修改权限"
    return f"存储 {directory}：{exc.strerror or exc}"


def _indicator_total(con: sqlite3.Connection) -> int:
    return int(con.execute("SELECT COALESCE(SUM(indicator_count), 0) FROM projects").fetchone()[0])


def _table_exists(con: sqlite3.Connection, name: str) -> bool:
    row = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return row is not None


def _manifest_data(con: sqlite3.Connection) -> dict[str, Any]:
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    return {
        "format": "perf-target-assistant store",
        "schema_version": int(meta.get("schema_version", 0)),
        "store_id": meta.get("store_id"),
        "created_by": meta.get("created_by"),
        "created_at": meta.get("created_at"),
        "revision": int(meta.get("revision", 0)),
        "projects": int(con.execute("SELECT COUNT(*) FROM projects").fetchone()[0]),
        "indicators": _indicator_total(con),
        "database": DB_NAME,
        "sources": _sources(con),
    }


def _sources(con: sqlite3.Connection) -> list[dict[str, Any]]:
    """The files the projects came from (path where known, in ingest order) and how many each gave:
    what to ingest again if the database is ever lost."""
    columns = {row[1] for row in con.execute("PRAGMA table_info(projects)")}
    where = "COALESCE(origin, source)" if "origin" in columns else "source"
    rows = con.execute(f"SELECT {where}, COUNT(*) FROM projects GROUP BY 1 ORDER BY MIN(seq)")
    return [{"path": path, "projects": int(count)} for path, count in rows]


def _chunks(items: Iterable[Project], size: int) -> Iterator[list[Project]]:
    chunk: list[Project] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


ParsedKey = tuple[str, str | None, float | None, float | None, str | None, str]


class _ParsedIds:
    """Ids of the store's distinct parsed values, adding new ones inside the caller's transaction."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self._con = con
        self._ids: dict[ParsedKey, int] = {
            tuple(row[1:]): row[0]
            for row in con.execute(f"SELECT id, {', '.join(PARSED_FIELDS)} FROM parsed_values")
        }

    def id_of(self, parsed: ParsedValue) -> int:
        key: ParsedKey = (
            parsed.kind,
            parsed.comparator,
            _finite(parsed.low),
            _finite(parsed.high),
            parsed.unit,
            ",".join(parsed.flags),
        )
        found = self._ids.get(key)
        if found is None:
            marks = ",".join("?" * len(PARSED_FIELDS))
            cursor = self._con.execute(
                f"INSERT INTO parsed_values ({', '.join(PARSED_FIELDS)}) VALUES ({marks})", key
            )
            found = self._ids[key] = int(cursor.lastrowid or 0)
        return found


def _ensure_origin_column(con: sqlite3.Connection) -> None:
    """Stores created before project identity used the file path get the column here (on a write)."""
    columns = {row[1] for row in con.execute("PRAGMA table_info(projects)")}
    if "origin" not in columns:
        con.execute("ALTER TABLE projects ADD COLUMN origin TEXT")


def _same_project(
    con: sqlite3.Connection, project: Project, origin: str | None, before_seq: int
) -> list[tuple[int, str, str]]:
    """Stored projects (``seq, source, location``) of earlier calls that are ``project`` by identity."""
    if project.code:
        sql = "SELECT seq, source, location FROM projects WHERE code = ? AND year IS ? AND seq < ?"
        params: tuple[Any, ...] = (project.code, project.year, before_seq)
    else:
        # Rows stored before the origin column have no path: their bare file name stands in for it.
        sql = (
            "SELECT seq, source, location FROM projects WHERE code IS NULL AND name = ? "
            "AND department IS ? AND year IS ? AND (origin = ? OR (origin IS NULL AND source = ?)) "
            "AND seq < ?"
        )
        params = (project.name, project.department, project.year, origin, project.source, before_seq)
    return [(int(seq), str(source), str(location)) for seq, source, location in con.execute(sql, params)]


def _insert_projects(
    con: sqlite3.Connection, projects: Iterable[Project], *, origin: str | None, replace: bool
) -> AddResult:
    """Insert inside the caller's transaction; see the module docstring for the dedup rules."""
    first_new_seq = int(con.execute("SELECT COALESCE(MAX(seq), 0) FROM projects").fetchone()[0]) + 1
    next_seq = first_new_seq
    added = skipped = replaced = conflicts = 0
    outcomes: list[ProjectOutcome] = []
    stamp = _now()
    seen: set[str] = set()
    parsed_ids = _ParsedIds(con)
    con.execute(_NAME_INDEX)  # stores created before the index get it here (a no-op afterwards)
    _ensure_origin_column(con)
    con.execute(_CODE_INDEX)
    for chunk in _chunks(projects, _CHUNK):
        ids = [p.id for p in chunk]
        marks = ",".join("?" * len(ids))
        seen.update(row[0] for row in con.execute(f"SELECT id FROM projects WHERE id IN ({marks})", ids))
        project_rows: list[tuple[Any, ...]] = []
        stale: set[int] = set()
        for project, pid in zip(chunk, ids, strict=True):
            if pid in seen:
                skipped += 1
                outcomes.append(ProjectOutcome("skipped"))
                continue
            seen.add(pid)
            packed = _pack_indicators(project.indicators, parsed_ids)
            if _has_content(project) and _is_copy(con, project, packed):
                skipped += 1
                outcomes.append(ProjectOutcome("skipped"))
                continue
            same = [row for row in _same_project(con, project, origin, first_new_seq) if row[0] not in stale]
            previous = tuple((source, location) for _seq, source, location in same)
            if same and not replace:
                conflicts += 1
                outcomes.append(ProjectOutcome("conflict", previous))
                continue
            stale.update(seq for seq, _source, _location in same)
            outcomes.append(ProjectOutcome("replaced" if same else "added", previous))
            project_rows.append(
                (
                    next_seq,
                    pid,
                    project.name,
                    project.code,
                    project.department,
                    project.year,
                    project.budget_wan,
                    project.goal,
                    project.source,
                    project.location,
                    stamp,
                    len(project.indicators),
                    packed,
                    origin,
                )
            )
            next_seq += 1
            added += 1
        if stale:
            con.executemany("DELETE FROM projects WHERE seq = ?", [(s,) for s in sorted(stale)])
            replaced += len(stale)
        marks = ",".join("?" * 14)
        con.executemany(f"INSERT INTO projects ({_PROJECT_COLUMNS}, origin) VALUES ({marks})", project_rows)
    return AddResult(added, skipped, replaced, conflicts, tuple(outcomes))


def _has_content(project: Project) -> bool:
    return bool(project.indicators or project.code or project.goal or project.budget_wan is not None)


def _is_copy(con: sqlite3.Connection, project: Project, packed: str) -> bool:
    """Whether a stored project (from this file or another) holds exactly this content (module
    docstring, 2): a renamed copy, or a project stored under an id of an earlier version."""
    row = con.execute(
        "SELECT 1 FROM projects WHERE name = ? AND code IS ? AND year IS ? AND budget_wan IS ? "
        "AND goal IS ? AND department IS ? AND location = ? AND indicators = ? LIMIT 1",
        (
            project.name,
            project.code,
            project.year,
            _finite(project.budget_wan),
            project.goal,
            project.department,
            project.location,
            packed,
        ),
    ).fetchone()
    return row is not None


def _finite(number: float | None) -> float | None:
    """JSON and SQL have no NaN/Infinity; such a bound is stored as unknown (the value text keeps it)."""
    return number if number is None or math.isfinite(number) else None


def _pack_indicators(indicators: Iterable[Indicator], parsed_ids: _ParsedIds) -> str:
    """One JSON array of rows in ``INDICATOR_FIELDS`` order."""
    rows = [
        [
            i.level1,
            i.level2,
            i.name,
            i.value,
            i.explain,
            i.period_value,
            i.location,
            parsed_ids.id_of(i.parsed),
        ]
        for i in indicators
    ]
    return json.dumps(rows, ensure_ascii=False)


def _read_projects(con: sqlite3.Connection) -> list[Project]:
    """Rebuild the records; identical parsed values share one (frozen) object.

    Raises:
        StoreError: a stored project whose indicator rows cannot be decoded, named by its place.
    """
    parsed = {
        pid: ParsedValue(kind, comparator, low, high, unit, tuple(flags.split(",")) if flags else ())
        for pid, kind, comparator, low, high, unit, flags in con.execute(
            f"SELECT id, {', '.join(PARSED_FIELDS)} FROM parsed_values"
        )
    }
    loads = json.loads
    projects: list[Project] = []
    for (
        seq,
        _id,
        name,
        code,
        department,
        year,
        budget_wan,
        goal,
        source,
        location,
        _at,
        _n,
        packed,
    ) in con.execute(f"SELECT {_PROJECT_COLUMNS} FROM projects ORDER BY seq"):
        try:
            indicators = tuple(
                Indicator(level1, level2, ind_name, value, parsed[pid], explain, period, where)
                for level1, level2, ind_name, value, explain, period, where, pid in loads(packed)
            )
        except (ValueError, TypeError, KeyError, RecursionError) as exc:
            raise StoreError(
                f"存储中的项目“{name}”（第 {seq} 条，来源 {source} {location}）的指标数据已损坏"
                f"（{type(exc).__name__}）；{_REBUILD_HINT}"
            ) from exc
        projects.append(
            Project(
                name=name,
                indicators=indicators,
                code=code,
                department=department,
                year=year,
                budget_wan=budget_wan,
                goal=goal,
                source=source,
                location=location,
            )
        )
    return projects


# ---------------------------------------------------------------------- building whole stores
@contextlib.contextmanager
def staged_store(directory: str | Path, *, replace: bool = False) -> Iterator[Store]:
    """Build a store in a temporary sibling folder; move it to ``directory`` only if the block succeeds.

    With ``replace=False`` an existing store at ``directory`` wins (another process built it first)
    and the staged one is discarded. With ``replace=True`` the existing store is swapped out and
    deleted (``assistant ingest --rebuild``); a folder that is neither empty nor a store is refused so
    that a mistyped ``--store`` cannot delete unrelated files. After the block, the yielded store
    points at ``directory``.

    Raises:
        StoreError: ``directory`` is not a store folder, or the folders cannot be created/moved.
    """
    target = Path(directory).expanduser()
    if target.exists() and not _is_replaceable(target):
        raise StoreError(
            f"{target} 不是存储文件夹（没有 {DB_NAME}/{MANIFEST_NAME}，且不为空）；拒绝覆盖，请换一个 --store 路径"
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_builds(target)
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.building-"))
        staging.chmod(0o755)  # mkdtemp makes 0700; the installed store is an ordinary folder
    except OSError as exc:
        raise StoreError(f"无法创建存储文件夹 {target}：{exc.strerror or exc}") from exc
    try:
        store = Store.open(staging)
        yield store
        _install(staging, target, replace=replace)
        store._directory = target
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_abandoned_builds(target: Path, max_age_seconds: float = 3600.0) -> None:
    """Delete staging folders left by killed builds (older than an hour, so not a build in progress)."""
    cutoff = time.time() - max_age_seconds
    for pattern in (f".{target.name}.building-*", f".{target.name}.old-*"):
        for leftover in target.parent.glob(pattern):
            with contextlib.suppress(OSError):
                if leftover.is_dir() and leftover.stat().st_mtime < cutoff:
                    shutil.rmtree(leftover, ignore_errors=True)


def _is_replaceable(path: Path) -> bool:
    if not path.is_dir():
        return False
    return has_store(path) or (path / MANIFEST_NAME).is_file() or not any(path.iterdir())


def _install(staging: Path, target: Path, *, replace: bool) -> None:
    """Move the staged folder into place (see :func:`staged_store`)."""
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()
    if has_store(target) and not replace:
        log.info("存储 %s 已由另一个进程建好，丢弃本次构建", target)
        return
    trash: Path | None = None
    try:
        if target.exists() and not _readable(target):
            _keep_damaged(target)  # what is left of a damaged store may still be recovered by hand
        if target.exists():
            trash = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-"))
            os.rename(target, trash / "store")
        os.rename(staging, target)
    except OSError as exc:
        if trash is not None and not target.exists():
            with contextlib.suppress(OSError):
                os.rename(trash / "store", target)  # put the previous store back
        if has_store(target) and not replace:
            return
        raise StoreError(f"无法把新存储移动到 {target}：{exc.strerror or exc}") from exc
    finally:
        if trash is not None:
            shutil.rmtree(trash, ignore_errors=True)


def _readable(directory: Path) -> bool:
    """Whether a store folder holds a database that opens and passes the integrity check."""
    db_path = directory / DB_NAME
    if not db_path.is_file():
        return not (directory / MANIFEST_NAME).is_file()  # an empty folder is nothing to keep
    try:
        if not _has_meta(db_path):
            return False
        check_integrity(db_path)
    except (StoreError, sqlite3.Error, OSError):
        return False
    return True


def _keep_damaged(directory: Path) -> None:
    """Move a damaged store aside (``<name>.damaged-<time>``) instead of deleting it on --rebuild."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = directory.with_name(f"{directory.name}.damaged-{stamp}")
    os.rename(directory, backup)
    log.warning("原存储已损坏，未删除，已移到 %s（可从中手工找回数据）；新存储已建在 %s", backup, directory)


def as_store(store: Any) -> Store:
    """What engines accept as their store: a folder, ``None`` (the default store), or a store-like
    object (a :class:`Store` or a test double), which is returned as is."""
    return Store.open(store) if store is None or isinstance(store, str | Path) else store
