"""Leave-one-project-out data for the ranker, and the matching rule shared with the evaluation.

A true indicator of a held-out project is *found* by a suggestion when both sit in the same slot
(二级 label; the cost labels 成本指标/经济成本指标/… count as one slot) and their names match by
:func:`~assistant.text.similarity.names_match` (character-bigram Dice ≥ 0.5).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.records.schema import Project, ProjectDraft

from ...text.similarity import MATCH_THRESHOLD, names_match, normalise_name
from .candidates import Candidate
from .corpus import COST_SLOTS, Corpus, Row
from .ranker import MODEL_FEATURES, LinearRanker, feature_vector, train_ranker


def eval_slot(level2: str) -> str:
    """The slot used for matching: the 二级 label, with every cost label merged into 成本."""
    return "成本" if level2 in COST_SLOTS else level2


class NamedRow(Protocol):
    """A true indicator as the matching rule reads it (a corpus row, or an evaluation row)."""

    @property
    def level2(self) -> str: ...

    @property
    def name(self) -> str: ...


def matches(level2: str, name: str, truth: NamedRow, threshold: float = MATCH_THRESHOLD) -> bool:
    """Whether a suggestion (slot, name) finds a true indicator (Dice ≥ ``threshold``, default 0.5)."""
    return eval_slot(level2) == eval_slot(truth.level2) and names_match(name, truth.name, threshold)


def draft_of(project: Project, max_goal: int = 5000, max_name: int = 200) -> ProjectDraft:
    """The draft a drafter would type for a past project (its header, without its indicators)."""
    goal = (project.goal or "")[:max_goal] or None
    budget = project.budget_wan if project.budget_wan and project.budget_wan > 0 else None
    year = project.year if project.year and 1990 <= project.year <= 2100 else None
    return ProjectDraft(
        name=(project.name or "未命名项目")[:max_name],
        goal=goal,
        budget_wan=budget,
        year=year,
        department=(project.department or None) and project.department[:200],
    )


def exclusion(corpus: Corpus, index: int, same_name: bool = False) -> frozenset[int]:
    """The projects hidden when ``index`` is held out (optionally every project with its name too)."""
    if not same_name:
        return frozenset({index})
    key = normalise_name(corpus.projects[index].name)
    return frozenset(i for i, p in enumerate(corpus.projects) if normalise_name(p.name) == key)


@dataclass(frozen=True)
class LooExample:
    """The candidates generated for one held-out project, with their labels."""

    project: int
    candidates: list[Candidate]
    labels: np.ndarray


def label(candidates: Sequence[Candidate], truth: Sequence[Row]) -> np.ndarray:
    """1 for each candidate that finds at least one true indicator."""
    return np.asarray(
        [1 if any(matches(c.level2, c.name, t) for t in truth) else 0 for c in candidates], dtype=np.int64
    )


def loo_examples(
    suggester: object, corpus: Corpus, indices: Iterable[int], same_name: bool = False
) -> list[LooExample]:
    """Candidates for every held-out project in ``indices`` (projects without rows are skipped)."""
    out = []
    for i in indices:
        truth = corpus.true_indicators(i)
        if not truth:
            continue
        exclude = exclusion(corpus, i, same_name)
        candidates = suggester.candidates(draft_of(corpus.projects[i]), exclude)  # type: ignore[attr-defined]
        out.append(LooExample(i, candidates, label(candidates, truth)))
    return out


def dataset(examples: Sequence[LooExample]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature matrix, labels and group (held-out project) of every ranked candidate (library
    proposals carry a fixed, measured confidence and are not ranked by the model)."""
    kept = [
        (c, int(y), e.project)
        for e in examples
        for c, y in zip(e.candidates, e.labels, strict=True)
        if c.proposal is None
    ]
    rows = [feature_vector(c.features) for c, _, _ in kept]
    x = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(MODEL_FEATURES))
    y = np.asarray([label for _, label, _ in kept], dtype=np.int64)
    groups = np.asarray([project for _, _, project in kept], dtype=np.int64)
    return x, y, groups


def fit(examples: Sequence[LooExample], **kwargs: object) -> LinearRanker:
    """Train the ranker on leave-one-project-out examples."""
    x, y, groups = dataset(examples)
    return train_ranker(x, y, groups, **kwargs)  # type: ignore[arg-type]
