"""Leave-one-project-out evaluation of the suggest engine (same as ``assistant eval suggest``).

Usage:
    .venv/bin/python scripts/eval_suggest.py [--only engine,baseline] [--json] [--train-out models/suggest/ranker.npz]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.errors import AssistantError  # noqa: E402
from assistant.evaluation.suggest_eval import main  # noqa: E402

SONGGANG = Path(__file__).resolve().parents[2] / "shared" / "data" / "songgang"

if __name__ == "__main__":
    argv = sys.argv[1:]
    if "--songgang" not in argv and "--store" not in argv:
        argv += ["--songgang", str(SONGGANG)]  # read from ../shared, never copied into the repository
    try:
        raise SystemExit(main(argv))
    except AssistantError as error:
        print(f"eval_suggest: error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
