"""Benchmark the suggest engine on synthetic corpora of 10k / 100k / 1M indicators.

Prints, per corpus size: store load time, index build rate (corpus snapshot + retrieval indexes,
indicators per second), warm suggest latency p50/p95 over real project headers, batch throughput,
and peak memory (``resource.getrusage`` max RSS). Each size runs in its own process so the peak
memory is that size's alone. Corpora are generated once into ``--work`` and reused.

``--cli N`` instead times N cold runs of the command line (``assistant suggest`` on the default store,
a new process each: imports, store, models and the draft) and prints p50/p95/max wall seconds.

Usage:
    .venv/bin/python scripts/bench_suggest.py --sizes 10000,100000 [--retrieval hybrid] [--queries 200]
    .venv/bin/python scripts/bench_suggest.py --cli 20
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def ensure_corpus(size: int, work: Path) -> Path:
    """The store of a synthetic corpus of ``size`` indicators (generated on first use)."""
    directory = work / f"store-{size}"
    if (directory / "store.sqlite").exists():
        return directory
    from scripts.generate_corpus import Generator, load_real_projects, write_store

    start = time.perf_counter()
    generator = Generator(load_real_projects(), seed=size)
    projects, indicators = write_store(generator.projects_for(size), directory)
    print(
        f"# generated {projects} projects / {indicators} indicators in {time.perf_counter() - start:.1f}s",
        file=sys.stderr,
    )
    return directory


def drafts(n: int, seed: int = 0) -> list:
    """Headers of real projects (name, goal, budget, year) as new drafts."""
    from assistant.engines.suggest.training import draft_of
    from scripts.generate_corpus import load_real_projects

    projects = load_real_projects()
    rng = random.Random(seed)
    return [draft_of(rng.choice(projects)) for _ in range(n)]


def measure(size: int, work: Path, retrieval: str, queries: int) -> dict:
    """Run one size in this process and return its figures."""
    from assistant.engines.suggest.corpus import Corpus
    from assistant.engines.suggest.suggester import Suggester
    from assistant.store.database import Store

    directory = ensure_corpus(size, work)
    sample = drafts(queries)
    start = time.perf_counter()
    store = Store.open(directory, create=False)
    projects = store.projects()
    load_s = time.perf_counter() - start
    indicators = sum(len(p.indicators) for p in projects)

    start = time.perf_counter()
    corpus = Corpus(projects, revision=store.revision)
    corpus_s = time.perf_counter() - start
    suggester = Suggester(corpus=corpus, retrieval=retrieval)  # type: ignore[arg-type]
    start = time.perf_counter()
    suggester.retriever(corpus)
    index_s = time.perf_counter() - start
    suggester.warm_up()
    suggester.suggest(sample[0])  # warm: jieba, reviewer, caches

    latencies = []
    for draft in sample:
        t = time.perf_counter()
        suggester.suggest(draft)
        latencies.append(1000.0 * (time.perf_counter() - t))
    latencies.sort()
    start = time.perf_counter()
    rows = sum(len(r) for r in suggester.suggest_batch(sample))
    batch_s = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {
        "indicators": indicators,
        "projects": len(projects),
        "templates": len(corpus.templates),
        "retrieval": retrieval,
        "store_load_s": round(load_s, 2),
        "corpus_s": round(corpus_s, 2),
        "index_s": round(index_s, 2),
        "build_rate_per_s": round(indicators / max(corpus_s + index_s, 1e-9)),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "batch_per_s": round(len(sample) / batch_s, 1),
        "rows_per_table": round(rows / len(sample), 1),
        "peak_mb": round(peak_mb),
    }


#: The issue's three drafts, run in turn by ``--cli``.
CLI_DRAFTS = (
    ("农村饮水安全工程维修养护", "维修养护农村集中供水工程15处，保障3.2万农村人口饮水安全", "150"),
    ("中小学教师培训", "培训中小学教师800人次", "40"),
    ("社区居家养老服务补贴", "为辖区200名高龄、失能老人提供居家养老上门服务", "60"),
)


def bench_cli(runs: int) -> int:
    """Cold ``assistant suggest`` wall times (each run a fresh interpreter)."""
    assistant = Path(sys.executable).with_name("assistant")
    times = []
    for i in range(runs):
        name, goal, budget = CLI_DRAFTS[i % len(CLI_DRAFTS)]
        command = [
            str(assistant),
            "suggest",
            "--name",
            name,
            "--goal",
            goal,
            "--budget",
            budget,
            "--year",
            "2025",
        ]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
            return done.returncode
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"cold CLI suggest, {runs} runs: p50 {statistics.median(times):.2f} s, p95 {p95:.2f} s, max {times[-1]:.2f} s"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--retrieval", default="bigram", choices=("bigram", "bm25", "dense", "hybrid"))
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_suggest"))
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)  # child process
    parser.add_argument("--cli", type=int, default=None, metavar="N", help="time N cold CLI runs instead")
    args = parser.parse_args(argv)
    if args.cli is not None:
        return bench_cli(args.cli)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.one is not None:
        print(json.dumps(measure(args.one, args.work, args.retrieval, args.queries)))
        return 0
    print(
        f"{'indicators':>10} {'projects':>8} {'load s':>7} {'build/s':>9} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'batch/s':>8} {'peak MB':>8}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        command = [sys.executable, __file__, "--one", str(size), "--retrieval", args.retrieval,
                   "--queries", str(args.queries), "--work", str(args.work)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
            return done.returncode
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{r['indicators']:>10} {r['projects']:>8} {r['store_load_s']:>7} {r['build_rate_per_s']:>9} "
            f"{r['p50_ms']:>7} {r['p95_ms']:>7} {r['batch_per_s']:>8} {r['peak_mb']:>8}",
            flush=True,
        )
        print(f"#   {json.dumps(r, ensure_ascii=False)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
