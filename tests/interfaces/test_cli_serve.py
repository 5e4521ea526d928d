"""``assistant serve``: options and one-line errors (the server itself is driven in tests/e2e)."""

from __future__ import annotations

import subprocess
import sys

from assistant.interfaces.cli import build_parser


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.interfaces.cli", "serve", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_defaults_bind_localhost_7860():
    parser, runners = build_parser()
    args = parser.parse_args(["serve"])
    assert (args.host, args.port, args.store, args.no_warm_up) == ("127.0.0.1", 7860, None, False)
    assert runners["serve"].__name__.endswith("commands.serve")


def test_bad_port_and_bad_store_are_one_line_errors(tmp_path):
    bad_port = _run("--port", "70000")
    assert bad_port.returncode == 2 and "端口无效" in bad_port.stderr and "Traceback" not in bad_port.stderr
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    bad_store = _run("--store", str(not_a_folder), "--port", "1")
    assert bad_store.returncode == 2 and "Traceback" not in bad_store.stderr
    assert bad_store.stderr.count("\n") == 1 and "不是文件夹" in bad_store.stderr
