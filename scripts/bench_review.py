"""Benchmark the review: indicators per second on a generated 100k-row CSV, and CLI cold start.

The CSV recombines the seeds' real rows: each generated row takes the (一级, 二级, 三级指标) of a random
seed indicator and the 指标值 of a random seed indicator of the same 二级 slot, with its numbers
redrawn (so values repeat less than in a copied table), grouped into projects of ~12 rows.

Measured, in one process:

- reading the CSV (``read_document``);
- reviewing every indicator with a fresh ``Reviewer()`` with cold caches, best of two runs (the
  machine is shared; the best run is the least disturbed one);
- ``assistant review`` cold start on one small file (a subprocess, median of 5 runs), for a
  20-row CSV and for one seed document.

Usage:
    .venv/bin/python scripts/bench_review.py [--rows 100000] [--runs 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.documents import read_document  # noqa: E402
from assistant.engines.review.reviewer import Reviewer  # noqa: E402

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def seed_rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for path in sorted((ROOT / "corpus" / "raw").glob("*.txt")):
        for project in read_document(path):
            rows.extend((i.level1, i.level2, i.name, i.value) for i in project.indicators)
    return rows


def _redraw(value: str, rng: random.Random) -> str:
    def one(match: re.Match[str]) -> str:
        number = float(match.group(0))
        if "." in match.group(0):
            return f"{number * rng.uniform(0.5, 1.5):.2f}"
        if 1900 < number < 2100:
            return str(rng.choice((2022, 2023, 2024, 2025)))
        return str(max(1, int(number * rng.uniform(0.5, 1.5))))

    return _NUMBER.sub(one, value)


def write_csv(path: Path, n_rows: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    rows = seed_rows()
    by_slot: dict[str, list[str]] = {}
    for _, level2, _, value in rows:
        by_slot.setdefault(level2, []).append(value)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["项目名称", "一级指标", "二级指标", "三级指标", "指标值"])
        for i in range(n_rows):
            level1, level2, name, _ = rng.choice(rows)
            value = _redraw(rng.choice(by_slot[level2]), rng)
            writer.writerow([f"生成项目{i // 12:05d}", level1, level2, name, value])


def _clear_module_caches() -> None:
    """Every run starts cold: the value scanner's per-process cache is shared by all reviewers."""
    from assistant.engines.review import scan

    scan.scan.cache_clear()


def review_rate(
    projects: list, make_reviewer: Callable[[], Reviewer], repeats: int = 2
) -> tuple[float, int, int]:
    """Indicators per second of a fresh reviewer with cold caches (best of ``repeats`` runs)."""
    n = sum(len(p.indicators) for p in projects)
    best = 0.0
    defects = 0
    for _ in range(repeats):
        _clear_module_caches()
        reviewer = make_reviewer()
        start = time.perf_counter()
        defects = 0
        for review in reviewer.review_projects(projects):
            defects += sum(r.label in ("vague", "malformed") for r in review.indicators)
        best = max(best, n / (time.perf_counter() - start))
    return best, n, defects


def cold_start(path: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "assistant.interfaces.cli", "review", str(path), "--json"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="cold-start runs (median)")
    parser.add_argument("--keep", metavar="DIR", help="write the generated CSV here instead of a temp dir")
    args = parser.parse_args()

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_review_"))
    folder.mkdir(parents=True, exist_ok=True)
    big = folder / f"review_{args.rows}.csv"
    write_csv(big, args.rows)
    small = folder / "review_20.csv"
    write_csv(small, 20, seed=1)

    start = time.perf_counter()
    projects = read_document(big)
    read_seconds = time.perf_counter() - start
    n = sum(len(p.indicators) for p in projects)
    print(
        f"CSV: {n} indicators in {len(projects)} projects; read_document {read_seconds:.2f} s ({n / read_seconds:,.0f}/s)"
    )
    unique = len({(i.name, i.value, i.level2) for p in projects for i in p.indicators})
    print(f"distinct (name, value, slot) rows: {unique}")

    rate, total, defects = review_rate(projects, Reviewer)
    print(f"review: {rate:,.0f} indicators/s  ({defects} defects of {total})")
    seed = ROOT / "corpus" / "raw" / "000_681f7b743be24556.txt"
    print(
        f"cold start `assistant review {small.name} --json` (median of {args.runs}): {cold_start(small, args.runs):.2f} s"
    )
    print(
        f"cold start `assistant review {seed.name} --json` (median of {args.runs}): {cold_start(seed, args.runs):.2f} s"
    )


if __name__ == "__main__":
    main()
