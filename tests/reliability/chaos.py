"""Reliability cases: each breaks something on purpose and checks that nothing is lost or let in.

Every case drives the real ``assistant`` command in a subprocess (as a user or a script would) on a
throw-away store, and returns a :class:`CaseResult`: what was done, what must hold, what happened.
``scripts/chaos.py`` prints the table; ``tests/reliability/test_chaos.py`` runs the fast ones. A test
helper, not product code: the installed package holds no chaos harness.

The rule every case checks: bad input or a broken store gives exit status 2 and one line
``assistant: error: …`` on stderr (no traceback), and the store keeps every committed project.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .bombs import cell_bomb, merge_bomb, rows_bomb, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "corpus" / "raw"


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One row of the chaos table."""

    name: str
    expected: str
    outcome: str
    held: bool
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float


def assistant(*args: str | Path, env: dict[str, str] | None = None, timeout: float = 300) -> Run:
    """Run the ``assistant`` command line in a fresh process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "assistant.interfaces.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr, time.perf_counter() - started)


def one_clean_error(run: Run) -> bool:
    """Exit 2 with exactly one ``assistant: error:`` line and no traceback."""
    errors = [line for line in run.stderr.splitlines() if line.startswith("assistant: error:")]
    return run.code == 2 and len(errors) == 1 and "Traceback" not in run.stderr


def _count(store: Path) -> int:
    with sqlite3.connect(store / "store.sqlite") as con:
        return int(con.execute("SELECT COUNT(*) FROM projects").fetchone()[0])


def _integrity(store: Path) -> str:
    with sqlite3.connect(store / "store.sqlite") as con:
        return str(con.execute("PRAGMA quick_check").fetchone()[0])


def _seeded_store(work: Path, name: str = "store") -> Path:
    store = work / name
    run = assistant("ingest", SEEDS, "--store", store, "--no-index")
    if run.code != 0:
        raise RuntimeError(f"seed ingest failed: {run.stderr}")
    return store


def _big_csv(path: Path, rows: int) -> Path:
    """``rows`` indicator rows, 20 per project, named after the file (two files: two sets of projects)."""
    lines = ["项目名称,一级指标,二级指标,三级指标,指标值"]
    lines += [f"{path.stem}项目{i // 20},产出指标,数量指标,培训人次{i},≥{i}人次" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ cases
def kill_during_ingest(work: Path) -> CaseResult:
    """kill -9 at several moments of an ingest: the store opens, is intact, and holds all or nothing."""
    store = _seeded_store(work)
    before = _count(store)
    source = _big_csv(work / "big.csv", 60_000)
    outcomes = []
    held = True
    for delay in (0.3, 0.8, 1.5, 2.5, 4.0):
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant.interfaces.cli", "ingest", str(source), "--store", str(store)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        count, check = _count(store), _integrity(store)
        opened = assistant("store", "--store", store)
        ok = check == "ok" and opened.code == 0 and count in (before, before + 3000)
        held &= ok
        outcomes.append(f"{delay}s→{count - before:+d}")
    return CaseResult(
        "kill -9 during ingest (5 moments)",
        "store opens, quick_check ok, all or none of the file",
        "; ".join(outcomes) + f"; integrity {_integrity(store)}",
        held,
    )


def two_writers(work: Path) -> CaseResult:
    store = work / "store"
    store.mkdir()
    a, b = _big_csv(work / "a.csv", 4000), _big_csv(work / "b.csv", 4000)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "assistant.interfaces.cli", "ingest", str(p), "--store", str(store)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for p in (a, b)
    ]
    codes = [p.wait() for p in processes]
    count = _count(store)
    held = codes == [0, 0] and count == 400
    return CaseResult(
        "two writers at once", "both files stored (400 projects)", f"exit {codes}, {count} 个项目", held
    )


def corrupt_page(work: Path) -> CaseResult:
    store = _seeded_store(work)
    _big = assistant("ingest", _big_csv(work / "big.csv", 6000), "--store", store, "--no-index")
    with sqlite3.connect(store / "store.sqlite") as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db = store / "store.sqlite"
    data = bytearray(db.read_bytes())
    data[5 * 4096 : 5 * 4096 + 300] = b"\xa5" * 300
    db.write_bytes(bytes(data))
    runs = {
        "store": assistant("store", "--store", store),
        "suggest": assistant("suggest", "--name", "党员培训", "--store", store),
        "ingest": assistant("ingest", SEEDS / sorted(os.listdir(SEEDS))[0], "--store", store),
        "review": assistant("review", work / "big.csv", "--store", store, "--no-model", "--json"),
    }
    clean = {name: one_clean_error(run) for name, run in runs.items() if name != "review"}
    review_ok = runs["review"].code in (0, 2) and "Traceback" not in runs["review"].stderr
    untouched = db.read_bytes() == bytes(data)
    first = next((r.stderr.strip() for r in runs.values() if r.code == 2), "")
    return CaseResult(
        "corrupted page past the start",
        "every command: exit 2, one line naming the page; file untouched",
        f"{sum(clean.values())}/{len(clean)} one-line exit 2; untouched={untouched}; «{first[:90]}…»",
        all(clean.values()) and review_ok and untouched,
    )


def zero_byte_database(work: Path) -> CaseResult:
    store = _seeded_store(work)
    manifest = (store / "manifest.json").read_text(encoding="utf-8")
    (store / "store.sqlite").write_bytes(b"")
    for extra in store.glob("store.sqlite-*"):
        extra.unlink()
    run = assistant("store", "--store", store)
    kept = (store / "manifest.json").read_text(encoding="utf-8") == manifest
    size = (store / "store.sqlite").stat().st_size
    return CaseResult(
        "zero-byte store.sqlite",
        "exit 2 with the manifest's counts; not re-initialised",
        f"exit {run.code}; manifest kept={kept}; db {size} bytes",
        one_clean_error(run) and kept and size == 0 and "50 个项目" in run.stderr,
    )


def broken_stored_json(work: Path) -> CaseResult:
    store = _seeded_store(work)
    with sqlite3.connect(store / "store.sqlite") as con:
        con.execute("UPDATE projects SET indicators = '[[' WHERE seq = 2")
    runs = [assistant("suggest", "--name", "党员培训", "--store", store)]
    runs.append(assistant("ingest", _big_csv(work / "x.csv", 40), "--store", store))
    suggest_ok = one_clean_error(runs[0]) and "第 2 条" in runs[0].stderr
    ingest_ok = runs[1].code == 0 and "Traceback" not in runs[1].stderr and _count(store) == 52
    return CaseResult(
        "one stored project with broken JSON",
        "suggest: exit 2 naming the project; ingest still commits",
        f"suggest exit {runs[0].code}; ingest exit {runs[1].code}, {_count(store)} 个项目",
        suggest_ok and ingest_ok,
    )


def rebuild_with_failing_inputs(work: Path) -> CaseResult:
    store = _seeded_store(work)
    run = assistant("ingest", "--rebuild", "--store", store, work / "missing.xlsx")
    count = _count(store)
    return CaseResult(
        "--rebuild whose every input fails",
        "exit 2; the old store stays (50 projects)",
        f"exit {run.code}; {count} 个项目",
        run.code == 2 and count == 50 and "Traceback" not in run.stderr,
    )


def same_name_two_folders(work: Path) -> CaseResult:
    store = work / "store"
    for folder, department in (("a", "甲局"), ("b", "乙局")):
        (work / folder).mkdir()
        (work / folder / "绩效目标表.csv").write_text(
            "项目名称,主管部门,年度,三级指标,指标值\n"
            f"社区服务,{department},2024,服务人次,≥{len(department) * 50}人次\n",
            encoding="utf-8",
        )
    run = assistant("ingest", work / "a", work / "b", "--store", store, "--json")
    changed = work / "a" / "绩效目标表.csv"
    changed.write_text(changed.read_text(encoding="utf-8").replace("≥100", "≥120"), encoding="utf-8")
    again = assistant("ingest", changed, "--store", store)
    count = _count(store)
    return CaseResult(
        "same file name in two folders, no 项目编码",
        "two projects; a changed copy needs --replace",
        f"exit {run.code}, {count} 个项目; changed file: exit {again.code}",
        run.code == 0 and count == 2 and one_clean_error(again) and "--replace" in again.stderr,
    )


def _refused_fast(name: str, make: Callable[[Path], Path], within: float) -> Callable[[Path], CaseResult]:
    def case(work: Path) -> CaseResult:
        path = make(work)
        store = work / "store"
        run = assistant("ingest", path, "--store", store, "--no-index")
        return CaseResult(
            name,
            f"exit 2 in ≤{within:g} s, nothing stored",
            f"{path.stat().st_size / 1024:,.0f} KB file: exit {run.code} in {run.seconds:.1f} s",
            one_clean_error(run)
            and run.seconds <= within + 2.5
            and (not store.exists() or _count(store) == 0),
            run.seconds,
        )

    case.__name__ = name
    return case


def _laughs(work: Path) -> Path:
    entities = "".join(
        f'<!ENTITY l{i} "{"&l0;" * 10 if i == 1 else f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY l0 "lol">{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>'
    )
    return write_xlsx(work / "laughs.xlsx", [sheet])


def batch_bounds(work: Path) -> CaseResult:
    store = _seeded_store(work)
    zero = assistant(
        "suggest", "--batch", "/dev/zero", "--store", store, env={"ASSISTANT_MAX_BATCH_BYTES": "2000000"}
    )
    lines = ['{"name": "党员培训经费"}', "[" * 200_000 + "]" * 200_000, "not json", '{"name": "路灯维护"}']
    batch = work / "b.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mixed = assistant("suggest", "--batch", batch, "--store", store, "--json")
    answers = [json.loads(line) for line in mixed.stdout.splitlines()]
    shape = ["project" if "project" in a else f"line {a.get('line')}" for a in answers]
    held = (
        one_clean_error(zero)
        and zero.seconds < 30
        and mixed.code == 2
        and shape == ["project", "line 2", "line 3", "project"]
        and "Traceback" not in mixed.stderr
    )
    return CaseResult(
        "suggest --batch: /dev/zero, deep JSON, bad line",
        "/dev/zero refused; bad lines answered in place; rest drafted; exit 2",
        f"/dev/zero exit {zero.code} in {zero.seconds:.1f} s; batch exit {mixed.code}: {shape}",
        held,
    )


def formula_injection(work: Path) -> CaseResult:
    source = work / "evil.csv"
    source.write_text('项目名称,三级指标,指标值\n=HYPERLINK("http://x"),@培训,-5%\n', encoding="utf-8")
    report = work / "report.csv"
    run = assistant("review", source, "-o", report, "--no-model", "--store", work / "store")
    import csv

    with report.open(encoding="utf-8-sig", newline="") as handle:
        live = [c for row in csv.reader(handle) for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    return CaseResult(
        "formula injection in the review CSV",
        "no cell starts with = + - @ tab CR",
        f"exit {run.code}; live cells: {len(live)}",
        run.code == 0 and not live,
    )


def disk_full(work: Path) -> CaseResult:
    """Ingest onto a 2 MB tmpfs: a full disk is named, and the committed projects stay readable."""
    mount = work / "small"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        return CaseResult("disk full (2 MB tmpfs)", "skipped: cannot mount a tmpfs here", "skipped", True)
    try:
        store = mount / "store"
        first = assistant("ingest", SEEDS, "--store", store, "--no-index")
        full = assistant("ingest", _big_csv(work / "big.csv", 40_000), "--store", store, "--no-index")
        filler = mount / "filler"
        descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:  # the last bytes too: 100% full
            while os.write(descriptor, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(descriptor)
        at_full = assistant("store", "--store", store)
        filler.unlink()
        after = assistant("store", "--store", store)
        held = (
            first.code == 0
            and one_clean_error(full)
            and one_clean_error(at_full)
            and all("磁盘空间不足" in r.stderr and "删除" not in r.stderr for r in (full, at_full))
            and after.code == 0
            and "50 个项目" in after.stdout
        )
        return CaseResult(
            "disk full (2 MB tmpfs), then 100% full",
            "exit 2 naming the full disk, never advising deletion; all projects readable once space is freed",
            f"ingest exit {full.code}; at 100%: store exit {at_full.code}; freed: {after.stdout.strip()[:40]}",
            held,
        )
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True, check=False)


CASES: dict[str, Callable[[Path], CaseResult]] = {
    "kill": kill_during_ingest,
    "writers": two_writers,
    "corrupt-page": corrupt_page,
    "zero-byte": zero_byte_database,
    "broken-json": broken_stored_json,
    "rebuild": rebuild_with_failing_inputs,
    "identity": same_name_two_folders,
    "rows-bomb": _refused_fast("2M-row xlsx", lambda w: rows_bomb(w / "rows.xlsx", 2_000_000), 5.0),
    "cell-bomb": _refused_fast("one 3M-character cell", lambda w: cell_bomb(w / "cell.xlsx", 3_000_000), 5.0),
    "merge-bomb": _refused_fast(
        "200k repeated merged ranges", lambda w: merge_bomb(w / "merge.xlsx", 200_000), 5.0
    ),
    "xml-entities": _refused_fast("XML entity expansion (billion laughs)", _laughs, 5.0),
    "batch": batch_bounds,
    "formula": formula_injection,
    "disk-full": disk_full,
}
FAST = ("zero-byte", "broken-json", "rebuild", "identity", "merge-bomb", "xml-entities", "formula")


def run_case(key: str) -> CaseResult:
    """Run one case in its own temporary folder; an unexpected exception is a case that did not hold."""
    with tempfile.TemporaryDirectory(prefix=f"chaos-{key}-") as folder:
        started = time.perf_counter()
        try:
            result = CASES[key](Path(folder))
        except Exception as exc:  # the table must still be printed
            result = CaseResult(key, "-", f"crashed: {type(exc).__name__}: {exc}"[:200], False)
        if not result.seconds:
            result = CaseResult(
                result.name, result.expected, result.outcome, result.held, time.perf_counter() - started
            )
        return result
