"""Check the XLSX reader against the workbooks' own cells: row-level precision and recall per workbook.

The expectation comes from an independent walk of every sheet with openpyxl in normal (not
read-only) mode: the header row is the row holding a cell "三级指标" and a cell "目标值"/"指标值";
every row below it (up to the 备注 line) whose 三级指标 or 目标值 cell is non-empty is one expected
row, keyed by (sheet, row number, 三级指标, 目标值), with its 一级/二级 labels taken from the merged
range covering the cell. The ingested rows are what ``read_workbook`` returns, keyed by the sheet
and row of ``Indicator.location``.

Usage:
    .venv/bin/python scripts/check_workbooks.py [WORKBOOK.xlsx | DIR ...]

With no argument, checks ../shared/data/songgang (or $ASSISTANT_SHARED/data/songgang). Exit status
0 when every workbook has precision and recall 100%, matching 一级/二级 labels and project counts.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from assistant.documents.workbooks import read_workbook
from assistant.errors import IngestError, IngestWarning
from assistant.records.levels import normalise_level1, normalise_level2

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = Path(os.environ.get("ASSISTANT_SHARED", ROOT.parent / "shared")) / "data" / "songgang"
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_LOCATION = re.compile(r"^(?P<sheet>.*)!A(?P<row>\d+):[A-Z]+(?P=row)$")
RowKey = tuple[str, int, str, str]


@dataclass(frozen=True)
class Expected:
    sheets: int
    projects: int  # sheets with an indicator header
    rows: dict[RowKey, tuple[str, str]]  # key → (raw 一级, raw 二级)


@dataclass(frozen=True)
class Report:
    name: str
    expected: Expected
    projects: int
    ingested: dict[RowKey, tuple[str, str]]  # key → (一级, 二级) as ingested
    ingested_rows: int = 0  # every indicator returned (a duplicate key counts against precision)
    error: str | None = None

    @property
    def matched(self) -> set[RowKey]:
        return set(self.expected.rows) & set(self.ingested)

    @property
    def precision(self) -> float:
        return len(self.matched) / self.ingested_rows if self.ingested_rows else float(not self.expected.rows)

    @property
    def recall(self) -> float:
        return len(self.matched) / len(self.expected.rows) if self.expected.rows else 1.0

    @property
    def levels_ok(self) -> int:
        ok = 0
        for key in self.matched:
            raw1, raw2 = self.expected.rows[key]
            got1, got2 = self.ingested[key]
            ok += normalise_level2(raw2) == got2 and (normalise_level1(raw1) == got1)
        return ok

    @property
    def passed(self) -> bool:
        if self.error is not None:
            return self.expected.projects == 0  # a workbook without any indicator table must be refused
        return (
            self.precision == 1.0
            and self.recall == 1.0
            and self.levels_ok == len(self.matched)
            and self.projects == self.expected.projects
        )


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACES.sub(" ", str(value)).strip()


def walk_cells(path: Path) -> Expected:
    """The expected projects and rows, read straight from the cells (normal-mode openpyxl)."""
    book = load_workbook(path)  # normal mode: merged ranges available, a different code path
    rows: dict[RowKey, tuple[str, str]] = {}
    projects = 0
    for sheet in book.worksheets:
        merged = {}
        for cells in sheet.merged_cells.ranges:
            top_left = sheet.cell(cells.min_row, cells.min_col).value
            for row in range(cells.min_row, cells.max_row + 1):
                for col in range(cells.min_col, cells.max_col + 1):
                    merged[(row, col)] = top_left

        def value(row: int, col: int, merged: dict = merged, sheet=sheet) -> str:
            return text(merged.get((row, col), sheet.cell(row, col).value))

        header = None
        for row in range(1, sheet.max_row + 1):
            labels = {text(sheet.cell(row, col).value): col for col in range(1, sheet.max_column + 1)}
            value_col = labels.get("目标值") or labels.get("指标值")
            if "三级指标" in labels and value_col:
                header = (row, labels.get("一级指标"), labels.get("二级指标"), labels["三级指标"], value_col)
                break
        if header is None:
            continue
        projects += 1
        start, col1, col2, col_name, col_value = header
        for row in range(start + 1, sheet.max_row + 1):
            if value(row, 1).startswith("备注"):
                break
            name, target = value(row, col_name), value(row, col_value)
            if name or target:
                level1 = value(row, col1) if col1 else ""
                level2 = value(row, col2) if col2 else ""
                rows[(sheet.title, row, name, target)] = (level1, level2)
    return Expected(len(book.worksheets), projects, rows)


def check(path: Path) -> Report:
    expected = walk_cells(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IngestWarning)
            projects = read_workbook(path)
    except IngestError as error:
        return Report(path.name, expected, 0, {}, error=error.reason)
    ingested: dict[RowKey, tuple[str, str]] = {}
    total = 0
    for project in projects:
        for indicator in project.indicators:
            where = _LOCATION.match(indicator.location)
            if where is None:
                raise SystemExit(f"{path.name}: unexpected indicator location {indicator.location!r}")
            key = (where["sheet"], int(where["row"]), text(indicator.name), text(indicator.value))
            ingested[key] = (indicator.level1, indicator.level2)
            total += 1
    return Report(path.name, expected, len(projects), ingested, total)


def workbooks(arguments: list[str]) -> list[Path]:
    paths = [Path(a) for a in arguments] or [DEFAULT_DIR]
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.glob("*.xlsx")) if path.is_dir() else [path])
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="workbooks or folders (default: the songgang exports)")
    found = workbooks(parser.parse_args(argv).paths)
    if not found:
        print(f"no workbooks found (looked in {DEFAULT_DIR})", file=sys.stderr)
        return 2
    reports = [check(path) for path in found]
    print(
        f"{'workbook':<40} {'sheets':>6} {'projects':>11} {'rows exp':>8} {'rows got':>8} "
        f"{'precision':>9} {'recall':>7} {'levels':>9}  result"
    )
    for r in reports:
        if r.error is not None:
            status = "refused as expected" if r.passed else "REFUSED"
            print(
                f"{r.name:<40} {r.expected.sheets:>6} {'0/' + str(r.expected.projects):>11} "
                f"{len(r.expected.rows):>8} {0:>8} {'-':>9} {'-':>7} {'-':>9}  {status}: {r.error[:60]}"
            )
            continue
        print(
            f"{r.name:<40} {r.expected.sheets:>6} {f'{r.projects}/{r.expected.projects}':>11} "
            f"{len(r.expected.rows):>8} {r.ingested_rows:>8} {r.precision:>9.2%} {r.recall:>7.2%} "
            f"{f'{r.levels_ok}/{len(r.matched)}':>9}  {'ok' if r.passed else 'MISMATCH'}"
        )
        for key in sorted(set(r.expected.rows) - set(r.ingested))[:5]:
            print(f"    missing: {key}")
        for key in sorted(set(r.ingested) - set(r.expected.rows))[:5]:
            print(f"    extra:   {key}")
    read = [r for r in reports if r.error is None]
    expected_rows = sum(len(r.expected.rows) for r in read)
    matched = sum(len(r.matched) for r in read)
    ingested = sum(r.ingested_rows for r in read)
    print(
        f"{'TOTAL':<40} {sum(r.expected.sheets for r in read):>6} "
        f"{f'{sum(r.projects for r in read)}/{sum(r.expected.projects for r in read)}':>11} "
        f"{expected_rows:>8} {ingested:>8} {matched / max(ingested, 1):>9.2%} {matched / max(expected_rows, 1):>7.2%} "
        f"{f'{sum(r.levels_ok for r in read)}/{matched}':>9}"
    )
    return 0 if all(r.passed for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
