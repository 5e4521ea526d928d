"""``assistant eval suggest``: leave-one-project-out evaluation of the suggest engine.

Every past project (seeds + songgang workbooks, or a given store) is held out in turn; the engine
drafts its table from the remaining projects using only the project's header (name, goal, budget,
year, department), and the draft is compared with the project's true 三级指标.

Metrics (macro-averaged over held-out projects):
- ``recall@k``: share of true indicators *found* by the first k suggestions — a suggestion in the
  same slot (二级; cost labels merged) whose name has character-bigram Dice ≥ 0.5 with the true name
  (:func:`assistant.engines.suggest.training.matches`);
- ``coverage``: share of the six required slot groups (数量/质量/时效/成本/效益/满意度) filled by the
  default table;
- ``unit``: among found quantitative true indicators, share whose suggested value has the same unit;
- ``in_range``: among those, share whose true number lies inside the suggested range;
- ``vague``: suggested values the review engine labels vague or malformed (must be 0).

- ``R10@.4``: recall@10 with the looser Dice ≥ 0.4, to show how much the rule decides.

Baselines: ``most-frequent`` (the most used templates of each slot, no retrieval) and ``copy-bm25``
(copy the table of the most similar past project by BM25). The learned ranker is cross-fitted: each
fold's projects are ranked by a model trained on the other folds (folds grouped by project name, so
other years of the same project never train their own ranker). The domain-tuned embedder is
cross-fitted the same way (``tuned-cv``: the default model tuned on the other folds' projects).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.records.schema import Project, ValueRange

from .stats import bootstrap_ci

ROOT = Path(__file__).resolve().parents[2]
TUNED_CV = "tuned-cv"  # the embedder name meaning "the default model tuned per fold on the other folds"
LOOSE_THRESHOLD = 0.4  # sensitivity of recall@10 to the matching rule (reported as R10@.4)
SEEDS_DIR = ROOT / "corpus" / "raw"


@dataclass(frozen=True)
class Config:
    """One system to evaluate."""

    name: str
    kind: str = "engine"  # engine | most-frequent | copy-bm25
    retrieval: str = "hybrid"
    backend: str = "store"  # store: the store's indexes (jieba BM25 + FAISS); local: char-bigram BM25 + numpy
    embedder: str | None = None  # None: the default embedder; "none": no dense retrieval
    ranker: str = "learned"  # learned (cross-fitted) | heuristic
    adapt: bool = True
    same_name: bool = False  # also hide other projects with the same name (other years)
    # rebuild the corpus without the held-out project (its statistics, templates and bigram index)
    # instead of masking it; for the in-memory bigram engine (store-index ablations mask)
    rebuild: bool = True
    library: bool = True  # the indicator library's candidates (off: corpus only, an ablation)


@dataclass
class Result:
    """Metric values of one configuration."""

    name: str
    recall5: float = 0.0
    recall10: float = 0.0
    coverage: float = 0.0
    unit: float = 0.0
    in_range: float = 0.0
    vague: int = 0
    rows: float = 0.0
    projects: int = 0
    ms_per_project: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """A suggested row as the metrics see it."""

    level2: str
    name: str
    value: str
    range: ValueRange | None
    label: str = "clear"
    unsourced: int = 0  # numbers in the value that no evidence entry gives


def load_projects(
    store: str | None = None, songgang: Path | None = None, seeds: Path = SEEDS_DIR
) -> list[Project]:
    """The evaluation corpus: a store's projects, or the seeds plus the songgang workbooks in
    ``songgang`` (a folder the caller names — scripts/ pass ../shared/data/songgang; the package never
    looks for it)."""
    if store:
        from assistant.store.database import Store

        return Store.open(store, create=False).projects()
    import warnings

    from assistant.documents import read_document

    paths = sorted(seeds.glob("*.txt"))
    if songgang is not None and songgang.is_dir():
        paths += sorted(p for p in songgang.glob("*.xlsx") if "审核口径" not in p.name)
    projects: list[Project] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in paths:
            projects.extend(read_document(path))
    return projects


# ------------------------------------------------------------------------------------------------ metrics
def _unit(text: str | None) -> str | None:
    """Units compared by dimension: any amount of money is 万元 (元, 万, 万元/年 …)."""
    from assistant.engines.suggest.adapt import to_wan
    from assistant.engines.suggest.ranges import normalise_unit

    unit = normalise_unit(text)
    if unit and to_wan(1.0, unit) is not None and "/" not in unit.replace("/年", "").replace("/一年", ""):
        return "万元"
    return unit


def _amount(number: float, unit: str | None) -> float:
    """A number in the dimension's reference unit (money in 万元)."""
    from assistant.engines.suggest.adapt import to_wan

    if _unit(unit) == "万元":
        converted = to_wan(number, (unit or "").replace("/年", "").replace("/一年", ""))
        if converted is not None:
            return converted
    return number


def score_rows(
    rows: Sequence[Row], truth: Sequence[Any], k: int, threshold: float = 0.5
) -> tuple[float, list[tuple[Any, Row]]]:
    """Recall of ``truth`` by the first ``k`` rows, and the (true, suggested) pairs found."""
    from assistant.engines.suggest.training import matches

    top = list(rows[:k])
    pairs = []
    for t in truth:
        for r in top:
            if matches(r.level2, r.name, t, threshold):
                pairs.append((t, r))
                break
    return (len(pairs) / len(truth) if truth else 0.0), pairs


def value_checks(pairs: Sequence[tuple[Any, Row]]) -> tuple[int, int, int, int]:
    """(unit agreements, quantitative pairs, in-range hits, pairs with a range)."""
    from assistant.records.values import parse_value

    agree = total = hit = ranged = 0
    for t, r in pairs:
        tp = t.parsed
        if tp.kind not in {"number", "range", "duration"} or tp.low is None or not tp.unit:
            continue
        total += 1
        unit = _unit(parse_value(r.value).unit)
        if unit == _unit(tp.unit):
            agree += 1
        rng = r.range
        if rng is not None and rng.low is not None:
            ranged += 1
            high = rng.high if rng.high is not None else rng.low
            low, high = _amount(rng.low, rng.unit), _amount(high, rng.unit)
            true = _amount(float(tp.low), tp.unit)
            if _unit(rng.unit) == _unit(tp.unit) and low - 1e-9 <= true <= high + 1e-9:
                hit += 1
    return agree, total, hit, ranged


REQUIRED = ("数量", "质量", "时效", "成本", "效益", "满意度")


def coverage(rows: Sequence[Row]) -> float:
    from assistant.engines.suggest.corpus import slot_group

    groups = {slot_group(r.level2) for r in rows}
    return sum(1 for g in REQUIRED if g in groups) / len(REQUIRED)


# ------------------------------------------------------------------------------------------------ systems
def _fold_of(project: Project, folds: int) -> int:
    from assistant.text.similarity import normalise_name

    return zlib.crc32(normalise_name(project.name).encode("utf-8")) % folds


def _suggestion_rows(suggestions: Sequence[Any]) -> list[Row]:
    from assistant.engines.suggest.sources import unsourced_numbers

    return [
        Row(
            s.level2,
            s.name,
            s.value,
            s.range,
            "placeholder" if s.is_placeholder else (s.review.label if s.review is not None else "clear"),
            len(unsourced_numbers(s)),
        )
        for s in suggestions
    ]


class Evaluator:
    """Runs configurations over one corpus (shared snapshot, embedders and reviewer)."""

    def __init__(
        self, projects: Sequence[Project], *, folds: int = 5, embedders: dict[str | None, Any] | None = None
    ):
        from assistant.engines.suggest.corpus import Corpus
        from assistant.engines.suggest.review import default_reviewer

        self.corpus = Corpus(projects)
        self.indices = [i for i in range(len(self.corpus)) if self.corpus.true_indicators(i)]
        self.folds = folds
        self.embedders: dict[str | None, Any] = embedders or {}
        self.reviewer = default_reviewer()
        self._index_sets: dict[tuple[str, str], Any] = {}
        self._tuned: dict[int, Any] = {}
        self._workdir: Any = None
        self._index_set_members = set(self.indices)

    def embedder(self, name: str | None) -> Any:
        if name == "none":
            return False
        if name not in self.embedders:
            from assistant.embedding import load_embedder

            self.embedders[name] = load_embedder(name)
        return self.embedders[name]

    def suggester(self, config: Config, embedder: Any = None) -> Any:
        """The engine for a configuration (``embedder`` overrides the configured one)."""
        from assistant.engines.suggest.ranker import LinearRanker
        from assistant.engines.suggest.suggester import Suggester
        from assistant.records.library import IndicatorLibrary

        if config.retrieval in ("bm25", "bigram"):
            embedder = False
        elif embedder is None:
            embedder = self.embedder(config.embedder)
        retriever = None
        if config.backend == "store" and config.retrieval != "bigram":
            from assistant.engines.suggest.retrieval import IndexSetRetriever, ProjectList
            from assistant.store.indexes import IndexSet

            key = (str(getattr(embedder, "fingerprint", id(embedder))), config.retrieval)
            if key not in self._index_sets:
                index_set = IndexSet(ProjectList(self.corpus.projects), embedder or None, persist=False)
                self._index_sets[key] = IndexSetRetriever(self.corpus, index_set, config.retrieval)
            retriever = self._index_sets[key]
        return Suggester(
            corpus=self.corpus,
            embedder=embedder,
            ranker=LinearRanker.heuristic(),
            reviewer=self.reviewer,
            retrieval=config.retrieval,  # type: ignore[arg-type]
            adapt=config.adapt,
            retriever=retriever,
            library=None if config.library else IndicatorLibrary((), ()),
        )

    def tuned_embedder(self, fold: int) -> Any:
        """The default model domain-tuned on every project outside ``fold`` (cross-fitted, so the
        held-out projects never shape the embedder that retrieves for them)."""
        import tempfile

        from assistant.embedding import load_embedder
        from assistant.embedding.build import default_model_dir
        from assistant.embedding.train import tune_static_model

        if fold not in self._tuned:
            train = [
                p
                for i, p in enumerate(self.corpus.projects)
                if not (i in self._index_set_members and _fold_of(p, self.folds) == fold)
            ]
            if self._workdir is None:
                self._workdir = tempfile.TemporaryDirectory(
                    prefix="suggest-eval-"
                )  # removed with the evaluator
            directory = Path(self._workdir.name) / f"tuned-fold-{fold}"
            tune_static_model(default_model_dir(), train, directory, name=f"cv-fold-{fold}")
            self._tuned[fold] = load_embedder(str(directory))
        return self._tuned[fold]

    def run(self, config: Config) -> Result:
        start = time.perf_counter()
        if config.kind == "engine":
            tables = self._engine(config)
        elif config.kind == "most-frequent":
            tables = self._most_frequent(config)
        elif config.kind == "copy-bm25":
            tables = self._copy_bm25(config)
        else:
            raise ValueError(f"unknown system kind {config.kind!r}")
        elapsed = time.perf_counter() - start
        return self._metrics(config, tables, elapsed)

    # each system returns {project index: (rows at k=5, rows at k=10, default table rows)}
    def _engine(self, config: Config) -> dict[int, tuple[list[Row], list[Row], list[Row]]]:
        from assistant.engines.suggest.training import loo_examples

        tables: dict[int, tuple[list[Row], list[Row], list[Row]]] = {}
        fold_of = {i: _fold_of(self.corpus.projects[i], self.folds) for i in self.indices}
        if config.embedder == TUNED_CV:
            for fold in range(self.folds):  # one tuned embedder (and its indexes) per fold
                suggester = self.suggester(config, self.tuned_embedder(fold))
                suggester.warm_up()
                examples = loo_examples(suggester, self.corpus, self.indices, config.same_name)
                self._assemble_fold(suggester, examples, fold, fold_of, config, tables)
            return tables
        suggester = self.suggester(config)
        suggester.warm_up()
        examples = loo_examples(suggester, self.corpus, self.indices, config.same_name)
        if config.rebuild and config.retrieval == "bigram":
            for fold in range(self.folds):
                self._draft_fold_rebuilt(examples, fold, fold_of, config, tables)
            return tables
        for fold in range(self.folds):
            self._assemble_fold(suggester, examples, fold, fold_of, config, tables)
        return tables

    def held_out_corpus(self, index: int, same_name: bool = False) -> Any:
        """The corpus without project ``index`` (and, with ``same_name``, its other years): every
        statistic, template and index the engine uses is then built as if the project never existed."""
        from assistant.engines.suggest.corpus import Corpus
        from assistant.engines.suggest.training import exclusion

        hidden = exclusion(self.corpus, index, same_name)
        return Corpus([p for i, p in enumerate(self.corpus.projects) if i not in hidden])

    def _draft_fold_rebuilt(
        self, examples: Sequence[Any], fold: int, fold_of: dict[int, int], config: Config, tables: dict
    ) -> None:
        """Draft the fold's projects each from a corpus rebuilt without it, ranked by a model trained
        on the other folds' leave-one-out candidates."""
        from assistant.engines.suggest.ranker import LinearRanker
        from assistant.engines.suggest.suggester import Suggester
        from assistant.engines.suggest.training import draft_of, fit
        from assistant.records.library import IndicatorLibrary

        if config.ranker == "learned":
            ranker = fit([e for e in examples if fold_of[e.project] != fold])
        else:
            ranker = LinearRanker.heuristic()
        for i in self.indices:
            if fold_of[i] != fold:
                continue
            suggester = Suggester(
                corpus=self.held_out_corpus(i, config.same_name),
                embedder=False,
                ranker=ranker,
                reviewer=self.reviewer,
                retrieval="bigram",
                adapt=config.adapt,
                library=None if config.library else IndicatorLibrary((), ()),
            )
            draft = draft_of(self.corpus.projects[i])
            candidates = suggester.candidates(draft)
            tables[i] = tuple(
                _suggestion_rows(suggester.assemble(list(candidates), draft, k)) for k in (5, 10, None)
            )

    def _assemble_fold(
        self,
        suggester: Any,
        examples: Sequence[Any],
        fold: int,
        fold_of: dict[int, int],
        config: Config,
        tables: dict,
    ) -> None:
        """Rank the fold's projects with a ranker trained on the other folds, and draft their tables."""
        from assistant.engines.suggest.training import draft_of, fit

        if config.ranker == "learned":
            suggester._ranker = fit([e for e in examples if fold_of[e.project] != fold])
        for e in examples:
            if fold_of[e.project] != fold:
                continue
            suggester.score(e.candidates)
            draft = draft_of(self.corpus.projects[e.project])
            tables[e.project] = tuple(
                _suggestion_rows(suggester.assemble(list(e.candidates), draft, k)) for k in (5, 10, None)
            )

    def _most_frequent(self, config: Config) -> dict[int, tuple[list[Row], list[Row], list[Row]]]:
        from assistant.engines.suggest.candidates import Candidate, _display_name, _visible_rows
        from assistant.engines.suggest.training import draft_of, exclusion

        suggester = self.suggester(Config("mf", retrieval="bigram"))
        corpus = self.corpus
        slots = sorted({t.level2 for t in corpus.templates})
        tables = {}
        for i in self.indices:
            exclude = exclusion(corpus, i, config.same_name)
            candidates = []
            for level2 in slots:
                for t in corpus.frequent_templates((level2,), limit=8):
                    used = len(corpus.templates[t].projects - exclude)
                    if used == 0:
                        continue
                    rows = _visible_rows(corpus, t, exclude, 12)
                    from assistant.engines.suggest.candidates import _level1

                    c = Candidate(_level1(corpus, rows, level2), level2, _display_name(corpus, rows), t, rows)
                    c.score = float(used)
                    c.confidence = min(1.0, used / max(len(corpus), 1))
                    candidates.append(c)
            draft = draft_of(corpus.projects[i])
            tables[i] = tuple(
                _suggestion_rows(suggester.assemble(list(candidates), draft, k)) for k in (5, 10, None)
            )
        return tables  # type: ignore[return-value]

    def _copy_bm25(self, config: Config) -> dict[int, tuple[list[Row], list[Row], list[Row]]]:
        from assistant.engines.suggest.candidates import query_text
        from assistant.engines.suggest.suggester import build_retriever
        from assistant.engines.suggest.training import draft_of, exclusion

        corpus = self.corpus
        retriever = build_retriever(corpus, "bigram")
        tables = {}
        for i in self.indices:
            exclude = exclusion(corpus, i, config.same_name)
            draft = draft_of(corpus.projects[i])
            rows: list[Row] = []
            for p, _ in retriever.projects(query_text(draft), 10 + len(exclude)):
                if p in exclude or not corpus.project_rows[p]:
                    continue
                for r in corpus.project_rows[p]:
                    row = corpus.rows[r]
                    rng = None
                    if row.parsed.low is not None:
                        rng = ValueRange(
                            row.parsed.comparator, row.parsed.low, row.parsed.high, row.parsed.unit
                        )
                    review = self.reviewer.review_indicator(
                        _indicator(row.level1, row.level2, row.name, row.value), corpus.projects[p]
                    )
                    rows.append(Row(row.level2, row.name, row.value, rng, review.label))
                break
            tables[i] = (rows[:5], rows[:10], rows)
        return tables

    def _metrics(self, config: Config, tables: dict, elapsed: float) -> Result:
        import numpy as np

        r5, r10, cov, rows, loose = [], [], [], [], []
        agree = total = hit = ranged = vague = placeholders = unsourced = 0
        for i, (top5, top10, full) in tables.items():
            truth = self.corpus.true_indicators(i)
            r5.append(score_rows(top5, truth, 5)[0])
            recall, pairs = score_rows(top10, truth, 10)
            r10.append(recall)
            loose.append(score_rows(top10, truth, 10, LOOSE_THRESHOLD)[0])
            a, t, h, g = value_checks(pairs)
            agree, total, hit, ranged = agree + a, total + t, hit + h, ranged + g
            cov.append(coverage(full))
            rows.append(len(full))
            vague += sum(1 for r in full if r.label in {"vague", "malformed"})
            placeholders += sum(1 for r in full if r.label == "placeholder")
            unsourced += sum(r.unsourced for r in full)
        n = max(len(tables), 1)
        return Result(
            name=config.name,
            recall5=float(np.mean(r5)) if r5 else 0.0,
            recall10=float(np.mean(r10)) if r10 else 0.0,
            coverage=float(np.mean(cov)) if cov else 0.0,
            unit=agree / total if total else 0.0,
            in_range=hit / ranged if ranged else 0.0,
            vague=vague,
            rows=float(np.mean(rows)) if rows else 0.0,
            projects=len(tables),
            ms_per_project=1000.0 * elapsed / n,
            extra={
                "quantitative_pairs": total,
                "ranged_pairs": ranged,
                "recall10_dice04": float(np.mean(loose)) if loose else 0.0,
                "recall5_ci": bootstrap_ci(r5),
                "recall10_ci": bootstrap_ci(r10),
                "placeholders": placeholders,
                "unsourced": unsourced,
            },
        )


def _indicator(level1: str, level2: str, name: str, value: str) -> Any:
    from assistant.records.build import make_indicator

    return make_indicator(level1, level2, name, value)


def default_configs(tuned: str | None = None, untuned: str | None = None) -> list[Config]:
    """The systems of the report: baselines, the engine, and its ablations."""
    configs = [
        Config("baseline: most-frequent", kind="most-frequent"),
        Config("baseline: copy-bm25", kind="copy-bm25"),
        Config("engine (bigram bm25 + ranker + adapt)", retrieval="bigram"),
        Config("ablation: engine, masked instead of rebuilt", retrieval="bigram", rebuild=False),
        Config("ablation: no indicator library", retrieval="bigram", library=False),
        Config("ablation: jieba bm25 (store index)", retrieval="bm25"),
        Config("ablation: dense (store index)", retrieval="dense", embedder=tuned),
        Config("ablation: hybrid (store index)", retrieval="hybrid", embedder=tuned),
        Config("ablation: no ranker (heuristic)", retrieval="bigram", ranker="heuristic"),
        Config("ablation: no adaptation", retrieval="bigram", adapt=False),
    ]
    configs.append(
        Config("ablation: hybrid, domain-tuned (cross-fitted)", retrieval="hybrid", embedder=TUNED_CV)
    )
    configs.append(
        Config("ablation: dense, domain-tuned (cross-fitted)", retrieval="dense", embedder=TUNED_CV)
    )
    if untuned:
        configs.append(Config("ablation: hybrid, untuned embedder", retrieval="hybrid", embedder=untuned))
    configs.append(Config("engine, same-name projects hidden", retrieval="bigram", same_name=True))
    configs.append(Config("copy-bm25, same-name projects hidden", kind="copy-bm25", same_name=True))
    return configs


def format_table(results: Sequence[Result]) -> str:
    """A plain-text table of the results (recall with its 95% bootstrap interval over projects)."""
    header = (
        f"{'system':46s} {'R@5 [95% CI]':>20s} {'R@10 [95% CI]':>20s} {'cover':>6s} {'unit':>6s} "
        f"{'inrng':>6s} {'vague':>6s} {'待填':>5s} {'no-src':>6s} {'rows':>5s} {'ms':>6s} {'R10@.4':>7s}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        low5, high5 = r.extra.get("recall5_ci", (0.0, 0.0))
        low10, high10 = r.extra.get("recall10_ci", (0.0, 0.0))
        lines.append(
            f"{r.name:46s} {f'{r.recall5:.3f} [{low5:.3f},{high5:.3f}]':>20s} "
            f"{f'{r.recall10:.3f} [{low10:.3f},{high10:.3f}]':>20s} {r.coverage:6.3f} {r.unit:6.3f} "
            f"{r.in_range:6.3f} {r.vague:6d} {r.extra.get('placeholders', 0):5d} {r.extra.get('unsourced', 0):6d} {r.rows:5.1f} "
            f"{r.ms_per_project:6.1f} {r.extra.get('recall10_dice04', 0.0):7.3f}"
        )
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``assistant eval suggest`` / ``scripts/eval_suggest.py``."""
    parser.add_argument("--store", help="evaluate over this store instead of the seeds + songgang workbooks")
    parser.add_argument("--songgang", type=Path, default=None, help="folder of the songgang workbooks")
    parser.add_argument(
        "--embedder", default=None, help="the (domain-tuned) embedder; default: the shipped one"
    )
    parser.add_argument(
        "--untuned-embedder", default=None, help="the embedder before domain tuning (ablation)"
    )
    parser.add_argument("--only", default=None, help="comma-separated substrings: run only matching systems")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object per system")
    parser.add_argument(
        "--train-out", type=Path, default=None, help="also train the ranker on all projects and save it here"
    )


def run(args: argparse.Namespace) -> int:
    """Entry point used by ``assistant eval suggest``."""
    from assistant.errors import InputError

    projects = load_projects(args.store, args.songgang)
    if not any(p.indicators for p in projects):
        raise InputError("评估语料为空：没有读到任何指标；检查 --store 或 corpus/raw")
    evaluator = Evaluator(projects, folds=args.folds)
    configs = default_configs(args.embedder, getattr(args, "untuned_embedder", None))
    if args.only:
        keys = [k.strip() for k in args.only.split(",") if k.strip()]
        configs = [c for c in configs if any(k in c.name for k in keys)]
    print(
        f"# leave-one-project-out over {len(evaluator.indices)} projects, "
        f"{len(evaluator.corpus.rows)} indicators, reviewer={type(evaluator.reviewer).__name__}",
        file=sys.stderr,
    )
    results = []
    for config in configs:
        result = evaluator.run(config)
        results.append(result)
        if args.json:
            print(json.dumps(asdict(result), ensure_ascii=False), flush=True)
        else:
            print(f"{result.name}: R@10={result.recall10:.3f}", file=sys.stderr, flush=True)
    if not args.json:
        print(format_table(results))
    if args.train_out:
        save_trained_ranker(evaluator, args.train_out, args.embedder)
    return 0


def save_trained_ranker(evaluator: Evaluator, path: Path, embedder: str | None = None) -> Path:
    """Train the ranker on every project (leave-one-project-out candidates) and save it."""
    from assistant.engines.suggest.training import fit, loo_examples

    suggester = evaluator.suggester(Config("train", retrieval="bigram", embedder=embedder))
    examples = loo_examples(suggester, evaluator.corpus, evaluator.indices)
    ranker = fit(examples)
    ranker.save(path)
    print(f"# ranker saved to {path}", file=sys.stderr)
    return path


run_cli = run  # the name `assistant eval` dispatches to


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eval_suggest", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
