"""Reliability table: break things on purpose and show that nothing is lost or let in.

Each case (``tests/reliability/chaos.py``, where the tests run the fast ones) drives the real ``assistant`` command on a throw-away
store: kill -9 during ingest, two writers, a corrupted page, a zero-byte database, broken stored
JSON, a failing --rebuild, same-named tables in two folders, XLSX bombs (2M rows, a huge cell,
repeated merged ranges, XML entities), --batch bounds, formula injection, and a full disk (a 2 MB
tmpfs, when this machine lets us mount one).

Usage:
    .venv/bin/python scripts/chaos.py [CASE ...]     # no CASE: all of them
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.chaos import CASES, run_case  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", choices=[[], *CASES], metavar="CASE", help=", ".join(CASES))
    keys = parser.parse_args().cases or list(CASES)
    print("| case | must hold | outcome | held | s |")
    print("|---|---|---|---|---|")
    failures = 0
    for key in keys:
        result = run_case(key)
        failures += not result.held
        print(
            f"| {result.name} | {result.expected} | {result.outcome.replace('|', '/')} | "
            f"{'yes' if result.held else '**NO**'} | {result.seconds:.1f} |",
            flush=True,
        )
    print(f"\n{len(keys) - failures}/{len(keys)} cases held", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
