"""How much of the suggest target the corpus allows: upper bounds on leave-one-project-out recall.

A true indicator can only be found by a suggestion whose name matches it (same slot, character-bigram
Dice ≥ 0.5, :func:`assistant.engines.suggest.training.matches`). The bounds, macro- or micro-averaged
as printed:

- ``other_projects``: share of true indicators whose name matches an indicator of *any other* project
  (what copying or merging past names can reach at best, with unlimited rows);
- ``goal_only``: share matched by no other project but by a span of the project's own name + goal
  (what naming indicators from the goal text could add at best);
- ``pool``: share matched by any candidate the engine generates (macro over projects);
- ``oracle@k``: the best k candidates of that pool chosen with the answers known (greedy set cover),
  i.e. recall@k of a perfect ranker;
- ``ranked@k``: the engine's own cross-fitted ranker taking its top k distinct candidates, before
  rendering and review drop or rename any.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.engines.suggest.candidates import Candidate, is_duplicate
from assistant.engines.suggest.training import eval_slot, fit, loo_examples, matches
from assistant.text.similarity import MATCH_THRESHOLD, dice, names_match, normalise_name

from .suggest_eval import Config, Evaluator, _fold_of


@dataclass(frozen=True)
class Ceiling:
    """Upper bounds on recall (see the module docstring)."""

    indicators: int
    other_projects: float
    goal_only: float
    pool: float
    oracle: dict[int, float]
    ranked: dict[int, float]


def best_span_dice(name: str, text: str) -> float:
    """The best Dice between ``name`` and any span of ``text`` of about its length.

    Example:
        >>> best_span_dice("钠灯改造盏数", "将辖区钠灯改造成LED节能灯120盏")
        0.75
    """
    norm, text = normalise_name(name), normalise_name(text)
    best = 0.0
    for width in range(max(2, len(norm) - 4), len(norm) + 5):
        for start in range(max(1, len(text) - width + 1)):
            best = max(best, dice(text[start : start + width], name))
    return best


def greedy_cover(covers: Sequence[set[int]], k: int) -> set[int]:
    """The true indicators found by the ``k`` candidates that cover most of them (greedy)."""
    found: set[int] = set()
    for _ in range(k):
        gain = max(covers, key=lambda c: len(c - found), default=set())
        if not gain - found:
            break
        found |= gain
    return found


def top_distinct(candidates: Sequence[Candidate], scores: np.ndarray, k: int) -> list[Candidate]:
    """The ``k`` best-scored candidates, skipping duplicates of those already taken."""
    picks: list[Candidate] = []
    for i in np.argsort(-scores, kind="stable"):
        c = candidates[int(i)]
        if not any(is_duplicate(c, p) for p in picks):
            picks.append(c)
            if len(picks) >= k:
                break
    return picks


def measure(evaluator: Evaluator, ks: Sequence[int] = (5, 10)) -> Ceiling:
    """The bounds over ``evaluator``'s corpus, with the default engine's candidates and ranker folds."""
    corpus = evaluator.corpus
    names_by_slot: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for i in evaluator.indices:
        for t in corpus.true_indicators(i):
            names_by_slot[eval_slot(t.level2)].append((i, t.name))
    total = other = goal_only = 0
    for i in evaluator.indices:
        project = corpus.projects[i]
        text = f"{project.name or ''}{project.goal or ''}"
        for t in corpus.true_indicators(i):
            total += 1
            if any(j != i and names_match(n, t.name) for j, n in names_by_slot[eval_slot(t.level2)]):
                other += 1
            elif best_span_dice(t.name, text) >= MATCH_THRESHOLD:
                goal_only += 1

    suggester = evaluator.suggester(Config("ceiling", retrieval="bigram"))
    suggester.warm_up()
    examples = loo_examples(suggester, corpus, evaluator.indices)
    fold_of = {e.project: _fold_of(corpus.projects[e.project], evaluator.folds) for e in examples}
    rankers = {f: fit([e for e in examples if fold_of[e.project] != f]) for f in set(fold_of.values())}
    pool: list[float] = []
    oracle: dict[int, list[float]] = {k: [] for k in ks}
    ranked: dict[int, list[float]] = {k: [] for k in ks}
    for e in examples:
        truth = corpus.true_indicators(e.project)
        covers = [{j for j, t in enumerate(truth) if matches(c.level2, c.name, t)} for c in e.candidates]
        pool.append(len(set().union(*covers)) / len(truth) if covers else 0.0)
        ranker = rankers[fold_of[e.project]]
        scores = ranker.logits(ranker.matrix([c.features for c in e.candidates]))
        for k in ks:
            oracle[k].append(len(greedy_cover(covers, k)) / len(truth))
            picks = top_distinct(e.candidates, scores, k)
            ranked[k].append(
                sum(any(matches(c.level2, c.name, t) for c in picks) for t in truth) / len(truth)
            )
    return Ceiling(
        indicators=total,
        other_projects=other / max(total, 1),
        goal_only=goal_only / max(total, 1),
        pool=float(np.mean(pool)) if pool else 0.0,
        oracle={k: float(np.mean(v)) for k, v in oracle.items()},
        ranked={k: float(np.mean(v)) for k, v in ranked.items()},
    )
