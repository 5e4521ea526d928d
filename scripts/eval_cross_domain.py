"""Cross-domain check of suggest: the published tables of ../shared/data/pages as new projects,
drafted from a seeds + songgang corpus (read from ../shared; nothing is copied into the repo).

Usage:
    .venv/bin/python scripts/eval_cross_domain.py [--pages ../shared/data/pages/projects.jsonl] [--sources]
    .venv/bin/python scripts/eval_cross_domain.py --pages corpus/labels/suggest_blind.jsonl   # the blind set

``--sources`` also drafts each unit of the corpus (a seed document, the songgang workbooks) from the
other units only.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.errors import AssistantError  # noqa: E402
from assistant.evaluation.cross_domain import main  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"

if __name__ == "__main__":
    argv = sys.argv[1:]
    if "--pages" not in argv:
        argv += ["--pages", str(SHARED / "pages" / "projects.jsonl")]
    if "--songgang" not in argv:
        argv += ["--songgang", str(SHARED / "songgang")]
    try:
        raise SystemExit(main(argv))
    except AssistantError as error:
        print(f"eval_cross_domain: error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
