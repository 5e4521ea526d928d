"""The app's request time limit and its review workers: results as in-process, overruns really stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from assistant.errors import TimeLimitError
from assistant.ingest import ingest_paths
from assistant.interfaces import app, frames, workers
from assistant.interfaces.workbench import Workbench, install_workbench
from assistant.interfaces.workers import WorkerPool, call_within, over_limit
from assistant.limits import current
from assistant.store.database import Store

SEED = "000_681f7b743be24556.txt"


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(1)
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, seeds_dir) -> str:
    folder = tmp_path_factory.mktemp("workers-store")
    store = Store.open(folder)
    ingest_paths([seeds_dir / SEED], store, progress=False)
    install_workbench(Workbench(store, embedder=False), folder)
    return str(folder)


def test_a_call_runs_in_a_worker_process_and_the_worker_is_reused(pool):
    first = pool.run(os.getpid, limit=60)
    assert first != os.getpid() and pool.run(os.getpid, limit=60) == first
    assert pool.pids() == [first]


def test_a_call_past_its_limit_is_stopped_and_its_worker_killed(pool):
    worker = pool.run(os.getpid, limit=60)
    start = time.perf_counter()
    with pytest.raises(
        TimeLimitError, match=r"^审核超过 0.5 秒仍未完成，已中止；.*ASSISTANT_MAX_REQUEST_SECONDS"
    ):
        pool.run(time.sleep, 30, limit=0.5, action="审核")
    assert time.perf_counter() - start < 5
    assert not alive(worker)  # killed and reaped, not left sleeping
    assert pool.run(pow, 2, 10, limit=60) == 1024  # a fresh worker takes over
    assert len(pool.pids()) == 1


def test_a_worker_exception_reaches_the_caller(pool):
    with pytest.raises(ZeroDivisionError):
        pool.run(divmod, 1, 0, limit=60)
    assert pool.run(divmod, 7, 2, limit=60) == (3, 1)


def test_workers_exit_when_the_server_is_killed(tmp_path):
    script = textwrap.dedent(
        """
        import os
        from assistant.interfaces.workers import WorkerPool
        if __name__ == "__main__":
            pool = WorkerPool(2)
            pool.warm_up()
            print(" ".join(map(str, pool.pids())), flush=True)
            os._exit(0)  # as a kill: no clean-up runs
        """
    )
    path = tmp_path / "server.py"
    path.write_text(script, encoding="utf-8")
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=60, check=True)
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 10
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(p) for p in pids)


def test_call_within_returns_raises_and_gives_up_at_the_limit():
    assert call_within(pow, 3, 2, limit=5) == 9
    with pytest.raises(ZeroDivisionError):
        call_within(divmod, 1, 0, limit=5)
    start = time.perf_counter()
    with pytest.raises(TimeLimitError, match="生成指标表超过 0.2 秒仍未完成，已放弃本次请求"):
        call_within(time.sleep, 3, limit=0.2, action="生成指标表")
    assert time.perf_counter() - start < 1.5


def test_the_limit_is_set_by_the_environment(monkeypatch):
    assert current().max_request_seconds == 120
    monkeypatch.setenv("ASSISTANT_MAX_REQUEST_SECONDS", "7")
    assert current().max_request_seconds == 7 and workers.time_limit() == 7.0
    assert "\n" not in str(over_limit("审核", 7))


def test_review_in_a_worker_matches_the_review_here(store_dir, seeds_dir, pool):
    here = app.review_documents([str(seeds_dir / SEED)], "", store_dir=store_dir)
    calls: list[tuple[float, str]] = []
    there = app.review_documents(
        [str(seeds_dir / SEED)],
        "",
        store_dir=store_dir,
        workers=pool,
        progress=lambda f, desc="": calls.append((f, desc)),
    )
    assert there.status == here.status and "退回" in there.status
    assert there.all_rows.equals(here.all_rows) and len(there.all_rows) > 10
    assert there.code_choices == here.code_choices and there.project_choices == here.project_choices
    assert sorted(Path(p).suffix for p in there.report_files) == [".csv", ".xlsx"]
    assert all(Path(p).stat().st_size > 0 for p in there.report_files)
    assert SEED in calls[0][1] and calls[-1][0] == 1.0


def test_a_review_past_the_limit_is_one_chinese_line(store_dir, seeds_dir):
    fresh = WorkerPool(1)  # starting a worker alone takes longer than the limit
    try:
        view = app.review_documents(
            [str(seeds_dir / SEED)], "", store_dir=store_dir, workers=fresh, limit=0.01
        )
    finally:
        fresh.close()
    assert "status error" in view.status and "审核超过 0.01 秒仍未完成，已中止" in view.status
    assert "Traceback" not in view.status and view.status.count("<div") == 1
    assert view.all_rows.empty and view.report_files == []
    assert list(view.all_rows.columns) == frames.REVIEW_COLUMNS


def test_bounded_handler_shows_the_message_in_its_status_output(monkeypatch):
    pytest.importorskip("gradio")
    import gradio as gr

    monkeypatch.setattr(workers, "time_limit", lambda: 0.2)

    def slow(name: str) -> tuple[str, str, str]:
        time.sleep(3)
        return "done", name, name

    handler = app.bounded(slow, "生成指标表", 3)
    start = time.perf_counter()
    status, grid, other = handler("党员教育培训经费")
    assert time.perf_counter() - start < 1.5
    assert "status error" in status and "生成指标表超过 0.2 秒" in status
    assert isinstance(grid, type(gr.skip())) and isinstance(other, type(gr.skip()))
    quick = app.bounded(lambda name: (f"ok {name}", 1, 2), "检索", 3)
    assert quick("甲") == ("ok 甲", 1, 2)
    with pytest.raises(gr.Error, match="导出超过 0.2 秒"):
        app.bounded(lambda: time.sleep(3), "导出", 1, status=None)()


def test_ingest_in_a_worker_stores_the_file_and_says_so(tmp_path, seeds_dir, pool):
    folder = tmp_path / "store"
    Store.open(folder)
    html, table = app.ingest_documents([str(seeds_dir / SEED)], store_dir=str(folder), workers=pool)
    assert "status ok" in html and "新增" in html
    assert list(table.columns) == frames.INGEST_COLUMNS and len(table) == 1
    assert Store.open(folder).project_count() == 4  # committed by the worker, seen here


def test_an_ingest_past_the_limit_stores_nothing_of_the_file(tmp_path, seeds_dir):
    folder = tmp_path / "store"
    Store.open(folder)
    fresh = WorkerPool(1)
    try:
        html, table = app.ingest_documents(
            [str(seeds_dir / SEED)], store_dir=str(folder), workers=fresh, limit=0.01
        )
    finally:
        fresh.close()
    assert (
        "导入超过 0.01 秒仍未完成，已中止；中止前已完成的文件已写入语料库" in html and html.count("<div") == 1
    )
    assert table.empty and Store.open(folder).project_count() == 0


def test_a_dismissal_saved_here_applies_to_the_next_review_in_a_worker(tmp_path, seeds_dir, pool):
    folder = tmp_path / "store"
    ingest_paths([seeds_dir / SEED], Store.open(folder), progress=False)
    pasted = "项目名称\t三级指标\t指标值\n社区饭堂\t对用餐环境的改善\t明显\n"
    degree = frames.code_name("DEGREE")
    first = app.review_documents(None, pasted, store_dir=str(folder), workers=pool)
    assert degree in first.all_rows["问题"].iloc[0]  # the worker's review engine is now built
    target, _, _ = app.review_row_target(frames.display_rows(first.all_rows).iloc[0].tolist())
    done = app.dismiss_flag(target, degree, "2023年口径：允许定性表述", store_dir=str(folder))
    assert "status ok" in done
    again = app.review_documents(None, pasted, store_dir=str(folder), workers=pool)
    assert degree not in again.all_rows["问题"].iloc[0]
