"""Helpers shared by the command modules: the ``--store`` option, JSON lines, one-line errors."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...store.database import Store

ERROR_PREFIX = "assistant: error: "
WARNING_PREFIX = "assistant: warning: "


def add_store_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--store DIR`` (default: ``$ASSISTANT_STORE`` or the project's own corpus)."""
    parser.add_argument(
        "--store",
        metavar="DIR",
        default=None,
        help="存储文件夹（默认：环境变量 ASSISTANT_STORE，否则项目自带的 corpus/store，首次使用时由 corpus/raw 构建）",
    )


def open_store(args: argparse.Namespace) -> Store:
    """The store selected by ``--store`` (``None`` → the default store, built on first use)."""
    from ...ingest import open_store as open_any

    return open_any(getattr(args, "store", None))


def one_line(message: object) -> str:
    """Collapse a message onto one line (the contract: one error line per problem)."""
    return " ".join(str(message).split())


def print_error(message: object) -> None:
    """``assistant: error: <message>`` on stderr, safe to call while a progress bar is shown."""
    _print_stderr(ERROR_PREFIX + one_line(message))


def print_warning(message: object) -> None:
    """``assistant: warning: <message>`` on stderr (something read under an assumption or skipped)."""
    _print_stderr(WARNING_PREFIX + one_line(message))


def _print_stderr(line: str) -> None:
    if "tqdm" in sys.modules:
        from tqdm import tqdm

        tqdm.write(line, file=sys.stderr)
    else:
        print(line, file=sys.stderr)
    sys.stderr.flush()


def print_json(data: Any) -> None:
    """One UTF-8 JSON object per line on stdout (Chinese kept as is)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
