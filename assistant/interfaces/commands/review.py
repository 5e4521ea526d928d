"""``assistant review PATH... [--store DIR] [--json] [-o REPORT] [--config FILE]``.

Scores every indicator of the given documents (anything ``assistant ingest`` reads, including a
CSV/TSV with 三级指标 and 指标值 columns). With ``--json``: one line per indicator in document order,
then the project's line (CONTRACT.md). Without it: a readable summary of the flagged rows on stdout.
``-o`` writes an .xlsx/.csv/.json report. A progress bar (long batches, terminal only) and a final
one-line summary go to stderr. An unreadable file gets one error line, the other files are still
reviewed, and the exit status is 2.

Cold start matters (``assistant review`` on one file should answer within two seconds): nothing
heavy is imported — no torch, faiss or gradio; the store is opened only when a rewrite needs past indicators.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import add_store_argument, print_error, print_json, print_warning

if TYPE_CHECKING:
    from ...engines.review.crosscheck import ProjectHistory
    from ...records.schema import Indicator, Project, ProjectReview

NAME = "review"
PROGRESS_MIN_ROWS = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME,
        help="审阅绩效目标表：标出含糊或格式错误的指标值，给出原因和可衡量的改写",
        description=(
            "逐条审阅文档中的绩效指标（可导入的任何文档，或表头含“三级指标”“指标值”的 CSV/TSV），"
            "给出结论（可衡量/含糊/格式错误/不适用）、得分、判定（通过/提醒/退回）、原因（含字符位置）和改写建议，"
            "并检查每个项目的表级问题（缺少必填指标、成本超预算、指标重复、缺少年度目标、指标与目标无关）。"
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="要审阅的文件或文件夹")
    add_store_argument(parser)
    parser.add_argument(
        "--json", action="store_true", help="每条指标一行 JSON，每个项目的指标之后一行项目 JSON（stdout）"
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="REPORT",
        help="写审阅报告：REPORT.xlsx（按判定着色）、REPORT.csv（带 BOM）或 REPORT.json",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="审阅配置（TOML/YAML）：部门允许词、自定义含糊词、带理由的豁免",
    )
    # the review is rules only since the learned model was removed; the option still parses for old scripts
    parser.add_argument("--no-model", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true", help="不输出进度条和最后的统计行")
    return parser


class _StoreEvidence:
    """Rewrite evidence over the store, opened on the first lookup (most runs never need it).

    With an explicit ``--store`` a store that cannot be opened is an error; the default store
    failing only costs the rewrites their past numbers (one warning line, placeholders instead).
    """

    def __init__(self, directory: str | None):
        self.directory = directory
        self._inner: Any = None
        self._failed = False

    def similar(self, name: str, level2: str, k: int = 20) -> Sequence[tuple[Indicator, float]]:
        if self._failed:
            return []
        if self._inner is None:
            from ...engines.review.evidence import ProjectsEvidence
            from ...errors import AssistantError
            from ...ingest import open_store

            try:
                self._inner = ProjectsEvidence.from_store(open_store(self.directory))
            except AssistantError as exc:
                if self.directory is not None:
                    raise
                self._failed = True
                print_warning(f"默认存储不可用，改写建议将使用占位符（{exc}）")
                return []
        return self._inner.similar(name, level2, k)


class _StoreHistory:
    """Earlier-year tables from the store for the year-over-year check, read on the first project
    that has a year (most tables are compared with nothing, and the store is then never opened).

    Only an existing store is read (the default one is never built for this); a store that cannot be
    opened is an error only when it was named with ``--store``.
    """

    def __init__(self, directory: str | None):
        self.directory = directory
        self._inner: ProjectHistory | None = None
        self._done = False

    def previous(self, project: Project) -> Project | None:
        if not self._done:
            self._done = True
            self._inner = self._load()
        return self._inner.previous(project) if self._inner is not None else None

    def _load(self) -> ProjectHistory | None:
        from ...engines.review.crosscheck import ProjectHistory
        from ...errors import AssistantError
        from ...store.database import Store, default_store_dir, has_store

        folder = Path(self.directory) if self.directory is not None else default_store_dir()
        if self.directory is None and not has_store(folder):
            return None
        try:
            return ProjectHistory.from_store(Store.open(folder))
        except AssistantError as exc:
            if self.directory is not None:
                raise
            print_warning(f"默认存储不可用，跳过与往年对比（{exc}）")
            return None


def _read_all(paths: Sequence[str]) -> tuple[list[Project], int]:
    """Every project of every file, in order; unreadable files get an error line each."""
    from ...documents import read_document
    from ...errors import IngestError, IngestWarning
    from ...ingest import collect_files

    projects: list[Project] = []
    failed = 0
    for item in collect_files(paths):
        if isinstance(item, IngestError):
            print_error(item)
            failed += 1
            continue
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", IngestWarning)
                found = read_document(item)
            for record in caught:  # a caveat (encoding guessed, sheet skipped) is said, not swallowed
                if isinstance(record.message, IngestWarning):
                    print_warning(str(record.message))
        except IngestError as exc:
            print_error(exc)
            failed += 1
            continue
        except (MemoryError, RecursionError) as exc:
            print_error(IngestError(item.name, f"文件过大或结构过深，无法读取（{type(exc).__name__}）"))
            failed += 1
            continue
        except Exception as exc:  # a reader bug must not stop the other files
            detail = " ".join(str(exc).split())[:200]
            print_error(
                IngestError(item.name, f"无法读取（{type(exc).__name__}{': ' + detail if detail else ''}）")
            )
            failed += 1
            continue
        if not found:
            print_error(IngestError(item.name, "没有找到任何项目或指标行"))
            failed += 1
            continue
        projects.extend(found)
    return projects, failed


def _progress(reviews: Iterator[ProjectReview], total: int, quiet: bool) -> Iterator[ProjectReview]:
    if quiet or total < PROGRESS_MIN_ROWS or not sys.stderr.isatty():
        yield from reviews
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="条", desc="审阅", file=sys.stderr, leave=False, dynamic_ncols=True) as bar:
        for review in reviews:
            bar.update(len(review.indicators))
            yield review


def run(args: argparse.Namespace) -> int:
    from ...engines.review import ReviewConfig, Reviewer
    from ...engines.review.report import REPORT_SUFFIXES, indicator_line, project_line, write_report
    from ...errors import InputError

    started = time.perf_counter()
    if args.output and Path(args.output).suffix.lower() not in REPORT_SUFFIXES:
        raise InputError(f"报告文件 {args.output}: 不支持的格式，请用 .xlsx、.csv 或 .json")
    config = ReviewConfig.load(args.config) if args.config else None
    reviewer = Reviewer(config, evidence=_StoreEvidence(args.store), history=_StoreHistory(args.store))

    projects, failed = _read_all(args.paths)
    total = sum(len(p.indicators) for p in projects)
    collected: list[ProjectReview] = []
    counts = _Counts()
    keep = bool(args.output) or not args.json
    for review in _progress(reviewer.review_projects(projects), total, args.quiet):
        counts.add(review)
        if args.json:
            # each line carries its location so a reviewer can find the row (CONTRACT.md)
            for r in review.indicators:
                print_json({**indicator_line(r, review.project), "location": r.indicator.location})
            print_json({**project_line(review), "location": review.project.location})
        if keep:
            collected.append(review)
    if args.json:
        sys.stdout.flush()
    else:
        _print_human(collected)
    if args.output:
        write_report(args.output, collected)
    if not args.quiet and (counts.projects or not failed):
        print(counts.line(time.perf_counter() - started, args.output), file=sys.stderr)
    return 2 if failed else 0


class _Counts:
    """Running totals for the final stderr line (kept without holding every review)."""

    def __init__(self) -> None:
        self.projects = self.rows = self.vague = self.malformed = self.block = self.warn = self.findings = 0

    def add(self, review: ProjectReview) -> None:
        self.projects += 1
        self.findings += len(review.findings)
        for r in review.indicators:
            self.rows += 1
            self.vague += r.label == "vague"
            self.malformed += r.label == "malformed"
            self.block += r.verdict == "block"
            self.warn += r.verdict == "warn"

    def line(self, elapsed: float, output: str | None) -> str:
        rate = self.rows / elapsed if elapsed > 0 else 0.0
        text = (
            f"审阅 {self.rows} 条指标（{self.projects} 个项目）：缺陷 {self.vague + self.malformed} 条"
            f"（含糊 {self.vague}，格式错误 {self.malformed}），退回 {self.block}，提醒 {self.warn}，"
            f"表级问题 {self.findings} 个；用时 {elapsed:.2f} 秒（{rate:,.0f} 条/秒）"
        )
        return text + (f"；报告：{output}" if output else "")


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text)


def _print_human(reviews: Sequence[ProjectReview]) -> None:
    from ...engines.review.report import LABEL_ZH

    out = sys.stdout
    for pr in reviews:
        flagged = [r for r in pr.indicators if r.verdict != "ok"]
        defects = sum(1 for r in pr.indicators if r.label in ("vague", "malformed"))
        where = " ".join(x for x in (pr.project.source, pr.project.location) if x)
        out.write(
            f"【{_clean(pr.project.name)}】{f'（{_clean(where)}）' if where else ''} "
            f"指标 {len(pr.indicators)} 条：缺陷 {defects} 条，需关注 {len(flagged)} 条\n"
        )
        for r in flagged:
            ind = r.indicator
            mark = "✗" if r.verdict == "block" else "!"
            value = ind.value if len(ind.value) <= 80 else ind.value[:80] + "…"
            out.write(
                f"  {mark} {_clean(ind.location) + ' ' if ind.location else ''}[{ind.level2 or '未分类'}] "
                f"{_clean(ind.name)}：{_clean(value)}  → {LABEL_ZH.get(r.label, r.label)}，{r.score}分\n"
            )
            for reason in r.reasons:
                field = "值" if reason.field == "value" else "名称"
                out.write(
                    f"      {reason.code}（{field} {reason.start}-{reason.end}）{_clean(reason.message)}\n"
                )
            if r.rewrite:
                out.write(f"      建议：{_clean(r.rewrite)}\n")
        for f in pr.findings:
            out.write(f"  ◆ {f.code} {_clean(f.message)}\n")
            for line in f.evidence:
                out.write(f"      · {_clean(line)}\n")
        out.write("\n")
    out.flush()
