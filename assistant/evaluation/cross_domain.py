"""Cross-domain check of suggest: projects from domains the corpus lacks, drafted from the corpus.

The new projects are published tables from other domains (``../shared/data/pages/projects.jsonl``,
read at evaluation time and never copied into the repository); the corpus is the seeds plus the
songgang workbooks. For each project the engine sees only its header (name, goal, budget, year,
department) and drafts a table; the table is compared with the published indicators by the rule of
the leave-one-project-out evaluation (same 二级 slot, character-bigram Dice ≥ 0.5).

Printed per system, each mean with its 95% bootstrap interval over projects:
- ``R@5`` / ``R@10``: share of true indicators found by the first 5 / 10 rows;
- ``table precision``: share of the default table's rows that match a true indicator;
- by evidence kind: how many table rows rest on the goal, the budget, the corpus, the library or
  are 【待填】 placeholders, and how many of each match a true indicator;
- ``unsourced``: numbers in suggested values (table and alternatives) no evidence entry gives (must be 0);
- ``flagged``: table rows whose value the reviewer flags (placeholders aside) and table-check findings;
- ``ceiling``: the share of true indicators that any candidate the engine gathers matches — the
  recall a perfect ranker could reach with unlimited rows.

:func:`evaluate_sources` (``--sources``) scores the same way with the corpus's own projects as the new
ones: each unit (a seed document, the songgang workbooks) drafted from the other units only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.records.schema import Project

from .stats import mean_ci
from .suggest_eval import SEEDS_DIR, Row, load_projects, score_rows

MAX_PAGES_BYTES = 20 * 1024 * 1024


def load_pages(path: Path) -> list[Project]:
    """The published tables of ``projects.jsonl`` as projects (labels normalised, values parsed)."""
    from assistant.errors import InputError
    from assistant.records.build import make_indicator

    if not path.is_file():
        raise InputError(f"{path}: 文件不存在；用 --pages 指定 projects.jsonl")
    if path.stat().st_size > MAX_PAGES_BYTES:
        raise InputError(f"{path}: 文件过大（上限 {MAX_PAGES_BYTES // 1024 // 1024} MB）")
    projects = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            indicators = tuple(
                make_indicator(i.get("level1", ""), i.get("level2", ""), i["name"], i.get("value", ""))
                for i in data.get("indicators", [])
            )
            budget = data.get("budget_wan")
            projects.append(
                Project(
                    name=data["project"],
                    indicators=indicators,
                    department=data.get("department"),
                    year=data.get("year"),
                    budget_wan=float(budget) if budget else None,
                    goal=data.get("goal"),
                    source=path.name,
                    location=f"第{number}行",
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InputError(f"{path.name} 第{number}行: 不是预期的项目 JSON（{error}）") from None
    return projects


@dataclass
class ProjectScore:
    """One new project's figures."""

    recall5: float
    recall10: float
    precision: float
    kinds: Counter[str] = field(default_factory=Counter)
    kind_hits: Counter[str] = field(default_factory=Counter)
    unsourced: int = 0
    flagged: int = 0
    findings: int = 0
    ceiling: float = 0.0  # share of true indicators any candidate matches (a perfect ranker's recall)


def _truth(project: Project) -> list[Row]:
    from assistant.engines.suggest.corpus import is_not_applicable

    return [
        Row(i.level2, i.name, i.value, None)
        for i in project.indicators
        if i.name.strip() and i.level2 and not is_not_applicable(i)
    ]


def _rows(suggestions: Sequence[Any]) -> list[Row]:
    return [Row(s.level2, s.name, s.value, s.range) for s in suggestions]


def _primary_kind(suggestion: Any) -> str:
    if suggestion.is_placeholder:
        return "placeholder"
    return suggestion.evidence[0].kind if suggestion.evidence else "none"


def score_engine(suggester: Any, project: Project) -> ProjectScore:
    """Draft ``project`` from its header and score the draft against its published indicators."""
    from assistant.engines.suggest.sources import unsourced_numbers
    from assistant.engines.suggest.training import draft_of, matches

    truth = _truth(project)
    draft = draft_of(project)
    result = suggester.draft(draft)
    r5 = score_rows(_rows(suggester.suggest(draft, 5)), truth, 5)[0]
    r10 = score_rows(_rows(suggester.suggest(draft, 10)), truth, 10)[0]
    score = ProjectScore(r5, r10, 0.0)
    hits = 0
    for s in result.table:
        kind = _primary_kind(s)
        score.kinds[kind] += 1
        if any(matches(s.level2, s.name, t) for t in truth):
            hits += 1
            score.kind_hits[kind] += 1
        if not s.is_placeholder and s.review is not None and s.review.label in {"vague", "malformed"}:
            score.flagged += 1
    score.precision = hits / len(result.table) if result.table else 0.0
    score.unsourced = sum(len(unsourced_numbers(s)) for s in (*result.table, *result.alternatives))
    score.findings = sum(1 for f in result.findings if f.code != "MISSING_SLOT")
    pool = suggester.candidates(draft)
    score.ceiling = sum(any(matches(c.level2, c.name, t) for c in pool) for t in truth) / len(truth)
    return score


def most_frequent_rows(corpus: Any, k: int) -> list[Row]:
    """Baseline: the most used templates of the required slots, one slot after another."""
    from assistant.engines.suggest.corpus import REQUIRED_GROUPS

    ranked = [corpus.frequent_templates(tuple(slots)) for _, slots in REQUIRED_GROUPS]
    rows: list[Row] = []
    depth = 0
    while len(rows) < k and any(depth < len(r) for r in ranked):
        for templates in ranked:
            if depth < len(templates) and len(rows) < k:
                t = corpus.templates[templates[depth]]
                first = corpus.rows[t.rows[0]]
                rows.append(Row(first.level2, first.name, first.value, None))
        depth += 1
    return rows


def copy_nearest_rows(corpus: Any, retriever: Any, project: Project) -> list[Row]:
    """Baseline: the table of the past project the bigram BM25 finds nearest."""
    from assistant.engines.suggest.candidates import query_text
    from assistant.engines.suggest.training import draft_of

    for p, _ in retriever.projects(query_text(draft_of(project)), 10):
        if corpus.project_rows[p]:
            return [
                Row(r.level2, r.name, r.value, None) for r in (corpus.rows[i] for i in corpus.project_rows[p])
            ]
    return []


SYSTEMS = (
    "baseline: most-frequent",
    "baseline: copy-nearest (bm25)",
    "engine (corpus + library)",
    "ablation: no library",
)


def _baseline_scores(corpus: Any, projects: Sequence[Project]) -> dict[str, list[tuple[float, float]]]:
    """(R@5, R@10) of each project under the two baselines."""
    from assistant.engines.suggest.suggester import build_retriever

    retriever = build_retriever(corpus, "bigram")
    baselines = {
        SYSTEMS[0]: lambda p, k: most_frequent_rows(corpus, k),
        SYSTEMS[1]: lambda p, k: copy_nearest_rows(corpus, retriever, p),
    }
    return {
        name: [
            (score_rows(rows_of(p, 5), _truth(p), 5)[0], score_rows(rows_of(p, 10), _truth(p), 10)[0])
            for p in projects
        ]
        for name, rows_of in baselines.items()
    }


def _engine_scores(
    corpus: Any, projects: Sequence[Project], reviewer: Any, ranker: Any = None
) -> dict[str, list[ProjectScore]]:
    """:class:`ProjectScore` of each project, drafted by the engine and by the engine without library
    (``ranker``: the shipped model when ``None``)."""
    from assistant.engines.suggest.suggester import Suggester
    from assistant.records.library import IndicatorLibrary

    systems = {
        SYSTEMS[2]: Suggester(corpus=corpus, embedder=False, reviewer=reviewer, ranker=ranker),
        SYSTEMS[3]: Suggester(
            corpus=corpus, embedder=False, reviewer=reviewer, ranker=ranker, library=IndicatorLibrary((), ())
        ),
    }
    return {name: [score_engine(suggester, p) for p in projects] for name, suggester in systems.items()}


def source_family(project: Project) -> str:
    """The unit a corpus project comes from: each seed document is one unit's tables, and every
    platform workbook (the songgang exports) one unit's exports."""
    return (
        "workbooks" if (project.source or "").lower().endswith((".xlsx", ".xlsm")) else project.source or ""
    )


def evaluate(pages: Sequence[Project], corpus_projects: Sequence[Project]) -> str:
    """The report: baselines, the engine and the engine without the library, with intervals."""
    from assistant.engines.suggest.corpus import Corpus
    from assistant.engines.suggest.review import default_reviewer

    corpus = Corpus(corpus_projects)
    projects = [p for p in pages if _truth(p)]
    header = (
        f"# cross-domain: {len(projects)} new projects ({sum(len(_truth(p)) for p in projects)} true indicators), "
        f"corpus {len(corpus.projects)} projects / {len(corpus.rows)} indicators"
    )
    reviewer = default_reviewer()
    return _report(header, _baseline_scores(corpus, projects), _engine_scores(corpus, projects, reviewer))


def evaluate_sources(corpus_projects: Sequence[Project]) -> str:
    """Leave one source out: the projects of each unit (a seed document, the platform workbooks)
    drafted from a corpus of the other units only, ranked by a model trained on those units alone —
    cross-unit drafting on real tables, where a unit's own habits (总成本 rows, 项目或定额成本控制率)
    cannot be learned from its past tables. Units with nothing to score or nothing left to draft
    from are named and skipped."""
    from assistant.engines.suggest.corpus import Corpus
    from assistant.engines.suggest.review import default_reviewer
    from assistant.engines.suggest.suggester import Suggester
    from assistant.engines.suggest.training import fit, loo_examples

    reviewer = default_reviewer()
    baselines: dict[str, list[tuple[float, float]]] = {}
    engines: dict[str, list[ProjectScore]] = {}
    per_unit, skipped = [], []
    for family in sorted({source_family(p) for p in corpus_projects}):
        projects = [p for p in corpus_projects if source_family(p) == family and _truth(p)]
        others = [p for p in corpus_projects if source_family(p) != family]
        if not projects or not any(p.indicators for p in others):
            skipped.append(family)
            continue
        corpus = Corpus(others)
        trainer = Suggester(corpus=corpus, embedder=False, reviewer=reviewer)
        ranker = fit(loo_examples(trainer, corpus, range(len(corpus.projects))))
        for name, values in _baseline_scores(corpus, projects).items():
            baselines.setdefault(name, []).extend(values)
        for name, scores in _engine_scores(corpus, projects, reviewer, ranker).items():
            engines.setdefault(name, []).extend(scores)
        recall10 = [s.recall10 for s in engines[SYSTEMS[2]][-len(projects) :]]
        per_unit.append(f"{family}: {len(projects)} projects, engine R@10 {mean_ci(recall10)}")
    held = len(engines.get(SYSTEMS[2], []))
    header = (
        f"# leave one source out: {held} projects of {len(per_unit)} units, each drafted from the other units' "
        "projects only, ranked by a model trained on them"
    )
    notes = [f"per unit: {line}" for line in per_unit]
    if skipped:
        notes.append(
            "skipped (no indicators to score, or no other unit to draft from): " + "、".join(skipped)
        )
    return _report(header, baselines, engines) + "\n" + "\n".join(notes)


def _report(
    header: str, baselines: dict[str, list[tuple[float, float]]], engines: dict[str, list[ProjectScore]]
) -> str:
    lines = [header, f"{'system':34s} {'R@5':>22s} {'R@10':>22s} {'table precision':>22s}"]
    for name, values in baselines.items():
        r5, r10 = [v[0] for v in values], [v[1] for v in values]
        lines.append(f"{name:34s} {mean_ci(r5):>22s} {mean_ci(r10):>22s} {'–':>22s}")
    details = []
    for name, scores in engines.items():
        lines.append(
            f"{name:34s} {mean_ci([s.recall5 for s in scores]):>22s} {mean_ci([s.recall10 for s in scores]):>22s} "
            f"{mean_ci([s.precision for s in scores]):>22s}"
        )
        kinds: Counter[str] = Counter()
        kind_hits: Counter[str] = Counter()
        for s in scores:
            kinds.update(s.kinds)
            kind_hits.update(s.kind_hits)
        by_kind = "; ".join(f"{k} {kind_hits[k]}/{n}" for k, n in kinds.most_common())
        details.append(
            f"{name}: table rows by evidence kind (matching/all): {by_kind}; "
            f"unsourced numbers {sum(s.unsourced for s in scores)}; flagged values {sum(s.flagged for s in scores)}; "
            f"table-check findings {sum(s.findings for s in scores)}; "
            f"candidate-pool ceiling (a perfect ranker over every candidate) {mean_ci([s.ceiling for s in scores])}"
        )
    return "\n".join(lines + details)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eval_cross_domain", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, required=True, help="projects.jsonl of the new projects")
    parser.add_argument("--songgang", type=Path, default=None, help="folder of the songgang workbooks")
    parser.add_argument("--seeds", type=Path, default=SEEDS_DIR, help="folder of the seed documents")
    parser.add_argument(
        "--sources", action="store_true", help="also leave one source unit out of the corpus in turn"
    )
    args = parser.parse_args(argv)
    pages = load_pages(args.pages)
    corpus_projects = load_projects(None, args.songgang, args.seeds)
    print(evaluate(pages, corpus_projects))
    if args.sources:
        print()
        print(evaluate_sources(corpus_projects))
    return 0


if __name__ == "__main__":
    sys.exit(main())
