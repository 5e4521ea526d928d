"""Atomic writes: a reader sees the old file (or folder) or the new one, never half of one.

A file is written under a temporary name in its own folder (so on the same file system), flushed to
disk and renamed over the target (:func:`os.replace`); a folder is built in a temporary sibling and
swapped in (:func:`swap_in`). A failure removes the temporary and leaves the target as it was.

Example:
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "清单.json"
    >>> write_text_atomic(target, '{"a": 1}')
    >>> target.read_text(encoding="utf-8"), target.stat().st_mode & 0o777
    ('{"a": 1}', 420)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary file beside ``path`` for the block to write; renamed over ``path`` on success.

    The temporary keeps ``path``'s suffix (writers such as openpyxl's look at it) and is made
    readable by everyone (0644, like a plainly written file). On any exception it is removed.
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=f".tmp{path.suffix}")
    os.close(fd)
    tmp = Path(name)
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes 0600
        yield tmp
        with open(tmp, "rb+") as handle:  # what the block wrote reaches the disk before the rename
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def copy_atomic(source: str | Path, path: str | Path) -> None:
    """Copy the file ``source`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        shutil.copyfile(source, tmp)


def swap_in(staging: Path, target: Path) -> None:
    """Put the finished folder ``staging`` in place of ``target`` (which may not exist yet).

    The old folder is renamed aside first and deleted after the swap; a reader that opened files in
    it keeps reading them.
    """
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}-{time.monotonic_ns()}"
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
