"""``assistant serve [--host 127.0.0.1] [--port 7860] [--store DIR] [--no-warm-up]``: start the Gradio app.

Binds 127.0.0.1 by default (the app is for the office's own machine or intranet; pass
``--host 0.0.0.0`` deliberately to expose it). Read-only by default: ``--allow-ingest`` opens the
app's writes (the 语料 tab's ingest and remove, the 审核 tab's dismissals) on loopback; beyond
loopback a token in ``$ASSISTANT_INGEST_TOKEN`` is needed too (a token alone opens them for whoever
types it). Models and indexes load in the background right
after start, so the first user waits as little as possible. Gradio is imported inside :func:`run`.
"""

from __future__ import annotations

import argparse
import os
import threading

from ..workers import WORKERS_ENV, WorkerPool, default_size
from .common import add_store_argument, print_warning

NAME = "serve"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"端口无效：{text!r}；需要 1–65535 之间的整数") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"端口无效：{port}；需要 1–65535 之间的整数")
    return port


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 32:
        raise argparse.ArgumentTypeError(f"工作进程数无效：{text!r}；需要 1–32 之间的整数")
    return int(text)


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME,
        help="启动网页应用（起草、审核、指标库、语料）",
        description="启动绩效目标助手的网页应用：起草指标表、批量审核、检索指标库、导入语料。默认只在本机 127.0.0.1:7860 提供服务。",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"监听地址（默认 {DEFAULT_HOST}，仅本机可访问）")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"端口（默认 {DEFAULT_PORT}）")
    add_store_argument(parser)
    parser.add_argument(
        "--no-warm-up", action="store_true", help="启动时不预先加载模型和索引（首次使用时再加载）"
    )
    parser.add_argument(
        "--workers",
        type=_workers,
        default=None,
        help=f"审核用的工作进程数（默认 {default_size()}，即 CPU 核数减一，或环境变量 {WORKERS_ENV}）；"
        "每个请求限时见环境变量 ASSISTANT_MAX_REQUEST_SECONDS（默认 120 秒）",
    )
    parser.add_argument(
        "--allow-ingest",
        action="store_true",
        help="允许在“语料”页导入、删除文档，在“审核”页撤销误报（默认只读）；在 127.0.0.1 以外的地址上还需设置环境变量 "
        "ASSISTANT_INGEST_TOKEN 作为导入口令（设置了口令即开放导入，须输入口令）",
    )
    return parser


def _warm_up(store: str | None, workers: WorkerPool) -> None:
    """Load the engines (here and in the review workers) in the background; a failure here is
    reported, the app keeps running."""
    from ...errors import AssistantError
    from ..handlers import load_review_engine
    from ..workbench import workbench_for

    try:
        workbench_for(store).warm_up()
        workers.warm_up(load_review_engine, store)
    except AssistantError as error:
        print_warning(f"预加载失败（首次使用时将重试）：{error}")


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from ...errors import InputError
    from ...ingest import open_store
    from ..app import build_app, launch_app
    from ..handlers import WriteAccess

    writes = WriteAccess.for_server(args.host, args.allow_ingest)
    open_store(args.store)  # a bad --store is one error line before anything starts
    workers = WorkerPool(args.workers)
    app = build_app(args.store, writes=writes, workers=workers)
    if not args.no_warm_up:
        threading.Thread(target=_warm_up, args=(args.store, workers), name="warm-up", daemon=True).start()
    try:
        launch_app(app, host=args.host, port=args.port, block=False, quiet=True)
    except OSError:  # gradio: "Cannot find empty port …", or an address that cannot be bound
        raise InputError(
            f"无法在 {args.host}:{args.port} 启动：端口已被占用或地址不可用；请用 --port 换一个端口"
        ) from None
    print(f"绩效目标助手已启动：http://{args.host}:{args.port}（按 Ctrl-C 退出）", flush=True)
    try:
        app.block_thread()
    finally:
        workers.close()
    return 0
