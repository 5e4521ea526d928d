"""Compare the reading of the seed documents with the hand-checked expectation.

Prints, per seed document: projects expected/found, indicator rows expected/found and row-level
precision/recall, where a row matches on (一级, 二级, 三级指标, 指标值) within its project, counted as a
multiset (a row repeated in the document must be read as often). Exit status 1 when any document is
below 100%, so CI can run it.

Usage:
    .venv/bin/python scripts/check_seeds.py [--seeds DIR] [--expect FILE] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.documents.text_layouts import read_text_document  # noqa: E402
from assistant.errors import AssistantError  # noqa: E402

Key = tuple[str, str, str, str, str]  # project, level1, level2, name, value


@dataclass(frozen=True)
class Score:
    """Counts for one document."""

    file: str
    projects_expected: int
    projects_found: int
    rows_expected: int
    rows_found: int
    rows_matched: int

    @property
    def precision(self) -> float:
        return self.rows_matched / self.rows_found if self.rows_found else 0.0

    @property
    def recall(self) -> float:
        return self.rows_matched / self.rows_expected if self.rows_expected else 0.0

    @property
    def perfect(self) -> bool:
        return (
            self.projects_expected == self.projects_found
            and self.rows_matched == self.rows_expected == self.rows_found
        )


def expected_rows(document: dict) -> Counter[Key]:
    return Counter((project["name"], *row[:4]) for project in document["projects"] for row in project["rows"])


def found_rows(projects: list) -> Counter[Key]:
    return Counter(
        (project.name, i.level1, i.level2, i.name, i.value)
        for project in projects
        for i in project.indicators
    )


def score(document: dict, seeds: Path, verbose: bool) -> Score:
    path = seeds / document["file"]
    try:
        projects = read_text_document(path)
    except AssistantError as error:
        print(f"  {document['file']}: {error}", file=sys.stderr)
        projects = []
    expected, found = expected_rows(document), found_rows(projects)
    matched = sum((expected & found).values())
    if verbose:
        for key in sorted((expected - found).elements()):
            print(f"  missing  {document['file'][:3]} {key}")
        for key in sorted((found - expected).elements()):
            print(f"  extra    {document['file'][:3]} {key}")
    return Score(
        file=document["file"],
        projects_expected=document["project_count"],
        projects_found=len(projects),
        rows_expected=sum(expected.values()),
        rows_found=sum(found.values()),
        rows_matched=matched,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "corpus" / "raw")
    parser.add_argument("--expect", type=Path, default=ROOT / "tests" / "data" / "seed_expectations.json")
    parser.add_argument("--verbose", action="store_true", help="list missing and extra rows")
    args = parser.parse_args(argv)
    documents = json.loads(args.expect.read_text(encoding="utf-8"))["documents"]
    scores = [score(document, args.seeds, args.verbose) for document in documents]
    print(
        f"{'document':<28} {'projects exp/found':>18} {'rows exp/found':>15} {'precision':>9} {'recall':>7}"
    )
    for s in scores:
        print(
            f"{s.file:<28} {s.projects_expected:>9}/{s.projects_found:<8} {s.rows_expected:>7}/{s.rows_found:<7}"
            f" {s.precision:>9.1%} {s.recall:>7.1%}"
        )
    total = Score(
        "total",
        *(
            sum(getattr(s, f) for s in scores)
            for f in ("projects_expected", "projects_found", "rows_expected")
        ),
        sum(s.rows_found for s in scores),
        sum(s.rows_matched for s in scores),
    )
    print(
        f"{'total':<28} {total.projects_expected:>9}/{total.projects_found:<8}"
        f" {total.rows_expected:>7}/{total.rows_found:<7} {total.precision:>9.1%} {total.recall:>7.1%}"
    )
    return 0 if all(s.perfect for s in scores) else 1


if __name__ == "__main__":
    raise SystemExit(main())
