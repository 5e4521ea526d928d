"""How often a library row of each kind names a true indicator — the measurement behind
``LIBRARY_CONFIDENCE`` in assistant/engines/suggest/suggester.py.

Pools leave-one-project-out over seeds + songgang (each project drafted with itself hidden) and the
cross-domain tables of ../shared/data/pages (drafted from seeds + songgang). A library candidate
counts as a hit when it matches a true indicator by the evaluation's rule (same slot, name bigram
Dice ≥ 0.5). Read from ../shared at run time; nothing is copied into the repository.

Usage:
    .venv/bin/python scripts/calibrate_library.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared" / "data"


def main() -> int:
    from assistant.engines.suggest.corpus import Corpus
    from assistant.engines.suggest.suggester import LIBRARY_CONFIDENCE, Suggester
    from assistant.engines.suggest.training import draft_of, label, loo_examples
    from assistant.evaluation.cross_domain import _truth, load_pages
    from assistant.evaluation.suggest_eval import load_projects

    corpus = Corpus(load_projects(None, SHARED / "songgang"))
    suggester = Suggester(corpus=corpus, embedder=False)
    indices = [i for i in range(len(corpus)) if corpus.true_indicators(i)]
    pairs = [
        (c, y)
        for e in loo_examples(suggester, corpus, indices)
        for c, y in zip(e.candidates, e.labels, strict=True)
    ]
    pages = load_pages(SHARED / "pages" / "projects.jsonl")
    for project in pages:
        candidates = suggester.candidates(draft_of(project))
        pairs += list(zip(candidates, label(candidates, _truth(project)), strict=True))
    rows, hits = Counter(), Counter()
    for candidate, hit in pairs:
        if candidate.proposal is None:
            continue
        key = (
            "generic" if candidate.proposal.template.domain == "共性" else "domain",
            candidate.proposal.kind,
        )
        rows[key] += 1
        hits[key] += int(hit)
    print(f"{'scope':8s} {'kind':12s} {'rows':>6s} {'hits':>5s} {'rate':>6s} {'in use':>7s}")
    for key in sorted(rows):
        rate = hits[key] / rows[key]
        print(
            f"{key[0]:8s} {key[1]:12s} {rows[key]:6d} {hits[key]:5d} {rate:6.3f} {LIBRARY_CONFIDENCE[key]:7.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
