"""Benchmark the 指标值 parser: microseconds per call, cold (no cache) and warm (values repeat).

The values are the cells of the seed documents (``corpus/raw/*.txt`` split on lines and tabs, cells of
at most 60 characters) plus, when present, the 指标值 cells of the songgang workbooks (read in place).

Usage:
    .venv/bin/python scripts/bench_values.py [--repeat 5] [--songgang ../shared/data/songgang]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Iterator
from pathlib import Path

from assistant.records import values

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SONGGANG = Path(os.environ.get("ASSISTANT_SHARED", ROOT.parent / "shared")) / "data" / "songgang"


def seed_cells(raw_dir: Path) -> Iterator[str]:
    """Every short cell of the seed text documents (a superset of their 指标值 cells)."""
    for path in sorted(raw_dir.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for cell in line.split("\t"):
                cell = cell.strip()
                if cell and len(cell) <= 60:
                    yield cell


def songgang_values(directory: Path) -> Iterator[str]:
    """The cells under the 目标值/指标值 header of every songgang sheet (nothing when absent)."""
    if not directory.is_dir():
        return
    import openpyxl

    for path in sorted(directory.glob("*.xlsx")):
        if "审核口径" in path.name:
            continue
        workbook = openpyxl.load_workbook(path, read_only=True)
        for sheet in workbook.worksheets:
            column = None
            for row in sheet.iter_rows(values_only=True):
                if column is None:
                    column = next(
                        (
                            i
                            for i, c in enumerate(row)
                            if isinstance(c, str) and c.strip() in ("目标值", "指标值")
                        ),
                        None,
                    )
                elif column < len(row) and row[column] is not None:
                    yield str(row[column])
        workbook.close()


def time_per_call(func, items: list[str], repeat: int) -> float:
    """Best-of-``repeat`` microseconds per call of ``func`` over ``items``."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            func(item)
        best = min(best, time.perf_counter() - start)
    return best / len(items) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--songgang", type=Path, default=DEFAULT_SONGGANG)
    args = parser.parse_args()

    items = list(seed_cells(ROOT / "corpus" / "raw")) + list(songgang_values(args.songgang))
    distinct = sorted(set(items))
    print(f"values: {len(items)} cells, {len(distinct)} distinct")

    cold = time_per_call(values._parse, distinct, args.repeat)  # the parser itself, no cache

    def warm_stream(_: str) -> None:
        values._parse_cached.cache_clear()

    # warm: the realistic stream (values repeat) through the public, cached function, cache cleared first
    best = float("inf")
    for _ in range(args.repeat):
        warm_stream("")
        start = time.perf_counter()
        for item in items:
            values.parse_value(item)
        best = min(best, time.perf_counter() - start)
    warm = best / len(items) * 1e6
    hits = time_per_call(values.parse_value, distinct, args.repeat)  # everything cached now

    print(f"cold (no cache)        : {cold:7.2f} µs/call  ({1e6 / cold:,.0f} values/s)")
    print(f"stream (cache cleared) : {warm:7.2f} µs/call  ({1e6 / warm:,.0f} values/s)")
    print(f"cache hit              : {hits:7.2f} µs/call  ({1e6 / hits:,.0f} values/s)")


if __name__ == "__main__":
    main()
