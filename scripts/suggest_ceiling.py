"""Upper bounds on suggest recall that the corpus allows (see assistant/evaluation/suggest_ceiling.py).

Usage:
    .venv/bin/python scripts/suggest_ceiling.py [--store DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.evaluation.suggest_ceiling import measure  # noqa: E402
from assistant.evaluation.suggest_eval import Evaluator, load_projects  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="measure over this store instead of the seeds + songgang workbooks")
    args = parser.parse_args()
    songgang = Path(__file__).resolve().parents[2] / "shared" / "data" / "songgang"
    evaluator = Evaluator(load_projects(args.store, songgang))
    c = measure(evaluator)
    print(f"true indicators: {c.indicators} in {len(evaluator.indices)} projects")
    print(f"name matches an indicator of another project (micro): {c.other_projects:.3f}")
    print(f"matched only by a span of its own name + goal (micro): {c.goal_only:.3f}")
    print(f"engine candidate pool (macro):                          {c.pool:.3f}")
    for k in sorted(c.oracle):
        print(
            f"recall@{k:<2d} perfect ranker over the pool / engine ranker: {c.oracle[k]:.3f} / {c.ranked[k]:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
