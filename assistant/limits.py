"""Every input bound in one place: what a document, a batch file or a request may hold.

Bounds protect the store and every later user from one bad file (a 700 KB workbook of 2M rows, a
500 MB cell, a sheet of repeated merged ranges, a deeply nested JSON line). Each is checked while
the input is read, never after loading it whole, and a refusal names the file, the bound and the
environment variable that changes it.

Example:
    >>> Limits().describe("max_rows")
    '上限 1000000 行（环境变量 ASSISTANT_MAX_ROWS 可调）'
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, fields

_UNITS = {
    "max_file_bytes": "字节",
    "max_uncompressed_bytes": "字节",
    "max_rows": "行",
    "max_cells": "个单元格",
    "max_cell_chars": "字",
    "max_merged_ranges": "个合并区域",
    "max_json_depth": "层",
    "max_batch_bytes": "字节",
    "max_batch_line_bytes": "字节",
    "max_upload_bytes": "字节",
    "max_request_seconds": "秒",
}


@dataclass(frozen=True, slots=True)
class Limits:
    """Input bounds; each can be changed with ``ASSISTANT_<NAME>`` (e.g. ``ASSISTANT_MAX_ROWS``)."""

    max_file_bytes: int = 50 * 1024 * 1024  # one document on disk
    max_uncompressed_bytes: int = 256 * 1024 * 1024  # an XLSX/DOCX package once unzipped
    max_rows: int = 1_000_000  # table rows per document (all sheets)
    max_cells: int = 5_000_000  # non-empty cells per document (all sheets)
    max_cell_chars: int = 32_767  # one cell (Excel's own limit)
    max_merged_ranges: int = 20_000  # merged ranges per sheet
    max_json_depth: int = 32  # nesting of one JSON value (a batch line is one flat object)
    max_batch_bytes: int = 64 * 1024 * 1024  # a --batch JSONL file
    max_batch_line_bytes: int = 1024 * 1024  # one --batch line
    max_upload_bytes: int = 20 * 1024 * 1024  # one file uploaded to the app
    max_request_seconds: int = 120  # one request of the app (a review, a draft, a search …)

    @classmethod
    def from_env(cls) -> Limits:
        """The defaults, with any ``ASSISTANT_MAX_…`` environment variable applied (bad values ignored)."""
        values: dict[str, int] = {}
        for item in fields(cls):
            raw = os.environ.get(env_name(item.name), "").strip().replace("_", "")
            if raw.isdigit() and int(raw) > 0:
                values[item.name] = int(raw)
        return cls(**values)

    def describe(self, name: str) -> str:
        """``上限 N 单位（环境变量 … 可调）`` for a refusal message."""
        return f"上限 {getattr(self, name)} {_UNITS.get(name, '')}（环境变量 {env_name(name)} 可调）"


def env_name(name: str) -> str:
    return f"ASSISTANT_{name.upper()}"


def current() -> Limits:
    """The bounds in force now (read from the environment on each call, so a test or a server can
    change them without a restart)."""
    return _limits_for(tuple(os.environ.get(name) for name in _ENV_NAMES))


_ENV_NAMES = tuple(env_name(item.name) for item in fields(Limits))


@functools.lru_cache(maxsize=8)
def _limits_for(values: tuple[str | None, ...]) -> Limits:
    """:meth:`Limits.from_env` for one set of the variables' values (readers ask once per sheet)."""
    return Limits.from_env()


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether a JSON text nests deeper than ``limit`` (checked before parsing: a deep line would
    raise RecursionError inside :func:`json.loads`).

    Example:
        >>> json_depth_exceeds('{"a": [1, {"b": "[[[["}]}', 2), json_depth_exceeds("[" * 40, 32)
        (True, True)
        >>> json_depth_exceeds('{"a": "[[[[[["}', 2)
        False
    """
    if text.count("[") + text.count("{") <= limit:  # the common case: nothing to scan
        return False
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False
