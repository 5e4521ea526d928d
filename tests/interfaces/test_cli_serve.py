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
    assert args.allow_ingest is False  # read-only unless asked
    assert runners["serve"].__name__.endswith("commands.serve")


def test_bad_port_and_bad_store_are_one_line_errors(tmp_path):
    bad_port = _run("--port", "70000")
    assert bad_port.returncode == 2 and "端口无效" in bad_port.stderr and "Traceback" not in bad_port.stderr
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    bad_store = _run("--store", str(not_a_folder), "--port", "1")
    assert bad_store.returncode == 2 and "Traceback" not in bad_store.stderr
    assert bad_store.stderr.count("\n") == 1 and "不是文件夹" in bad_store.stderr


def test_library_debug_loggers_stay_quiet_on_stderr(tmp_path):
    """bm25s sets its logger to DEBUG itself; the CLI's stderr handler must still drop those records."""
    code = (
        "import logging\n"
        "from assistant.interfaces.cli import _configure_logging\n"
        "from assistant.text.tokenizer import Tokenizer\n"
        "_configure_logging(0)\n"
        "noisy = logging.getLogger('bm25s'); noisy.setLevel(logging.DEBUG)\n"
        "noisy.debug('Building index from IDs objects')\n"
        "Tokenizer(cache_directory=__import__('pathlib').Path({!r})).cut('培训人次')\n"
        "noisy.warning('真正的警告')\n".format(str(tmp_path / "cache"))
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Building" not in done.stderr and "prefix dict" not in done.stderr
    assert "真正的警告" in done.stderr


def test_ingest_beyond_loopback_needs_a_token(tmp_path):
    env_free = _run("--host", "0.0.0.0", "--allow-ingest", "--store", str(tmp_path / "s"), "--port", "1")
    assert env_free.returncode == 2 and "Traceback" not in env_free.stderr
    assert env_free.stderr.count("\n") == 1 and "ASSISTANT_INGEST_TOKEN" in env_free.stderr
