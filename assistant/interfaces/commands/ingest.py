"""``assistant ingest PATH... [--store DIR] [--json] [--rebuild]``: add documents to the store.

Each unreadable file gets one ``assistant: error: <file>: <reason>`` line on stderr; the other files
are still ingested and the exit status is 2 if any file failed (CONTRACT.md). Parts of a file read
under an assumption or skipped (:class:`~assistant.errors.IngestWarning`) get one
``assistant: warning: …`` line each and do not change the exit status.

A project is identified by its 项目编码 (with 年度) or, without one, by the file's path, 项目名称,
主管部门/实施单位 and 年度 (:mod:`assistant.store.database`). A file holding a different version of a
stored project does not replace it unless ``--replace`` is given: the project is left out, one error
line names it, and the exit status is 2. With ``--json`` each project line of a project that
replaced a stored version, or was left out as a conflict with one, also carries ``"status"``
(``replaced``/``conflict``) and ``"previous"`` (the stored copies' source and location).

``--rebuild`` builds the new store beside the old one and swaps it in only when every file was read;
otherwise the old store stays as it was.

When the run changed the store, its persisted indexes are refreshed before the command returns
(:func:`~assistant.ingest.refresh_indexes`: BM25 always, dense incrementally when the default model
is built; torch is never imported), so the first ``suggest``/search after an ingest is fast;
``--no-index`` leaves them to be rebuilt lazily on first use.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .common import add_store_argument, open_store, print_error, print_json, print_warning

if TYPE_CHECKING:
    from ...ingest import FileOutcome, IndexRefresh, IngestReport
    from ...store.database import Store

NAME = "ingest"


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME,
        help="读取文档，把其中的项目和绩效指标加入存储",
        description=(
            "读取文档（种子文本版式、预算平台导出的 XLSX 或旧版 XLS、带表头的 CSV（UTF-8、GBK 或 UTF-16）/XLSX 表、DOCX、HTML、PDF），"
            "把项目和指标加入存储；文件夹会递归读取。重复导入同一文档不会新增记录。"
        ),
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="要导入的文件或文件夹")
    add_store_argument(parser)
    parser.add_argument("--json", action="store_true", help="每个项目输出一行 JSON（stdout）")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="先清空并重建存储（默认存储会重新读取 corpus/raw），再导入 PATH…；用于存储格式版本不符时",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="允许用新版本替换存储中的同一项目（同一项目编码，或同一文件路径+项目名称+部门+年度）；默认不替换并报错",
    )
    parser.add_argument(
        "--no-index",
        action="store_true",
        help="不在导入后更新检索索引（索引会在第一次检索时自动重建）",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from ...errors import InputError

    if not args.paths and not args.rebuild:
        raise InputError(
            "ingest 需要至少一个 PATH（文件或文件夹）；只重建默认语料库请用 `assistant ingest --rebuild`"
        )
    emit = _emitter(json_lines=args.json)
    if args.rebuild:
        report, store = _rebuild(args, emit)
    else:
        store = open_store(args)
        report = _ingest(args.paths, store, emit, replace=args.replace)
    refresh = None
    if not args.no_index and (args.rebuild or report.added or report.replaced):
        from ...ingest import refresh_indexes

        refresh = refresh_indexes(store)
        if refresh.error is not None:
            print_warning(f"检索索引未能更新（{refresh.error}）；将在第一次检索时重建")
    if not args.json:
        _print_summary(report, store, refresh)
    return 2 if report.failed or report.conflicts else 0


def _ingest(paths: list[str] | list[str | Path], store: Store, emit, *, replace: bool) -> IngestReport:
    from ...ingest import ingest_paths

    return ingest_paths(paths, store, on_file=emit, replace=replace)


class _RebuildAborted(Exception):
    """Raised inside the staging block so that the staged store is discarded, never installed."""


def _rebuild(args: argparse.Namespace, emit) -> tuple[IngestReport, Store]:
    """Build a fresh store beside the old one and swap it in only when every file was read."""
    from ...errors import StoreError
    from ...store.database import default_store_dir, has_store, seed_paths, staged_store

    directory = Path(args.store).expanduser() if args.store else default_store_dir()
    paths: list[str | Path] = [*(seed_paths() if args.store is None else []), *args.paths]
    try:
        with staged_store(directory, replace=True) as store:
            report = _ingest(paths, store, emit, replace=args.replace)
            if report.failed:
                raise _RebuildAborted
    except _RebuildAborted:
        kept = "原存储保持不变" if has_store(directory) else "没有建立新存储"
        raise StoreError(
            f"重建未完成：{len(report.failed)}/{len(report.files)} 个文件无法读取（见上方错误），{kept}（{directory}）；"
            "修正或去掉这些文件后重试"
        ) from None
    return report, store


def _emitter(*, json_lines: bool):
    def emit(outcome: FileOutcome) -> None:
        for warning in outcome.warnings:
            print_warning(warning)
        if outcome.error is not None:
            print_error(outcome.error)
            return
        if outcome.conflicts:
            print_error(outcome.conflict_message())
        if outcome.library_rows and json_lines:  # not a project: the JSON lines stay projects
            print_warning(f"{outcome.path.name}: 指标库文件，{outcome.library_rows} 行已加入存储的指标库")
        if json_lines:
            for project, result in zip(outcome.projects, outcome.outcomes, strict=False):
                line = project.to_dict()
                if result.previous:  # only a replacement or a conflict adds keys to the contract's line
                    line["status"] = result.status
                    line["previous"] = [{"source": s, "location": loc} for s, loc in result.previous]
                print_json(line)
            sys.stdout.flush()

    return emit


def _print_summary(report: IngestReport, store: Store, refresh: IndexRefresh | None = None) -> None:
    read = len(report.files) - len(report.failed)
    line = (
        f"读取 {read} 个文件（{len(report.projects)} 个项目，{report.indicator_count} 条指标）："
        f"新增 {report.added} 个项目，跳过 {report.skipped} 个已有项目"
    )
    if report.replaced:
        line += f"，替换 {report.replaced} 个旧版本"
    if report.conflicts:
        line += f"，{report.conflicts} 个项目与已有版本冲突未导入（加 --replace 以替换）"
    library = [f for f in report.files if f.library_rows]
    if library:
        line += (
            f"；指标库文件 {len(library)} 个（{sum(f.library_rows for f in library)} 行）已加入存储的指标库"
        )
    if report.failed:
        line += f"；{len(report.failed)} 个文件失败"
    print(line)
    print(f"存储 {store.directory}：共 {store.project_count()} 个项目，{store.indicator_count()} 条指标")
    if refresh is not None and refresh.error is None:
        dense = "关键词与语义索引" if refresh.dense else "关键词索引（语义索引在第一次检索时更新）"
        print(f"已更新{dense}，用时 {refresh.total_seconds:.1f} 秒")
