"""Benchmark the retrieval indexes (BM25 + FAISS + RRF) on synthetic corpora recombined from real projects.

Usage:
    .venv/bin/python scripts/bench_indexes.py [--sizes 10000 100000] [--queries 200]

For each size (number of indicators) it prints: distinct indicator texts, index build time (BM25 and
dense, projects + indicators, default embedded model), reload time from disk, and warm search latency
p50/p95 of ``search_indicators`` (hybrid, with and without a 二级 filter) and ``search_projects``.
The synthetic projects recombine the real seed + songgang indicators (names swapped between
same-slot rows and prefixed with words of other project names, so new distinct texts appear).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.documents import read_document  # noqa: E402
from assistant.embedding import load_embedder  # noqa: E402
from assistant.errors import AssistantError  # noqa: E402
from assistant.records.schema import Project  # noqa: E402
from assistant.store.indexes import IndexSet  # noqa: E402
from assistant.text.tokenizer import default_tokenizer  # noqa: E402


class SyntheticStore:
    """Just what IndexSet needs from a store: a folder, a state key and the projects."""

    def __init__(self, directory: Path, projects: list[Project]):
        self.directory = directory
        self.state_key = f"synthetic:{len(projects)}"
        self._projects = projects

    def projects(self) -> list[Project]:
        return self._projects


def real_projects() -> list[Project]:
    paths = sorted((ROOT / "corpus" / "raw").glob("*"))
    songgang = ROOT.parent / "shared" / "data" / "songgang"
    if songgang.is_dir():
        paths += sorted(p for p in songgang.glob("*.xlsx") if "审核口径" not in p.name)
    projects: list[Project] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in paths:
            try:
                projects += read_document(path)
            except AssistantError:
                pass
    return [p for p in projects if p.indicators]


def synthesise(base: list[Project], indicators: int, seed: int = 0) -> list[Project]:
    rng = random.Random(seed)
    tokenizer = default_tokenizer()
    words = sorted({w for p in base for w in tokenizer.cut(p.name) if len(w) >= 2})
    by_slot: dict[str, list] = {}
    for p in base:
        for i in p.indicators:
            by_slot.setdefault(i.level2, []).append(i)
    out: list[Project] = []
    total = 0
    while total < indicators:
        template = rng.choice(base)
        rows = []
        for indicator in template.indicators:
            row = indicator
            if rng.random() < 0.5:
                row = rng.choice(by_slot[indicator.level2])
            if rng.random() < 0.3:
                row = replace(row, name=rng.choice(words) + row.name)
            rows.append(row)
        name = f"{rng.choice(words)}{template.name}"
        out.append(replace(template, name=name, indicators=tuple(rows), source=f"synthetic-{len(out)}.xlsx"))
        total += len(rows)
    return out


def percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    p50 = statistics.median(samples) * 1000
    p95 = samples[int(0.95 * (len(samples) - 1))] * 1000
    return f"p50 {p50:.2f} ms, p95 {p95:.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    base = real_projects()
    embedder = load_embedder()
    rng = random.Random(1)
    for size in args.sizes:
        projects = synthesise(base, size)
        queries = [rng.choice(rng.choice(projects).indicators).name for _ in range(args.queries)]
        project_queries = [rng.choice(projects).name for _ in range(args.queries)]
        with tempfile.TemporaryDirectory() as tmp:
            store = SyntheticStore(Path(tmp), projects)
            start = time.perf_counter()
            indexes = IndexSet(store, embedder)
            indexes.warm_up()
            build = time.perf_counter() - start
            distinct = len(indexes.documents("indicators").doc_ids)
            start = time.perf_counter()
            reloaded = IndexSet(store, embedder)
            reloaded.warm_up()
            reload = time.perf_counter() - start
            print(
                f"{sum(len(p.indicators) for p in projects)} indicators / {len(projects)} projects "
                f"({distinct} distinct slot+name entries): build {build:.1f} s "
                f"({', '.join(f'{k} {v:.1f}s' for k, v in indexes.timings.items())}), reload {reload:.2f} s",
                flush=True,
            )
            for label, kwargs in (
                ("search_indicators hybrid", {}),
                ("search_indicators hybrid level2", {"level2": "质量指标"}),
                ("search_indicators bm25", {"mode": "bm25"}),
                ("search_indicators dense", {"mode": "dense"}),
            ):
                reloaded.search_indicators(queries[0], 10, **kwargs)
                timings = []
                for query in queries:
                    began = time.perf_counter()
                    reloaded.search_indicators(query, 10, **kwargs)
                    timings.append(time.perf_counter() - began)
                print(f"  {label:34s} {percentiles(timings)}", flush=True)
            timings = []
            for query in project_queries:
                began = time.perf_counter()
                reloaded.search_projects(query, 10)
                timings.append(time.perf_counter() - began)
            print(f"  {'search_projects hybrid':34s} {percentiles(timings)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
