"""Review quality on the labelled sets (same as ``assistant eval review``), with the songgang
workbooks of ../shared/data/songgang (read from ../shared, never copied into the repository).

Usage:
    .venv/bin/python scripts/eval_review.py [--ablation] [--verbose] [--json]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.interfaces.cli import main  # noqa: E402

SONGGANG = ROOT.parent / "shared" / "data" / "songgang"

if __name__ == "__main__":
    argv = ["eval", "review", *sys.argv[1:]]
    if "--songgang" not in argv:
        argv += ["--songgang", str(SONGGANG)]
    raise SystemExit(main(argv))
