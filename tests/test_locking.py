"""The cross-process write lock (filelock: fcntl on POSIX, msvcrt on Windows)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from assistant.locking import exclusive_lock

_HOLDER = (
    "import sys, time; from pathlib import Path; from assistant.locking import exclusive_lock\n"
    "with exclusive_lock(Path(sys.argv[1])):\n"
    "    print('held', flush=True); time.sleep(60)\n"
)


def test_threads_take_turns(tmp_path: Path) -> None:
    events: list[tuple[int, str]] = []

    def hold(tag: int) -> None:
        with exclusive_lock(tmp_path / "x.lock"):
            events.append((tag, "in"))
            time.sleep(0.05)
            events.append((tag, "out"))

    threads = [threading.Thread(target=hold, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(events[i][0] == events[i + 1][0] for i in range(0, len(events), 2))


def test_another_process_waits_and_a_killed_holder_releases(tmp_path: Path) -> None:
    lock = tmp_path / "sub" / "x.lock"
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        got = threading.Event()

        def take() -> None:
            with exclusive_lock(lock):
                got.set()

        waiter = threading.Thread(target=take, daemon=True)
        waiter.start()
        assert not got.wait(0.5)  # held by the other process
        os.kill(holder.pid, signal.SIGKILL)  # kill -9: the operating system releases the lock
        assert got.wait(10)
    finally:
        holder.kill()
        holder.wait()
