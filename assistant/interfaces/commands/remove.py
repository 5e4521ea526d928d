"""``assistant remove SOURCE... [--store DIR] [--json] [--no-index]`` and ``assistant remove --list``.

Removes every project an ingested document gave (SOURCE is the file name as stored, the ``source``
of ``ingest --json``; or a path, which removes just that file when two folders' files share a name), then refreshes the store's indexes as ``ingest`` does. A SOURCE the store does
not hold gets one ``assistant: error:`` line (naming close matches) and exit status 2; the other
sources are still removed.
"""

from __future__ import annotations

import argparse

from .common import add_store_argument, open_store, print_error, print_json, print_warning

NAME = "remove"


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME,
        help="从存储中删除一个已导入的文档（其全部项目与指标），并更新检索索引",
        description="按文件名（导入时记录的 source）删除已导入文档的全部项目；--list 列出存储中的文档。",
    )
    parser.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="要删除的文档文件名（如 申报表.xlsx），或其路径（同名文件只删这一个）",
    )
    add_store_argument(parser)
    parser.add_argument("--list", action="store_true", help="列出存储中的文档及其项目数、指标数")
    parser.add_argument("--json", action="store_true", help="每个文档输出一行 JSON")
    parser.add_argument(
        "--no-index", action="store_true", help="删除后不更新检索索引（第一次检索时自动重建）"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from ...errors import AssistantError, InputError

    if not args.sources and not args.list:
        raise InputError(
            "remove 需要至少一个 SOURCE（导入时的文件名）；用 `assistant remove --list` 查看存储中的文档"
        )
    store = open_store(args)
    if args.list:
        for info in store.sources():
            if args.json:
                print_json({"source": info.source, "projects": info.projects, "indicators": info.indicators})
            else:
                print(f"{info.source}\t{info.projects} 个项目\t{info.indicators} 条指标")
        if not args.sources:
            return 0
    failed = removed = 0
    for source in args.sources:
        try:
            info = store.remove_source(_as_stored(source))
        except AssistantError as exc:
            print_error(exc)
            failed += 1
            continue
        removed += 1
        if args.json:
            print_json(
                {
                    "source": info.source,
                    "removed_projects": info.projects,
                    "removed_indicators": info.indicators,
                }
            )
        else:
            print(f"已删除 {info.source}：{info.projects} 个项目，{info.indicators} 条指标")
    if removed and not args.no_index:
        from ...ingest import refresh_indexes

        refresh = refresh_indexes(store)
        if refresh.error is not None:
            print_warning(f"检索索引未能更新（{refresh.error}）；将在第一次检索时重建")
    if not args.json:
        print(f"存储 {store.directory}：{store.project_count()} 个项目，{store.indicator_count()} 条指标")
    return 2 if failed else 0


def _as_stored(source: str) -> str:
    """A SOURCE with a folder in it is a path: the file's identity (``origin``) as ingest stored it."""
    import os

    if os.sep in source or (os.altsep and os.altsep in source):
        from pathlib import Path

        from ...ingest import origin_of

        return origin_of(Path(source))
    return source
