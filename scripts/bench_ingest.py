"""Benchmark ingestion: indicator rows per second, read (document → records) and store (records → SQLite).

Two workloads:
  * the songgang workbooks (``../shared/data/songgang``, skipped when absent);
  * a generated CSV of 100k rows (三级指标, 指标值, 一级指标, 二级指标, 项目名称), its rows recombined from
    the hand-checked seed rows in ``tests/data/seed_expectations.json``, 50 rows per project.
It also times reading the whole store back (``Store.projects()`` on a fresh instance).

Usage:
    .venv/bin/python scripts/bench_ingest.py [--rows 100000] [--songgang DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_ROWS = ROOT / "tests" / "data" / "seed_expectations.json"
SONGGANG = Path(os.environ.get("ASSISTANT_SHARED", ROOT.parent / "shared")) / "data" / "songgang"
ROWS_PER_PROJECT = 50


def seed_pool() -> tuple[list[str], list[tuple[str, str, str, str]]]:
    """Project names and (一级, 二级, 三级, 指标值) rows of the five seed documents."""
    data = json.loads(SEED_ROWS.read_text(encoding="utf-8"))
    names, rows = [], []
    for document in data["documents"]:
        for project in document["projects"]:
            names.append(project["name"])
            rows.extend((r[0], r[1], r[2], r[3]) for r in project["rows"])
    return names, rows


def generate_csv(path: Path, n_rows: int, seed: int = 7) -> None:
    """Write ``n_rows`` realistic rows: seed project names numbered apart, seed rows recombined."""
    rng = random.Random(seed)
    names, rows = seed_pool()
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["项目名称", "一级指标", "二级指标", "三级指标", "指标值"])
        for i in range(n_rows):
            project = f"{names[(i // ROWS_PER_PROJECT) % len(names)]}（{i // ROWS_PER_PROJECT + 1:05d}）"
            level1, level2, name, value = rng.choice(rows)
            writer.writerow([project, level1, level2, name, value])


def measure(files: list[Path], store_dir: Path) -> dict[str, float]:
    """Read every file, then store every file's projects; time both, and the read-back."""
    from assistant.documents import read_document
    from assistant.store.database import Store

    store = Store.open(store_dir)
    started = time.perf_counter()
    read = [read_document(path) for path in files]
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for projects in read:
        store.add_projects(projects)
    store_seconds = time.perf_counter() - started
    started = time.perf_counter()
    loaded = Store.open(store_dir).projects()
    load_seconds = time.perf_counter() - started
    rows = sum(len(p.indicators) for projects in read for p in projects)
    assert sum(len(p.indicators) for p in loaded) == store.indicator_count()
    return {
        "files": len(files),
        "projects": sum(len(projects) for projects in read),
        "rows": rows,
        "read_s": read_seconds,
        "store_s": store_seconds,
        "load_s": load_seconds,
    }


def print_table(results: dict[str, dict[str, float]]) -> None:
    header = (
        f"{'workload':<22}{'files':>6}{'projects':>9}{'rows':>8}"
        f"{'read rows/s':>13}{'store rows/s':>14}{'total rows/s':>14}{'load all (s)':>14}"
    )
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        total = r["read_s"] + r["store_s"]
        print(
            f"{name:<22}{r['files']:>6}{r['projects']:>9}{r['rows']:>8}"
            f"{r['rows'] / r['read_s']:>13,.0f}{r['rows'] / r['store_s']:>14,.0f}"
            f"{r['rows'] / total:>14,.0f}{r['load_s']:>14.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the generated CSV")
    parser.add_argument("--songgang", type=Path, default=SONGGANG, help="folder of songgang .xlsx exports")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        work = Path(tmp)
        workbooks = sorted(p for p in args.songgang.glob("*.xlsx") if "审核口径" not in p.name)
        if workbooks:
            results["songgang workbooks"] = measure(workbooks, work / "songgang-store")
        else:
            print(f"(songgang workbooks not found in {args.songgang}; skipped)", file=sys.stderr)
        csv_path = work / "generated.csv"
        started = time.perf_counter()
        generate_csv(csv_path, args.rows)
        print(
            f"generated {csv_path.name}: {args.rows:,} rows, {csv_path.stat().st_size / 1e6:.1f} MB "
            f"in {time.perf_counter() - started:.2f}s",
            file=sys.stderr,
        )
        results[f"generated CSV {args.rows // 1000}k"] = measure([csv_path], work / "csv-store")
    print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
