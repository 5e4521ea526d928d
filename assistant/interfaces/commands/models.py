"""``assistant models build|tune|info``: build the embedded default model, tune it on a store, describe one.

``make install`` runs ``assistant models build``: it reads the cnsyn word vectors (no download),
writes ``models/cnsyn-sif-zh-75d/`` (about 15 s and 42 MB) and does nothing when a valid model is
already there.
"""

from __future__ import annotations

import argparse

from .common import add_store_argument, open_store, print_json

NAME = "models"


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME,
        help="构建/微调/查看嵌入模型（默认模型由 cnsyn 词向量本地构建，无需下载）",
        description="构建内置默认嵌入模型（models/cnsyn-sif-zh-75d），在语料上微调，或查看模型信息。",
    )
    actions = parser.add_subparsers(dest="models_action", metavar="ACTION", required=True)

    build = actions.add_parser("build", help="构建默认模型（已存在且有效时跳过）")
    build.add_argument("--force", action="store_true", help="即使已存在也重新构建")
    build.add_argument("--json", action="store_true", help="以一行 JSON 输出")

    tune = actions.add_parser("tune", help="在存储的语料上微调默认模型（保存为 models/<名称>）")
    add_store_argument(tune)
    tune.add_argument("--name", default=None, help="微调后模型的名称（默认 cnsyn-sif-zh-75d-tuned）")
    tune.add_argument("--epochs", type=int, default=None, help="训练轮数（默认 3）")
    tune.add_argument("--seed", type=int, default=None, help="随机种子（默认 0）")
    tune.add_argument("--json", action="store_true", help="以一行 JSON 输出")

    info = actions.add_parser("info", help="显示模型的名称、维度和位置")
    info.add_argument("model", nargs="?", default=None, help="模型名、目录或 hub id（默认：内置默认模型）")
    info.add_argument("--json", action="store_true", help="以一行 JSON 输出")
    return parser


def run(args: argparse.Namespace) -> int:
    if args.models_action == "build":
        return _build(args)
    if args.models_action == "tune":
        return _tune(args)
    return _info(args)


def _build(args: argparse.Namespace) -> int:
    from ...embedding.build import ensure_default_model

    directory, report = ensure_default_model(force=args.force)
    info = {
        "directory": str(directory),
        "built": report is not None,
        "seconds": round(report.seconds, 1) if report else 0.0,
        "vocabulary": report.vocabulary if report else None,
        "dimension": report.dimension if report else None,
        "megabytes": round(report.bytes_on_disk / 1e6, 1) if report else None,
    }
    if args.json:
        print_json(info)
    elif report is None:
        print(f"默认模型已存在且有效：{directory}（跳过；用 --force 重新构建）")
    else:
        print(
            f"已构建默认模型 {directory}：{report.vocabulary} 词 × {report.dimension} 维，"
            f"{report.bytes_on_disk / 1e6:.1f} MB，用时 {report.seconds:.1f} 秒"
        )
    return 0


def _tune(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from ...embedding.build import DEFAULT_MODEL_NAME, ensure_default_model, models_dir
    from ...embedding.train import TuningConfig, tune_static_model
    from ...errors import InputError

    config = TuningConfig()
    if args.epochs is not None:
        if args.epochs < 1:
            raise InputError(f"--epochs {args.epochs}：轮数至少为 1")
        config = replace(config, epochs=args.epochs)
    if args.seed is not None:
        config = replace(config, seed=args.seed)
    name = args.name or f"{DEFAULT_MODEL_NAME}-tuned"
    if not name or "/" in name or name.startswith("."):
        raise InputError(f"--name {name!r}：模型名不能为空、不能含 / 或以 . 开头")
    store = open_store(args)
    base, _ = ensure_default_model()
    report = tune_static_model(base, store.projects(), models_dir() / name, name=name, config=config)
    info = {
        "directory": str(report.directory),
        "pairs": report.pairs,
        "steps": report.steps,
        "seconds": round(report.seconds, 1),
        "final_loss": round(report.final_loss, 4),
    }
    if args.json:
        print_json(info)
    else:
        print(
            f"已微调 {report.directory}：{report.pairs} 个训练对，{report.steps} 步，用时 {report.seconds:.1f} 秒"
            f"（使用：--model {name} 或 load_embedder({name!r})）"
        )
    return 0


def _info(args: argparse.Namespace) -> int:
    from ...embedding import load_embedder

    embedder = load_embedder(args.model)
    info = {
        "name": embedder.name,
        "dimension": embedder.dimension,
        "fingerprint": embedder.fingerprint,
        "directory": str(getattr(embedder, "directory", "") or ""),
        "type": type(embedder).__name__,
    }
    if args.json:
        print_json(info)
    else:
        print(f"{info['name']}：{info['dimension']} 维（{info['type']}）{info['directory']}")
    return 0
