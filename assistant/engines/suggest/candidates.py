"""Candidate generation: templates used by the nearest past projects, templates of directly
retrieved indicators, the most frequent templates of each required slot, and new indicators named
from the goal's own counts — each with the features the ranker scores.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.records.levels import parent_of
from assistant.records.schema import ProjectDraft

from ...text.similarity import MERGE_THRESHOLD, coverage, dice, normalise_name, text_bigrams, topic_similarity
from .adapt import Mention, extract_mentions, mention_slot
from .corpus import REQUIRED_GROUPS, SATISFACTION_SLOT, Corpus, slot_group
from .from_library import Proposal
from .ranges import dominant_unit, normalise_unit
from .retrieval import Retriever, rank_weight

UNIT_FAMILIES = ({"人", "人次", "名"}, {"个", "处", "家", "所"}, {"次", "场", "场次"})


@dataclass(frozen=True, slots=True)
class Settings:
    """How many neighbours and hits to read; whether to adapt to the goal."""

    n_projects: int = 12
    n_rows: int = 60
    prior_per_slot: int = 3
    adapt: bool = True


@dataclass(slots=True)
class Candidate:
    """One possible suggestion before rendering: a template (or a goal mention) in a slot."""

    level1: str
    level2: str
    name: str
    template: int | None
    rows: list[int]
    mention: Mention | None = None
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0  # ranker logit
    confidence: float = 0.0  # calibrated probability
    proposal: Proposal | None = None  # a library template made concrete (value and evidence ready)
    origin: str = "corpus"  # corpus | library | earlier-year: what put it in the pool


def query_text(draft: ProjectDraft) -> str:
    """What the draft is retrieved by: name, goal and department."""
    return " ".join(x for x in (draft.name, draft.goal or "", draft.department or "") if x)


def same_unit_family(a: str | None, b: str | None) -> bool:
    """Whether two count units measure the same thing (人 ≈ 人次 ≈ 名)."""
    a, b = normalise_unit(a), normalise_unit(b)
    if not a or not b:
        return False
    return a == b or any(a in family and b in family for family in UNIT_FAMILIES)


def gather(
    corpus: Corpus,
    retriever: Retriever,
    draft: ProjectDraft,
    *,
    exclude: frozenset[int] = frozenset(),
    settings: Settings = Settings(),
) -> list[Candidate]:
    """All candidates for ``draft`` with their features; projects in ``exclude`` are invisible.

    ``exclude`` exists for leave-one-project-out training and evaluation.
    """
    query = query_text(draft)
    query_grams = text_bigrams(query)
    name_grams = text_bigrams(draft.name)
    neighbours = [
        p for p, _ in retriever.projects(query, settings.n_projects + len(exclude)) if p not in exclude
    ]
    neighbours = neighbours[: settings.n_projects]
    hits = [r for r, _ in retriever.indicators(query, settings.n_rows + 32 * len(exclude))]
    hits = [r for r in hits if corpus.rows[r].project not in exclude][: settings.n_rows]

    share: dict[int, float] = defaultdict(float)
    sim_share: dict[int, float] = defaultdict(float)
    slot_share: dict[str, float] = defaultdict(float)
    best_rank: dict[int, int] = {}
    count: dict[int, int] = defaultdict(int)
    name_sim: dict[int, float] = defaultdict(float)
    topic_sim: dict[int, float] = defaultdict(float)
    support: dict[int, list[int]] = defaultdict(list)
    total_weight = sum(rank_weight(r) for r in range(len(neighbours))) or 1.0
    similarities = [dice(draft.name, corpus.projects[p].name) for p in neighbours]
    topics = [topic_similarity(draft.name, corpus.projects[p].name) for p in neighbours]
    total_similarity = sum(similarities) + 1e-6
    for rank, p in enumerate(neighbours):
        similarity = similarities[rank]
        for row_id in corpus.project_rows[p]:
            t = corpus.rows[row_id].template
            support[t].append(row_id)
        for t in corpus.project_templates[p]:
            share[t] += rank_weight(rank) / total_weight
            sim_share[t] += similarity / total_similarity
            best_rank.setdefault(t, rank)
            count[t] += 1
            name_sim[t] = max(name_sim[t], similarity)
            topic_sim[t] = max(topic_sim[t], topics[rank])
        for level2 in {corpus.templates[t].level2 for t in corpus.project_templates[p]}:
            slot_share[level2] += rank_weight(rank) / total_weight
    hit_rank: dict[int, int] = {}
    for rank, row_id in enumerate(hits):
        t = corpus.rows[row_id].template
        hit_rank.setdefault(t, rank)
        if row_id not in support[t]:
            support[t].append(row_id)
    pool = set(share) | set(hit_rank)
    for group_slots in (members for _, members in REQUIRED_GROUPS):
        for t in _frequent(corpus, group_slots, exclude, settings.prior_per_slot):
            pool.add(t)

    candidates: list[Candidate] = []
    for t in sorted(pool):
        stats = corpus.templates[t]
        used_by = len(stats.projects) - sum(1 for e in exclude if e in stats.projects)
        if used_by <= 0:
            continue
        rows = support.get(t) or _visible_rows(corpus, t, exclude, 12)
        level2 = stats.level2
        name = _display_name(corpus, rows)
        if level2 == SATISFACTION_SLOT and "满意" not in name:
            name += "满意度"  # drafters often write only the group asked (村（社区）书记)
        measurable = sum(1 for r in rows if corpus.rows[r].measurable) / len(rows)
        features = {
            "nb_share": share.get(t, 0.0),
            "sim_share": sim_share.get(t, 0.0),
            "slot_share": share.get(t, 0.0) / slot_share[level2] if slot_share.get(level2) else 0.0,
            "top1": 1.0 if best_rank.get(t) == 0 else 0.0,
            "nb_top": 1.0 / (1 + best_rank[t]) if t in best_rank else 0.0,
            "nb_count": count.get(t, 0) / max(settings.n_projects, 1),
            "name_sim": name_sim.get(t, 0.0),
            "topic_sim": topic_sim.get(t, 0.0),  # not ranked on: the relevance gate reads it
            "hit_best": 1.0 / (1 + hit_rank[t]) if t in hit_rank else 0.0,
            "prior": used_by / max(corpus.slot_projects[level2] - len(exclude), 1),
            "goal_cov": coverage(name, query_grams),
            "goal_idf": corpus.weighted_coverage(name, query_grams),
            "name_idf": corpus.weighted_coverage(name, name_grams),
            "mention": 0.0,
            "goal_only": 0.0,
            "measurable": measurable,
            "support": math.log1p(len(rows)) / math.log(50.0),
        }
        level1 = _level1(corpus, rows, level2)
        candidates.append(Candidate(level1, level2, name, t, rows, features=features))

    if settings.adapt:
        _add_mentions(corpus, candidates, extract_mentions(draft.goal), query_grams, name_grams)
    _slot_ranks(candidates)
    return candidates


def _frequent(corpus: Corpus, slots: Iterable[str], exclude: frozenset[int], n: int) -> list[int]:
    """The ``n`` templates of ``slots`` used by most projects (excluded projects not counted)."""
    ranked = corpus.frequent_templates(tuple(slots))
    out: list[int] = []
    for t in ranked:
        used_by = len(corpus.templates[t].projects) - sum(
            1 for e in exclude if e in corpus.templates[t].projects
        )
        if used_by > 0:
            out.append(t)
        if len(out) >= n:
            break
    return out


def _visible_rows(corpus: Corpus, template: int, exclude: frozenset[int], limit: int) -> list[int]:
    out = []
    for r in corpus.templates[template].rows:
        if corpus.rows[r].project not in exclude:
            out.append(r)
            if len(out) >= limit:
                break
    return out


def _display_name(corpus: Corpus, rows: list[int]) -> str:
    """The name a template is shown with: the spelling of its nearest supporting row (rows come in
    neighbour order), so a merged template reads as the most similar project wrote it."""
    return corpus.rows[rows[0]].name.strip()


def _level1(corpus: Corpus, rows: list[int], level2: str) -> str:
    labels = [corpus.rows[r].level1 for r in rows if corpus.rows[r].level1]
    if labels:
        return max(set(labels), key=labels.count)
    return parent_of(level2) or ""


def _add_mentions(
    corpus: Corpus,
    candidates: list[Candidate],
    mentions: list[Mention],
    query_grams: frozenset[str],
    name_grams: frozenset[str],
) -> None:
    """Attach each goal mention to the template it adapts (same slot, compatible unit, the template's
    name mostly inside the mention's), and add it as an indicator of its own as well."""
    for mention in mentions:
        level1, level2 = mention_slot(mention)
        mention_grams = text_bigrams(mention.name)
        best: Candidate | None = None
        best_score = 0.0
        for c in candidates:
            if c.template is None or slot_group(c.level2) != slot_group(level2) or c.mention is not None:
                continue
            if mention.kind == "count":
                unit = dominant_unit([corpus.rows[r].parsed for r in c.rows])
                if not same_unit_family(unit, mention.unit):
                    continue
            elif mention.kind == "rate" and dominant_unit([corpus.rows[r].parsed for r in c.rows]) != "%":
                continue
            score = max(coverage(c.name, mention_grams), dice(c.name, mention.name))
            # more than half: 公务员培训 shares only 培训 with 党员培训班期数 (0.5) and must not take it
            if score > 0.5 and score > best_score:
                best, best_score = c, score
        if best is not None:
            best.mention = mention
            best.features["mention"] = 1.0
        features = {
            "nb_share": 0.0,
            "sim_share": 0.0,
            "slot_share": 0.0,
            "top1": 0.0,
            "nb_top": 0.0,
            "nb_count": 0.0,
            "name_sim": 0.0,
            "hit_best": 0.0,
            "prior": 0.0,
            "goal_cov": coverage(mention.name, query_grams),
            "goal_idf": corpus.weighted_coverage(mention.name, query_grams),
            "name_idf": corpus.weighted_coverage(mention.name, name_grams),
            "mention": 1.0,
            "goal_only": 1.0,
            "measurable": 1.0,
            "support": 0.0,
        }
        if best is not None:
            # the goal confirms a past template: the new name inherits its neighbour evidence
            for key in (
                "nb_share",
                "sim_share",
                "slot_share",
                "top1",
                "nb_top",
                "nb_count",
                "name_sim",
                "prior",
            ):
                features[key] = best.features[key] * dice(best.name, mention.name)
        candidates.append(
            Candidate(level1, level2, mention.name, None, list(best.rows) if best else [], mention, features)
        )


def _slot_ranks(candidates: list[Candidate]) -> None:
    by_slot: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_slot[slot_group(c.level2)].append(c)
    for group in by_slot.values():
        group.sort(key=lambda c: (-(c.features["nb_share"] + 0.1 * c.features["prior"]), c.name))
        for rank, c in enumerate(group):
            c.features["slot_rank"] = 1.0 / (1 + rank)


def is_duplicate(a: Candidate, b: Candidate) -> bool:
    """Two candidates are one indicator when, in the same slot group, their names merge as a template
    or they carry the same goal mention — or when they have the same name in any slot (a table
    lists one 为社区残疾人提供专业服务工作, not one under 质量, 时效 and 社会效益)."""
    if normalise_name(a.name) == normalise_name(b.name):
        return True
    if slot_group(a.level2) != slot_group(b.level2):
        return False
    if a.mention is not None and a.mention is b.mention:
        return True
    return dice(a.name, b.name) >= MERGE_THRESHOLD
