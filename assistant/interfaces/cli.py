"""The ``assistant`` command: an argparse frame over the modules in ``assistant/interfaces/commands``.

Each command module has ``register(subparsers)`` and ``run(args) -> int``; this file imports them
only when building the parser (never at its own import), and turns user errors into one line on
stderr:

- :class:`~assistant.errors.AssistantError` → ``assistant: error: <message>``, exit 2;
- bad options → argparse's usage message, exit 2;
- Ctrl-C → ``assistant: interrupted``, exit 130;
- any other exception is a bug and shows its traceback.

Logging is configured here and nowhere else.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Sequence
from importlib import import_module
from types import ModuleType
from typing import NoReturn

from .. import __version__

COMMANDS = ("ingest", "review", "suggest", "serve", "models", "eval", "store", "remove")
_PACKAGE = "assistant.interfaces.commands"


# argparse's own error messages, said in Chinese (the contract: one line, exit status 2)
_ARGPARSE_MESSAGES = (
    (re.compile(r"^unrecognized arguments: (.*)$"), "无法识别的参数：{0}"),
    (re.compile(r"^the following arguments are required: (.*)$"), "缺少必需的参数：{0}"),
    (
        re.compile(r"^argument (.*?): invalid choice: '?(.*?)'? \(choose from (.*)\)$"),
        "{0} 不能是“{1}”，可选：{2}",
    ),
    (re.compile(r"^argument (.*?): expected one argument$"), "{0} 后面需要一个值"),
    (re.compile(r"^argument (.*?): invalid (\w+) value: '?(.*?)'?$"), "{0} 的值“{2}”无效（需要 {1}）"),
    (re.compile(r"^argument (.*?): not allowed with argument (.*)$"), "{0} 不能与 {1} 同时使用"),
    (re.compile(r"^argument (.*?): (.*)$"), "{0}：{1}"),
)


def chinese_usage_error(message: str) -> str:
    """argparse's message in Chinese (the message itself when it is not one of the known forms).

    Example:
        >>> chinese_usage_error("unrecognized arguments: --bogus")
        '无法识别的参数：--bogus'
        >>> chinese_usage_error("argument COMMAND: invalid choice: 'x' (choose from 'ingest', 'review')")
        "COMMAND 不能是“x”，可选：'ingest', 'review'"
    """
    for pattern, template in _ARGPARSE_MESSAGES:
        m = pattern.match(message)
        if m:
            return template.format(*m.groups())
    return message


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one Chinese line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        from .commands.common import print_error

        print_error(f"{chinese_usage_error(message)}（用 `{self.prog} --help` 查看用法）")
        raise SystemExit(2)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """The parser with every available command, and which module runs each command name."""
    parser = _Parser(
        prog="assistant",
        description="绩效目标助手：为项目支出绩效目标表推荐可衡量的指标，并标出含糊的指标值。",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="输出更多日志（-v 信息，-vv 调试，含读取失败的完整回溯）",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    runners: dict[str, ModuleType] = {}
    for name in COMMANDS:
        module = import_module(f"{_PACKAGE}.{name}")
        before = set(subparsers.choices)
        module.register(subparsers)
        for command in set(subparsers.choices) - before:
            runners[command] = module
    return parser, runners


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    root = logging.getLogger()
    existing = list(root.handlers)
    logging.basicConfig(level=level, stream=sys.stderr, format="assistant: %(levelname)s: %(message)s")
    root.setLevel(level)
    # Some libraries set their own logger to DEBUG (bm25s: "Building index from IDs objects"; jieba:
    # "Building prefix dict …"); a record from them skips the root level and reaches every root
    # handler, so our stderr handler filters by the chosen level itself.
    for handler in root.handlers:
        if handler not in existing:
            handler.setLevel(level)
    # Library warnings (openpyxl styles, …) would add stray multi-line output to stderr.
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").setLevel(logging.WARNING if verbosity > 0 else logging.ERROR)


def _utf8_streams() -> None:
    """The contract's JSON is UTF-8 whatever the locale says."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if encoding not in ("utf-8", "utf8") and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``assistant`` command line; returns the exit status (the console script exits with it)."""
    from ..errors import AssistantError
    from .commands.common import print_error

    _utf8_streams()
    parser, runners = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a bad option (argparse printed the message)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    _configure_logging(args.verbose)
    try:
        return int(runners[args.command].run(args))
    except AssistantError as exc:
        print_error(exc)
        return 2
    except KeyboardInterrupt:
        print("assistant: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `assistant ingest --json … | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    raise SystemExit(main())
