"""Merge near-duplicate indicator names into templates (培训人次 ≈ 培训人数, 群众满意度 ≈ 受益群众满意度).

Rule: within one 二级 slot, unique normalised names are visited from the most to the least frequent
(ties: shorter first, then lexical order). A name joins the existing *leader* with the highest
character-bigram Dice coefficient if that is ≥ :data:`~assistant.text.similarity.MERGE_THRESHOLD` (0.6); otherwise it
becomes a new leader. Leaders never change, so the clustering is deterministic, does not chain
(a member is always ≥ 0.6 from its leader) and costs one inverted-index probe per name: only the
rarest bigrams of a name are probed (prefix filtering), which is exact for Dice and keeps 1M-row
corpora fast.

Example:
    >>> cluster_names(["培训人次", "培训人数", "受益群众满意度", "群众满意度"], [5, 2, 3, 1])
    [0, 0, 1, 1]
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

from ...text.similarity import MERGE_THRESHOLD, bigrams, normalise_name


def cluster_names(
    names: Sequence[str], counts: Sequence[int] | None = None, threshold: float = MERGE_THRESHOLD
) -> list[int]:
    """Cluster names (of one slot) into templates; returns a template number per input name.

    Template numbers are dense (0, 1, …) in order of their leader's first appearance in the
    frequency order. Names with the same normalised form always share a template.
    """
    counts = list(counts) if counts is not None else [1] * len(names)
    norm = [normalise_name(n) for n in names]
    total: Counter[str] = Counter()
    for key, c in zip(norm, counts, strict=True):
        total[key] += c
    order = sorted(total, key=lambda k: (-total[k], len(k), k))
    document_frequency: Counter[str] = Counter()
    for key in order:
        document_frequency.update(bigrams(key))

    leader_of: dict[str, int] = {}
    leader_grams: list[frozenset[str]] = []
    postings: dict[str, list[int]] = defaultdict(list)
    for key in order:
        grams = bigrams(key)
        best, best_score = -1, 0.0
        if grams:
            ranked = sorted(grams, key=lambda g: (document_frequency[g], g))
            need = math.ceil(threshold * len(ranked) / (2.0 - threshold) - 1e-9)
            prefix = ranked[: max(1, len(ranked) - need + 1)]
            candidates = {leader for g in prefix for leader in postings.get(g, ())}
            for leader in candidates:
                other = leader_grams[leader]
                score = 2.0 * len(grams & other) / (len(grams) + len(other))
                if score > best_score or (score == best_score and leader < best):
                    best, best_score = leader, score
        if best >= 0 and best_score >= threshold:
            leader_of[key] = best
            continue
        new = len(leader_grams)
        leader_grams.append(grams)
        leader_of[key] = new
        for g in grams:
            postings[g].append(new)
    return [leader_of[k] for k in norm]
