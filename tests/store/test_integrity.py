"""A damaged store is refused with one clear error that keeps what is left; nothing is re-initialised."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest

from assistant.errors import StoreError
from assistant.records.build import make_indicator
from assistant.records.schema import Project
from assistant.store import database
from assistant.store.database import DB_NAME, MANIFEST_NAME, Store


def make_project(name: str, n: int = 3, *, source: str = "a.txt") -> Project:
    rows = tuple(make_indicator("产出指标", "数量指标", f"{name}指标{i}", f"≥{i}%") for i in range(n))
    return Project(name=name, indicators=rows, source=source, location=name)


def _filled(directory: Path, n: int = 200) -> Store:
    store = Store.open(directory)
    store.add_projects([make_project(f"项目{i}", 6, source="a.csv") for i in range(n)], origin="/data/a.csv")
    with sqlite3.connect(directory / DB_NAME) as con:  # fold the WAL in, so the pages are in the file
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return store


def test_a_zero_byte_database_is_refused_and_the_manifest_kept(tmp_path: Path) -> None:
    store = _filled(tmp_path / "s", 3)
    manifest = (store.directory / MANIFEST_NAME).read_text(encoding="utf-8")
    (store.directory / DB_NAME).write_bytes(b"")
    for path in store.directory.glob(f"{DB_NAME}-*"):
        path.unlink()
    with pytest.raises(StoreError, match=r"为空或已损坏.*3 个项目、18 条指标.*/data/a.csv.*--rebuild"):
        Store.open(store.directory)
    assert (store.directory / MANIFEST_NAME).read_text(encoding="utf-8") == manifest
    assert (store.directory / DB_NAME).stat().st_size == 0  # not re-initialised


def test_a_fresh_zero_byte_database_without_manifest_is_a_new_store(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"")  # a creation killed before its first commit
    assert Store.open(tmp_path).project_count() == 0


def test_a_corrupt_page_past_the_start_is_named_on_open(tmp_path: Path) -> None:
    store = _filled(tmp_path / "s")
    db = store.directory / DB_NAME
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    data[3 * page : 3 * page + 200] = b"\xff" * 200
    db.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=r"已损坏.*(Page|page|malformed).*200 个项目") as info:
        Store.open(store.directory)
    assert "\n" not in str(info.value)


def test_broken_stored_json_names_the_project(tmp_path: Path) -> None:
    store = _filled(tmp_path / "s", 3)
    with sqlite3.connect(store.directory / DB_NAME) as con:
        con.execute("UPDATE projects SET indicators = '[[1,2' WHERE name = '项目1'")
    with pytest.raises(StoreError, match=r"项目“项目1”（第 2 条，来源 a.csv 项目1）的指标数据已损坏"):
        Store.open(store.directory).projects()


def test_a_failed_manifest_write_after_commit_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.open(tmp_path / "s")

    def full(path: Path, data: dict) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(database, "_write_json_atomic", full)
    with caplog.at_level(logging.WARNING):
        assert store.add_projects([make_project("甲")]).added == 1  # committed: no write failure
    assert "已提交" in caplog.text and "磁盘空间不足" in caplog.text
    assert store.project_count() == 1


def test_a_full_disk_says_so_and_never_advises_deleting(tmp_path: Path) -> None:
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = 13  # type: ignore[attr-defined]
    message = database.describe_database_error(error, tmp_path)
    assert "磁盘空间不足" in message and "删除" not in message
    assert "删除" not in database._REBUILD_HINT


def test_the_manifest_lists_the_sources_to_recover_from(tmp_path: Path) -> None:
    store = _filled(tmp_path / "s", 2)
    manifest = json.loads((store.directory / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["sources"] == [{"path": "/data/a.csv", "projects": 2}]


def test_an_io_error_on_a_full_disk_is_named_as_a_full_disk(tmp_path: Path, monkeypatch) -> None:
    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorcode = 10 | (18 << 8)  # type: ignore[attr-defined]  # SQLITE_IOERR_SHMSIZE-like
    assert "I/O 错误" in database.describe_database_error(error, tmp_path)
    usage = type("Usage", (), {"free": 0})()
    monkeypatch.setattr(database.shutil, "disk_usage", lambda _path: usage)
    message = database.describe_database_error(error, tmp_path)
    assert "磁盘空间不足" in message and "删除" not in message


def test_a_rebuild_keeps_a_damaged_store_aside(tmp_path: Path) -> None:
    store = _filled(tmp_path / "s", 3)
    (store.directory / DB_NAME).write_bytes(b"")
    for path in store.directory.glob(f"{DB_NAME}-*"):
        path.unlink()
    with database.staged_store(store.directory, replace=True) as fresh:
        fresh.add_projects([make_project("新")])
    assert [p.name for p in Store.open(store.directory).projects()] == ["新"]
    (kept,) = tmp_path.glob("s.damaged-*")
    assert (kept / MANIFEST_NAME).is_file() and (kept / DB_NAME).is_file()
    # a healthy store is replaced without a backup
    with database.staged_store(store.directory, replace=True) as fresh:
        fresh.add_projects([make_project("再")])
    assert len(list(tmp_path.glob("s.damaged-*"))) == 1
