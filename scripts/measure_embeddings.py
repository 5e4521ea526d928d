"""Measure the embedded model variants on the corpus: raw cnsyn mean vs SIF vs domain-tuned (+ BM25).

Usage:
    .venv/bin/python scripts/measure_embeddings.py [--folds 3] [--no-tune] [--songgang DIR]

Corpus: the seeds (corpus/raw) plus the songgang workbooks (../shared/data/songgang, skipped when
absent), read with ``assistant.documents.read_document``. Projects are split into folds by *family*
(the project name without its community: 社区工作站经费（东方社区） and 社区工作站经费（松涛社区） are one
family), so a tuned model never sees the family it is tested on. Tasks, pooled over the folds:

- T1 project → its indicators: query 名称。年度目标; pool: every indicator name of the fold's
  projects; relevant: the project's own indicators. MRR and recall@10.
- T2 indicator → same-slot sibling: query an indicator name; pool: the same-二级 indicator names of
  all other projects (exact copies of the query removed); relevant: those of the same family.
- T0 the issue's example: rank and score of 资金发放及时率 for the query 资金及时拨付率 among all
  indicator names (补助资金及时拨付率, in the corpus, is a legitimately better match).

Rows: BM25 alone, raw cnsyn mean pooling, SIF (the default model), hybrid BM25 + SIF fused by RRF
(as ``IndexSet`` does), and SIF tuned on the training folds (``assistant.embedding.train``).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.documents import read_document  # noqa: E402
from assistant.embedding.build import build_static_model, ensure_default_model  # noqa: E402
from assistant.embedding.loader import load_embedder  # noqa: E402
from assistant.embedding.train import TuningConfig, project_text, tune_static_model  # noqa: E402
from assistant.errors import AssistantError  # noqa: E402
from assistant.records.schema import Project  # noqa: E402
from assistant.store.bm25 import BM25Retriever, top_k  # noqa: E402
from assistant.store.hybrid import RRF_CONSTANT  # noqa: E402
from assistant.text.tokenizer import default_tokenizer  # noqa: E402

Embed = Callable[[Sequence[str]], np.ndarray]
Scorer = Callable[[list[str], list[str]], np.ndarray]  # (queries, pool) → scores (n_queries, n_pool)
_COMMUNITY = re.compile(r"[（(]?[\u4e00-\u9fff]{2,4}社区(?:工作站)?[）)]?$")
_PUNCT = re.compile(r"[\s（）()“”\"、，,+＋\-—]")
NA = {"不适用", "无", "/", "-", ""}


def family(name: str) -> str:
    """Evaluation heuristic: the project name without a trailing community and without punctuation."""
    return _PUNCT.sub("", _COMMUNITY.sub("", name.strip())).replace("政府采购服务", "政府购买服务")


def fold_of(project: Project, folds: int) -> int:
    return int(hashlib.md5(family(project.name).encode()).hexdigest(), 16) % folds


def load_corpus(songgang: Path) -> list[Project]:
    paths = sorted((ROOT / "corpus" / "raw").glob("*"))
    if songgang.is_dir():
        paths += sorted(p for p in songgang.glob("*.xlsx") if "审核口径" not in p.name)
    projects: list[Project] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in paths:
            try:
                projects += read_document(path)
            except AssistantError as error:
                print(f"skip {path.name}: {error}", file=sys.stderr)
    return [p for p in projects if any(i.name not in NA for i in p.indicators)]


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order))
    return ranks


def task1(score: Scorer, test: list[Project]) -> tuple[float, float, int]:
    pool = [(pi, i.name) for pi, p in enumerate(test) for i in p.indicators if i.name not in NA]
    matrix = score([project_text(p) for p in test], [name for _, name in pool])
    mrr = recall = 0.0
    for pi in range(len(test)):
        relevant = [j for j, (pj, _) in enumerate(pool) if pj == pi]
        ranks = _ranks(matrix[pi])[relevant]
        mrr += 1.0 / (1 + ranks.min())
        recall += float(np.mean(ranks < 10))
    return mrr / len(test), recall / len(test), len(test)


def task2(score: Scorer, corpus: list[Project], test_ids: set[str]) -> tuple[float, float, int]:
    families = [family(p.name) for p in corpus]
    by_slot: dict[str, list[tuple[int, str]]] = {}
    for pi, p in enumerate(corpus):
        for i in p.indicators:
            if i.name not in NA:
                by_slot.setdefault(i.level2, []).append((pi, i.name))
    mrr = recall = 0.0
    count = 0
    for entries in by_slot.values():
        names = sorted({n for _, n in entries})
        column = {n: k for k, n in enumerate(names)}
        queries = [(pi, n) for pi, n in entries if corpus[pi].id in test_ids]
        if not queries:
            continue
        matrix = score([n for _, n in queries], names)
        for row, (pi, name) in enumerate(queries):
            pool = [(pj, n) for pj, n in entries if pj != pi and n != name]
            relevant = [k for k, (pj, _) in enumerate(pool) if families[pj] == families[pi]]
            if not relevant:
                continue
            ranks = _ranks(matrix[row][[column[n] for _, n in pool]])[relevant]
            mrr += 1.0 / (1 + ranks.min())
            recall += float(np.mean(ranks < 10))
            count += 1
    return mrr / max(count, 1), recall / max(count, 1), count


def task0(score: Scorer, corpus: list[Project]) -> tuple[float, int]:
    target, query = "资金发放及时率", "资金及时拨付率"
    names = sorted({i.name for p in corpus for i in p.indicators if i.name not in NA} | {target} - {query})
    scores = score([query], names)[0]
    return float(scores[names.index(target)]), int(_ranks(scores)[names.index(target)]) + 1


def dense_scorer(embed: Embed) -> Scorer:
    return lambda queries, pool: embed(queries) @ embed(pool).T


def bm25_scorer(queries: list[str], pool: list[str]) -> np.ndarray:
    bm25 = BM25Retriever.build([str(i) for i in range(len(pool))], pool, default_tokenizer())
    return np.stack([bm25.scores(q) for q in queries]) if queries else np.zeros((0, len(pool)))


def hybrid_scorer(embed: Embed, depth: int = 50) -> Scorer:
    """RRF as IndexSet does it: each ranking's top ``depth`` positive-score entries count."""

    def score(queries: list[str], pool: list[str]) -> np.ndarray:
        fused = np.zeros((len(queries), len(pool)))
        for matrix in (bm25_scorer(queries, pool), dense_scorer(embed)(queries, pool)):
            for row, scores in enumerate(matrix):
                for rank, (position, value) in enumerate(top_k(scores, depth), start=1):
                    if value > 0:
                        fused[row, position] += 1.0 / (RRF_CONSTANT + rank)
        return fused

    return score


def evaluate(
    label: str, make_scorer: Callable[[list[Project]], Scorer], corpus: list[Project], folds: int
) -> dict[str, float]:
    t1 = np.zeros(3)
    t2 = np.zeros(3)
    scorer: Scorer | None = None
    for fold in range(folds):
        test = [p for p in corpus if fold_of(p, folds) == fold]
        train = [p for p in corpus if fold_of(p, folds) != fold]
        scorer = make_scorer(train)
        a, b = task1(scorer, test), task2(scorer, corpus, {p.id for p in test})
        t1 += (a[0] * a[2], a[1] * a[2], a[2])
        t2 += (b[0] * b[2], b[1] * b[2], b[2])
    assert scorer is not None
    cosine, rank = task0(scorer, corpus)
    row = {
        "T1_mrr": t1[0] / t1[2],
        "T1_r10": t1[1] / t1[2],
        "T2_mrr": t2[0] / t2[2],
        "T2_r10": t2[1] / t2[2],
        "T0_cos": cosine,
        "T0_rank": rank,
    }
    print(
        f"{label:24s} T1 MRR {row['T1_mrr']:.3f} R@10 {row['T1_r10']:.3f} (n={int(t1[2])})   "
        f"T2 MRR {row['T2_mrr']:.3f} R@10 {row['T2_r10']:.3f} (n={int(t2[2])})   "
        f"T0 score {cosine:.3f} rank {rank}",
        flush=True,
    )
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--no-tune", action="store_true", help="skip the tuned variant")
    parser.add_argument("--songgang", type=Path, default=ROOT.parent / "shared" / "data" / "songgang")
    args = parser.parse_args()

    corpus = load_corpus(args.songgang)
    print(
        f"corpus: {len(corpus)} projects, {sum(len(p.indicators) for p in corpus)} indicators, {args.folds} folds by family"
    )

    start = time.perf_counter()
    default_dir, report = ensure_default_model(force=True)
    size = sum(f.stat().st_size for f in default_dir.rglob("*") if f.is_file())
    print(
        f"default model build: {time.perf_counter() - start:.1f} s wall, {size / 1e6:.1f} MB at {default_dir}"
    )

    with tempfile.TemporaryDirectory() as tmp:
        raw_dir = Path(tmp) / "raw"
        build_static_model(raw_dir, name="cnsyn-raw-zh-75d", variant="raw")
        raw = load_embedder(str(raw_dir))
        sif = load_embedder(str(default_dir))
        evaluate("BM25 (jieba words)", lambda _: bm25_scorer, corpus, args.folds)
        evaluate("raw cnsyn mean", lambda _: dense_scorer(raw.encode), corpus, args.folds)
        evaluate("SIF (default)", lambda _: dense_scorer(sif.encode), corpus, args.folds)
        evaluate("hybrid BM25 + SIF (RRF)", lambda _: hybrid_scorer(sif.encode), corpus, args.folds)
        if not args.no_tune:
            timings: list[float] = []

            def tuned(train: list[Project]) -> Scorer:
                out = Path(tmp) / f"tuned-{len(timings)}"
                began = time.perf_counter()
                report = tune_static_model(default_dir, train, out, config=TuningConfig())
                timings.append(time.perf_counter() - began)
                print(
                    f"  tuned on {len(train)} projects: {report.pairs} pairs, {report.steps} steps, {timings[-1]:.1f} s",
                    flush=True,
                )
                return dense_scorer(load_embedder(str(out)).encode)

            evaluate("SIF + domain tuning", tuned, corpus, args.folds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
