"""Benchmark ingestion: indicator rows per second, read (document → records) and store (records → SQLite).

Two workloads:
  * the songgang workbooks (``../shared/data/songgang``, skipped when absent);
  * a generated CSV of 100k rows (三级指标, 指标值, 一级指标, 二级指标, 项目名称), its rows recombined from
    the hand-checked seed rows in ``tests/data/seed_expectations.json``, 50 rows per project.
It also times reading the whole store back (``Store.projects()`` on a fresh instance, best of 3).

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
import warnings
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


class Timer:
    """Wall-clock and CPU seconds of a block (CPU time is the figure that survives a busy machine)."""

    def __enter__(self) -> Timer:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def measure(files: list[Path], store_dir: Path) -> dict[str, float]:
    """Read every file, then store every file's projects; time both, and the read-back."""
    from assistant.documents import read_document
    from assistant.errors import IngestWarning
    from assistant.store.database import Store

    store = Store.open(store_dir)
    with Timer() as reading, warnings.catch_warnings():
        warnings.simplefilter("ignore", IngestWarning)  # budget-unit notes etc.; not what we time
        read = [read_document(path) for path in files]
    with Timer() as storing, store.held_open():  # as ingest_paths: the write-ahead log kept between files
        for projects in read:
            store.add_projects(projects)
    loads = []
    for _ in range(3):  # best of three: the machine may be shared
        with Timer() as loading:
            loaded = Store.open(store_dir).projects()
        loads.append(loading)
    rows = sum(len(p.indicators) for projects in read for p in projects)
    assert sum(len(p.indicators) for p in loaded) == store.indicator_count() == rows
    return {
        "files": len(files),
        "projects": sum(len(projects) for projects in read),
        "rows": rows,
        "read": reading,
        "store": storing,
        "load_wall": min(t.wall for t in loads),
        "load_cpu": min(t.cpu for t in loads),
    }


def print_table(results: dict[str, dict]) -> None:
    header = (
        f"{'workload':<20}{'files':>6}{'projects':>9}{'rows':>8}"
        f"{'read rows/s':>18}{'store rows/s':>18}{'total rows/s':>18}{'load all s':>14}"
    )
    print(header)
    print(f"{'':<43}{'wall / cpu':>18}{'wall / cpu':>18}{'wall / cpu':>18}{'wall / cpu':>14}")
    print("-" * len(header))
    for name, r in results.items():
        rows, read, store = r["rows"], r["read"], r["store"]

        def rate(wall: float, cpu: float, rows: int = rows) -> str:
            return f"{rows / wall:,.0f} / {rows / cpu:,.0f}"

        print(
            f"{name:<20}{r['files']:>6}{r['projects']:>9}{rows:>8}"
            f"{rate(read.wall, read.cpu):>18}{rate(store.wall, store.cpu):>18}"
            f"{rate(read.wall + store.wall, read.cpu + store.cpu):>18}"
            f"{r['load_wall']:>7.2f} / {r['load_cpu']:.2f}"
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
            results["songgang xlsx"] = measure(workbooks, work / "songgang-store")
        else:
            print(f"(songgang workbooks not found in {args.songgang}; skipped)", file=sys.stderr)
        csv_path = work / "generated.csv"
        started = time.perf_counter()
        generate_csv(csv_path, args.rows)
        print(
            f"generated {csv_path.name}: {args.rows:,} rows, {csv_path.stat().st_size / 1e6:.1f} MB "
            f"in {time.perf_counter() - started:.2f}s",
            flush=True,
        )
        results[f"generated CSV {args.rows // 1000}k"] = measure([csv_path], work / "csv-store")
    print_table(results)
    print(
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; store rows/s include the"
        f" per-file commits; 'load all' = Store.projects() of the whole store, best of 3)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
