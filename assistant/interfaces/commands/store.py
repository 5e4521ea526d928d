"""``assistant store [--store DIR]``: open (building it on first use) and describe a store.

``make install`` runs it so that a new user's default corpus is built from ``corpus/raw`` once,
without ever wiping documents the user has added since (``ingest --rebuild`` does that on request).
"""

from __future__ import annotations

import argparse

from .common import add_store_argument, open_store, print_json

NAME = "store"


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME,
        help="显示存储的位置与规模（默认存储不存在时先由 corpus/raw 构建）",
        description="打开存储（默认存储首次使用时由 corpus/raw 构建），显示位置、项目数、指标数与版本。",
    )
    add_store_argument(parser)
    parser.add_argument("--json", action="store_true", help="以一行 JSON 输出")
    return parser


def run(args: argparse.Namespace) -> int:
    store = open_store(args)
    info = {
        "directory": str(store.directory),
        "projects": store.project_count(),
        "indicators": store.indicator_count(),
        "revision": store.revision,
    }
    if args.json:
        print_json(info)
    else:
        print(
            f"存储 {info['directory']}：{info['projects']} 个项目，{info['indicators']} 条指标（修订 {info['revision']}）"
        )
    return 0
