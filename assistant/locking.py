"""One cross-process lock for every writer of shared files (store commits, index and model builds)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the ``with`` block.

    Two processes building the same index or model, or committing to the same store, wait for each
    other instead of interleaving their writes. ``filelock`` uses ``fcntl.flock`` on POSIX and
    ``msvcrt.locking`` on Windows (budget offices run Windows), so the guarantee holds on both; the
    lock is released by the operating system if the holder is killed.
    """
    from filelock import FileLock

    path.parent.mkdir(parents=True, exist_ok=True)
    # A new lock object per call: threads of the app wait on each other like processes do.
    with FileLock(str(path), thread_local=False):
        yield
