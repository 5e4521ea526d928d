"""Worker processes for the app's heavy requests, each call bounded in time and really stopped past it.

A review (or an ingest) reads uploaded documents and writes reports: tens of milliseconds of CPU for
a seed file, seconds for a large workbook, minutes for a hostile one. Run inside the server it holds
the interpreter lock every other user's draft and search need. :class:`WorkerPool` runs such calls in
at most ``size`` worker processes (started lazily with the ``spawn`` method, each with its own
engines, loaded once per worker), one call per worker at a time. A call that overruns its limit gets
its worker killed — nothing of it keeps running — and a fresh worker is started when next needed.

Example:
    >>> pool = WorkerPool(1)                                                    # doctest: +SKIP
    >>> pool.run(pow, 2, 10, limit=5.0)                                         # doctest: +SKIP
    1024
    >>> pool.run(time.sleep, 60, limit=0.5, action="审核")                      # doctest: +SKIP
    Traceback (most recent call last):
    TimeLimitError: 审核超过 0.5 秒仍未完成，已中止…
"""

from __future__ import annotations

import contextvars
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from ..errors import AssistantError, TimeLimitError
from ..limits import current, env_name

T = TypeVar("T")

WORKERS_ENV = "ASSISTANT_APP_WORKERS"


def default_size() -> int:
    """Worker processes for the app: ``$ASSISTANT_APP_WORKERS``, else one core less than the machine
    has (the server keeps one), at least 1 and at most 4."""
    raw = os.environ.get(WORKERS_ENV, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def time_limit() -> float:
    """The per-request limit in force (``ASSISTANT_MAX_REQUEST_SECONDS``), in seconds."""
    return float(current().max_request_seconds)


def over_limit(
    action: str, limit: float, advice: str = "请稍后重试", outcome: str = "已中止"
) -> TimeLimitError:
    """The one-line error for a request (``action``: 审核, 生成指标表 …) stopped at ``limit`` seconds.

    Example:
        >>> str(over_limit("审核", 120, "请拆分文件后重试"))
        '审核超过 120 秒仍未完成，已中止；请拆分文件后重试（上限 120 秒，环境变量 ASSISTANT_MAX_REQUEST_SECONDS 可调）'
    """
    return TimeLimitError(
        f"{action}超过 {limit:g} 秒仍未完成，{outcome}；{advice}"
        f"（上限 {limit:g} 秒，环境变量 {env_name('max_request_seconds')} 可调）"
    )


class WorkerPool:
    """At most ``size`` worker processes, each running one call at a time (see the module docstring).

    Thread-safe: the app's handler threads share one pool. Workers start on first use (or
    :meth:`warm_up`) and stay until :meth:`close`, a crash, or a call past its limit.
    """

    def __init__(self, size: int | None = None) -> None:
        self.size = size if size is not None else default_size()
        if self.size < 1:
            raise ValueError(f"size must be at least 1, got {self.size}")
        self._slots = threading.BoundedSemaphore(self.size)
        self._idle: list[ProcessPoolExecutor] = []
        self._lock = threading.Lock()
        self._context = multiprocessing.get_context("spawn")  # never fork a threaded server

    def run(
        self,
        fn: Callable[..., T],
        *args: Any,
        limit: float | None = None,
        action: str = "请求",
        advice: str = "请稍后重试",
    ) -> T:
        """``fn(*args)`` in a worker (``fn`` and its arguments must pickle: a module-level function of
        plain values). Waiting for a free worker counts towards ``limit`` (``None``: :func:`time_limit`).

        Raises:
            TimeLimitError: no result within ``limit`` seconds (the worker running it is killed).
            AssistantError: the worker died (its message says so); ``fn``'s own exceptions as raised.
        """
        limit = time_limit() if limit is None else limit
        deadline = time.monotonic() + limit
        if not self._slots.acquire(timeout=max(limit, 0.0)):
            raise over_limit(action, limit, advice)
        executor: ProcessPoolExecutor | None = None
        keep = False
        try:
            executor = self._checkout()
            future = executor.submit(fn, *args)
            try:
                result = future.result(timeout=max(deadline - time.monotonic(), 0.0))
            except FutureTimeout:
                raise over_limit(action, limit, advice) from None
            except BrokenProcessPool:
                raise AssistantError(
                    f"{action}的工作进程意外退出（可能内存不足）；请重试或拆分文件"
                ) from None
            keep = True
            return result
        finally:
            if executor is not None:
                if keep:
                    with self._lock:
                        self._idle.append(executor)
                else:
                    _kill(executor)
            self._slots.release()

    def warm_up(self, fn: Callable[..., Any] | None = None, *args: Any) -> None:
        """Start every worker now (and run ``fn(*args)`` in each, e.g. to load the engines); waits
        for calls in progress, so that the pool never holds more than ``size`` workers."""
        for _ in range(self.size):
            self._slots.acquire()
        executors: list[ProcessPoolExecutor] = []
        try:
            executors = [self._checkout() for _ in range(self.size)]
            for future in [e.submit(fn or os.getpid, *args) for e in executors]:
                future.result()
        finally:
            with self._lock:
                self._idle.extend(executors)
            for _ in range(self.size):
                self._slots.release()

    def pids(self) -> list[int]:
        """Process ids of the live workers (idle ones; busy workers are checked out)."""
        with self._lock:
            return [pid for e in self._idle for pid in _processes(e)]

    def close(self) -> None:
        """Stop the idle workers (busy ones stop when their call returns to a closed pool)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for executor in idle:
            executor.shutdown(wait=True, cancel_futures=True)

    def _checkout(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return ProcessPoolExecutor(
            max_workers=1, mp_context=self._context, initializer=_watch_parent, initargs=(os.getpid(),)
        )


def _watch_parent(parent: int, every_s: float = 1.0) -> None:
    """In a worker: exit once the server that started it is gone (killed servers leave no workers)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_s)
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def call_within(
    fn: Callable[..., T],
    *args: Any,
    limit: float | None = None,
    action: str = "请求",
    advice: str = "请稍后重试",
) -> T:
    """``fn(*args)`` in this process, waited for at most ``limit`` seconds (``None``: :func:`time_limit`).

    For the app's short engine calls (draft, search): a thread cannot be killed, so a call past the
    limit is abandoned — the user gets the message at once and its result is dropped when it ends.
    Documents go to a :class:`WorkerPool`, whose calls are really stopped.

    Raises:
        TimeLimitError: no result within ``limit`` seconds; ``fn``'s own exceptions as raised.
    """
    limit = time_limit() if limit is None else limit
    done = threading.Event()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn(*args)
        except BaseException as error:  # handed to the caller below
            box["error"] = error
        finally:
            done.set()

    context = contextvars.copy_context()  # the caller's context: gr.Progress finds its request there
    threading.Thread(target=context.run, args=(target,), name=f"request:{action}", daemon=True).start()
    if not done.wait(max(limit, 0.0)):
        raise over_limit(action, limit, advice, outcome="已放弃本次请求")
    if "error" in box:
        raise box["error"]
    return box["result"]


def _processes(executor: ProcessPoolExecutor) -> list[int]:
    # the executor's own table of its processes (no public accessor); empty before the first submit
    return list(getattr(executor, "_processes", None) or {})


def _kill(executor: ProcessPoolExecutor) -> None:
    """Kill an executor's process (a call past its limit, or a broken worker) and reap it."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        process.kill()
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=5)


__all__ = ["WORKERS_ENV", "WorkerPool", "call_within", "default_size", "over_limit", "time_limit"]
