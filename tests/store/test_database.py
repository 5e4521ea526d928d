"""The SQLite store: round trip, dedup, revision, manifest, versions, crashes and concurrent readers."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.errors import StoreError
from assistant.ingest import open_default_store
from assistant.records.schema import Indicator, ParsedValue, Project
from assistant.store import database
from assistant.store.database import (
    DB_NAME,
    MANIFEST_NAME,
    SCHEMA_VERSION,
    AddResult,
    Store,
    default_store_dir,
    staged_store,
)

ROOT = Path(__file__).resolve().parents[2]


def make_project(name: str, n: int = 3, *, source: str = "a.txt", location: str = "", **fields) -> Project:
    """A project with ``n`` indicators whose parsed values vary (flags, None bounds, units)."""
    indicators = tuple(
        Indicator(
            level1="产出指标",
            level2="数量指标",
            name=f"{name}指标{i}",
            value=f"≥{i}%",
            parsed=ParsedValue("number", "≥", float(i), None, "%", ("DOUBLED",) if i == 1 else ()),
            explain="说明" if i == 0 else None,
            period_value=None,
            location=f"行 {i + 2}",
        )
        for i in range(n)
    )
    return Project(name=name, indicators=indicators, source=source, location=location or name, **fields)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "store")


def test_round_trip_keeps_every_field_and_ingest_order(store: Store) -> None:
    projects = [
        make_project("乙项目", 2, code="C-1", department="区教育局", year=2022, budget_wan=12.5, goal="目标"),
        make_project("甲项目", 0),
        make_project("丙项目", 4, source="b.xlsx", location="Sheet1"),
        Project(
            name="空值项目",
            indicators=(Indicator("满意度指标", "服务对象满意度指标", "满意度", "", ParsedValue("empty")),),
        ),
    ]
    assert store.add_projects(projects) == AddResult(added=4, skipped=0)
    assert store.projects() == projects
    assert Store.open(store.directory).projects() == projects  # a fresh instance reads the same
    assert (store.project_count(), store.indicator_count()) == (4, 7)


def test_reingesting_adds_nothing_and_keeps_the_revision(store: Store) -> None:
    projects = [make_project("甲"), make_project("乙")]
    store.add_projects(projects)
    revision = store.revision
    assert store.add_projects(projects) == AddResult(added=0, skipped=2)
    assert store.revision == revision
    assert store.project_count() == 2


def test_duplicates_inside_one_call_are_skipped(store: Store) -> None:
    assert store.add_projects([make_project("甲"), make_project("甲")]) == AddResult(added=1, skipped=1)


def test_a_corrected_table_replaces_its_earlier_reading_only_when_asked(store: Store) -> None:
    store.add_projects([make_project("甲", 2), make_project("乙", 2)])
    corrected = make_project("甲", 3)  # same source, place and name; one more row
    refused = store.add_projects([corrected])
    assert refused == AddResult(added=0, skipped=0, replaced=0, conflicts=1)
    assert refused.outcomes[0].status == "conflict" and refused.outcomes[0].previous == (("a.txt", "甲"),)
    assert store.indicator_count() == 4 and store.revision == 1  # nothing changed
    result = store.add_projects([corrected], replace=True)
    assert result == AddResult(added=1, skipped=0, replaced=1)
    assert result.outcomes[0].status == "replaced"
    names = [p.name for p in store.projects()]
    assert names == ["乙", "甲"] and store.projects()[1] == corrected
    assert store.indicator_count() == 5


def test_same_file_name_in_two_folders_never_merges_projects(store: Store) -> None:
    # a/绩效目标表.csv and b/绩效目标表.csv: same project name and year, no code, other departments
    first = make_project("社区服务", 2, source="绩效目标表.csv", department="甲局", year=2024)
    second = make_project("社区服务", 3, source="绩效目标表.csv", department="乙局", year=2024)
    assert store.add_projects([first], origin="/x/a/绩效目标表.csv").added == 1
    assert store.add_projects([second], origin="/x/b/绩效目标表.csv").added == 1
    # identical tables of two departments are two projects too (the department is in the id)
    twin = replace(first, department="丙局")
    assert store.add_projects([twin], origin="/x/c/绩效目标表.csv").added == 1
    # the same name from another folder is another project even with the same department
    elsewhere = make_project("社区服务", 4, source="绩效目标表.csv", department="甲局", year=2024)
    assert store.add_projects([elsewhere], origin="/x/d/绩效目标表.csv").added == 1
    assert store.project_count() == 4
    # the same file again with changed rows is the same project: a conflict, not a silent merge
    again = make_project("社区服务", 5, source="绩效目标表.csv", department="甲局", year=2024)
    assert store.add_projects([again], origin="/x/a/绩效目标表.csv").conflicts == 1


def test_a_project_code_is_the_identity_when_present(store: Store) -> None:
    store.add_projects([make_project("甲", 2, code="C-1", year=2024)], origin="/a.csv")
    renamed = make_project("甲（修订）", 3, code="C-1", year=2024, source="b.csv")
    assert store.add_projects([renamed], origin="/b.csv").conflicts == 1
    next_year = make_project("甲", 3, code="C-1", year=2025)
    assert store.add_projects([next_year], origin="/a.csv").added == 1


def test_a_renamed_copy_of_a_document_adds_nothing(store: Store) -> None:
    original = [make_project("甲", 2, code="C-1", budget_wan=12.5), make_project("乙", 3, goal="目标")]
    store.add_projects(original)
    revision = store.revision
    copy = [replace(p, source="表 (1).txt") for p in original]
    assert store.add_projects(copy) == AddResult(added=0, skipped=2)
    assert store.revision == revision and store.projects() == original  # the first file stays the source
    # a different table under another name, or the same table at another place, is new
    changed = replace(original[0], source="表 (1).txt", budget_wan=13.0, code="C-2")
    moved = replace(original[1], source="表 (1).txt", location="Sheet2")
    assert store.add_projects([changed, moved]) == AddResult(added=2, skipped=0)
    # …but another version of a project with a stored 项目编码 is that project: a conflict
    recoded = replace(original[0], source="表 (2).txt", budget_wan=14.0)
    assert store.add_projects([recoded]).conflicts == 1
    # bare projects (a name only) from two files are two records
    assert (
        store.add_projects([Project(name="丙", source="x.txt"), Project(name="丙", source="y.txt")]).added
        == 2
    )


def test_same_place_in_one_call_and_other_years_are_both_kept(store: Store) -> None:
    twins = [make_project("甲", 1, location="Sheet1"), make_project("甲", 2, location="Sheet1")]
    assert store.add_projects(twins).added == 2
    other_year = make_project("甲", 1, location="Sheet1", year=2023)
    assert store.add_projects([other_year]) == AddResult(added=1, skipped=0, replaced=0)
    assert store.project_count() == 3


def test_revision_and_manifest_follow_each_write(store: Store) -> None:
    assert store.revision == 0
    store.add_projects([make_project("甲")])
    store.add_projects([make_project("乙", 2)])
    assert store.revision == 2
    manifest = json.loads((store.directory / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["revision"] == 2 and manifest["projects"] == 2 and manifest["indicators"] == 5
    assert manifest["schema_version"] == SCHEMA_VERSION and manifest["created_by"].startswith("perf-target")
    assert manifest == store.manifest()
    assert store.state_key == f"{store.store_id}:2"
    leftovers = [p.name for p in store.directory.iterdir() if ".tmp" in p.name]
    assert leftovers == []


def test_revision_is_remembered_yet_sees_another_writer_at_once(store: Store, monkeypatch) -> None:
    other = Store.open(store.directory)  # a second instance: another process, as far as caches go
    assert store.revision == 0
    opened: list[Path] = []
    connect = database._connect
    monkeypatch.setattr(database, "_connect", lambda path: opened.append(path) or connect(path))
    assert [store.revision for _ in range(50)] == [0] * 50 and opened == []  # no connection per call
    for expected in (1, 2, 3):
        other.add_projects([make_project(f"项目{expected}")])
        assert store.revision == expected  # its commit changed the database files
    monkeypatch.setattr(database, "REVISION_RECHECK_S", 0.0)
    opened.clear()
    assert store.revision == 3 and len(opened) == 1  # past the recheck age: read again


def test_held_open_keeps_the_write_ahead_log_between_transactions(store: Store) -> None:
    wal = store.directory / f"{DB_NAME}-wal"
    store.add_projects([make_project("甲")])
    assert not wal.exists()  # the last connection closed: checkpointed and deleted
    with store.held_open():
        store.add_projects([make_project("乙")])
        assert wal.exists()  # kept for the next file's transaction
        store.add_projects([make_project("丙")])
        assert Store.open(store.directory).project_count() == 3  # committed, visible to others
    assert not wal.exists() and store.revision == 3


def test_held_open_leaves_a_damaged_database_to_the_operations(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s")
    (store.directory / DB_NAME).write_bytes(b"")
    with store.held_open(), pytest.raises(StoreError):
        store.add_projects([make_project("甲")])


def test_a_stale_manifest_is_repaired_on_open(store: Store) -> None:
    store.add_projects([make_project("甲")])
    path = store.directory / MANIFEST_NAME
    stale = {**json.loads(path.read_text(encoding="utf-8")), "revision": 0, "projects": 0}
    path.write_text(json.dumps(stale), encoding="utf-8")  # as if killed between commit and manifest
    reopened = Store.open(store.directory)
    assert json.loads(path.read_text(encoding="utf-8"))["revision"] == 1 == reopened.revision


def test_another_schema_version_says_how_to_rebuild(store: Store) -> None:
    with sqlite3.connect(store.directory / DB_NAME) as con:
        con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    (store.directory / MANIFEST_NAME).unlink()
    with pytest.raises(StoreError, match=r"版本为 99.*assistant ingest --rebuild"):
        Store.open(store.directory)


def test_a_manifest_of_another_version_is_refused(store: Store) -> None:
    path = store.directory / MANIFEST_NAME
    path.write_text(json.dumps({"schema_version": 7, "created_by": "future 9.0"}), encoding="utf-8")
    with pytest.raises(StoreError, match=r"版本为 7（由 future 9.0 创建）.*--rebuild"):
        Store.open(store.directory)


def test_corrupt_missing_and_misplaced_stores_are_clear_errors(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / DB_NAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="已损坏.*--rebuild"):
        Store.open(corrupt)
    with pytest.raises(StoreError, match="不存在"):
        Store.open(tmp_path / "missing", create=False)
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="不是文件夹"):
        Store.open(tmp_path / "file")


def test_projects_is_cached_per_revision_and_sees_other_writers(store: Store) -> None:
    store.add_projects([make_project("甲")])
    first = store.projects()
    assert store.projects()[0] is first[0]  # cached
    Store.open(store.directory).add_projects([make_project("乙")])  # another writer
    assert [p.name for p in store.projects()] == ["甲", "乙"]


def test_a_failed_write_leaves_the_store_unchanged(store: Store) -> None:
    store.add_projects([make_project("甲")])

    def explode():
        yield make_project("乙")
        raise RuntimeError("reader crashed mid-stream")

    with pytest.raises(RuntimeError):
        store.add_projects(explode())
    assert [p.name for p in store.projects()] == ["甲"] and store.revision == 1


_WRITER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {tests!r})
    from store.test_database import make_project
    from assistant.store.database import Store, _CHUNK
    store = Store.open({directory!r})
    mode = sys.argv[1]
    if mode == "hang":
        def stream():
            for i in range(_CHUNK + 100):
                yield make_project(f"新{{i}}", 5)
            print("mid", flush=True)  # one chunk inserted, the transaction still open
            time.sleep(60)
        store.add_projects(stream())
    else:
        for batch in range(int(mode)):
            store.add_projects([make_project(f"批{{batch}}-{{i}}", 3) for i in range(20)])
    """
)


def _writer(directory: Path, mode: str) -> subprocess.Popen[str]:
    script = _WRITER.format(tests=str(ROOT / "tests"), directory=str(directory))
    return subprocess.Popen(
        [sys.executable, "-c", script, mode], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_a_killed_writer_leaves_the_previous_contents(store: Store) -> None:
    store.add_projects([make_project("旧", 2)])
    writer = _writer(store.directory, "hang")
    assert writer.stdout is not None
    line = writer.stdout.readline()
    assert line.strip() == "mid", writer.stderr.read() if writer.stderr else ""
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(10)
    reopened = Store.open(store.directory)
    assert [p.name for p in reopened.projects()] == ["旧"]
    assert reopened.revision == 1 and reopened.indicator_count() == 2
    assert reopened.add_projects([make_project("新")]).added == 1  # and it is still writable


def test_readers_see_whole_batches_while_another_process_writes(store: Store) -> None:
    batches = 30
    writer = _writer(store.directory, str(batches))
    errors: list[BaseException] = []
    seen: set[int] = set()

    def read_until_done() -> None:
        reader = Store.open(store.directory)
        try:
            while True:
                done = writer.poll() is not None
                projects = reader.projects()
                assert len(projects) % 20 == 0, len(projects)  # never half a transaction
                assert all(len(p.indicators) == 3 for p in projects)
                seen.add(len(projects))
                if done:
                    return
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=read_until_done) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert writer.wait(60) == 0, writer.stderr.read() if writer.stderr else ""
    assert not errors, errors
    assert store.project_count() == batches * 20 and max(seen) == batches * 20
    assert len(seen) > 2  # the readers really overlapped with the writes


def test_staged_store_installs_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "built"
    with pytest.raises(RuntimeError), staged_store(target) as staged:
        staged.add_projects([make_project("甲")])
        raise RuntimeError("build failed")
    assert not target.exists() and list(tmp_path.iterdir()) == []
    with staged_store(target) as staged:
        staged.add_projects([make_project("甲")])
    assert staged.directory == target and Store.open(target).project_count() == 1
    assert [p.name for p in tmp_path.iterdir()] == ["built"]


def test_abandoned_builds_are_cleaned_up_but_recent_ones_kept(tmp_path: Path) -> None:
    old = tmp_path / ".store.building-killed"
    recent = tmp_path / ".store.building-running"
    for folder in (old, recent):
        folder.mkdir()
        (folder / DB_NAME).write_bytes(b"")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    with staged_store(tmp_path / "store"):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == [".store.building-running", "store"]


def test_staged_store_replace_swaps_a_store_but_never_a_foreign_folder(tmp_path: Path) -> None:
    target = tmp_path / "store"
    Store.open(target).add_projects([make_project("旧")])
    with staged_store(target, replace=True) as staged:
        staged.add_projects([make_project("新")])
    assert [p.name for p in Store.open(target).projects()] == ["新"]
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("重要")
    with pytest.raises(StoreError, match="不是存储文件夹"), staged_store(foreign, replace=True):
        pass
    assert (foreign / "keep.txt").read_text() == "重要"


def test_default_store_dir_honours_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ASSISTANT_STORE", str(tmp_path / "x"))
    assert default_store_dir() == tmp_path / "x"
    monkeypatch.delenv("ASSISTANT_STORE")
    assert default_store_dir() == ROOT / "corpus" / "store"


def _fake_seeds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *, broken: bool = False) -> None:
    seeds = tmp_path / "raw"
    seeds.mkdir()
    for name in ("000_a.txt", "001_b.txt"):
        (seeds / name).write_text("x", encoding="utf-8")
    monkeypatch.setattr(database, "SEEDS_DIR", seeds)
    monkeypatch.setenv("ASSISTANT_STORE", str(tmp_path / "default"))

    def reader(path: Path) -> list[Project]:
        if broken and path.name.startswith("001"):
            raise ValueError("layout not understood")
        return [make_project(path.stem, 2, source=path.name)]

    import assistant.ingest

    monkeypatch.setattr(assistant.ingest, "read_document", reader)


def test_default_store_is_built_from_the_seeds_on_first_use(monkeypatch, tmp_path: Path) -> None:
    _fake_seeds(monkeypatch, tmp_path)
    with pytest.raises(StoreError, match="尚未建立"):
        Store.open()  # the store layer opens a default store; building it is the ingest layer's
    store = open_default_store()
    assert store.directory == tmp_path / "default"
    assert [p.source for p in store.projects()] == ["000_a.txt", "001_b.txt"]
    assert open_default_store().revision == store.revision  # second use: opened, not rebuilt


def test_a_failed_default_build_leaves_no_store(monkeypatch, tmp_path: Path) -> None:
    _fake_seeds(monkeypatch, tmp_path, broken=True)
    with pytest.raises(StoreError, match="001_b.txt.*layout not understood"):
        open_default_store()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


@pytest.mark.slow
def test_reading_100k_indicators_is_fast(store: Store) -> None:
    """CPU time, not wall time: the check must hold on a machine shared with other jobs."""
    rows = make_project("模板", 50).indicators
    store.add_projects([Project(name=f"项目{i}", indicators=rows, source="big.csv") for i in range(2000)])
    fresh = Store.open(store.directory)
    started = time.process_time()
    read = fresh.projects()
    cpu_seconds = time.process_time() - started
    assert sum(len(p.indicators) for p in read) == 100_000
    assert cpu_seconds < 1.5, cpu_seconds  # ~0.45 s measured on the 2-core dev machine
    started = time.process_time()
    assert fresh.projects() == read  # cached for the unchanged revision
    assert time.process_time() - started < 0.1
