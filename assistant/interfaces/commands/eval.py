"""``assistant eval review|suggest …``: print the evaluation tables.

Each evaluation lives in ``assistant/evaluation/<name>_eval.py`` and is imported only when its
subcommand runs (or, for evaluations that declare their own options, when the parser is built:
such a module defines ``add_arguments(parser)`` and ``run_cli(args) -> int`` (or ``run(args)``) and
must import nothing heavy at module level). ``review`` is defined here; ``suggest`` is picked up from
``assistant.evaluation.suggest_eval`` when that module exists.
"""

from __future__ import annotations

import argparse
import importlib.util
from importlib import import_module

from .common import add_store_argument, print_json

NAME = "eval"
_EVALUATIONS = ("review", "suggest")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME,
        help="评估：在人工标注上计算准确率、召回率、F1",
        description="在人工标注的数据上评估各组件，打印准确率、召回率与 F1。",
    )
    evaluations = parser.add_subparsers(dest="evaluation", metavar="WHAT", required=True)
    review = evaluations.add_parser(
        "review",
        help="复核：缺陷（含糊/格式错误）、理由代码与片段，对比 songgang 审核口径基线",
        description=(
            "在 corpus/labels/review_labels.jsonl（种子文档 + songgang 工作簿）与 review_synthetic.jsonl 上评估复核："
            "songgang 审核口径（基线）与复核规则。"
        ),
    )
    add_store_argument(review)
    review.add_argument(
        "--verbose", dest="show_errors", action="store_true", help="列出每个系统的误报（FP）与漏报（FN）"
    )
    review.add_argument(
        "--labels", metavar="PATH", default=None, help="标注文件（默认 corpus/labels/review_labels.jsonl）"
    )
    review.add_argument(
        "--songgang",
        metavar="DIR",
        default=None,
        help="songgang 工作簿文件夹（如 ../shared/data/songgang；不给出时只评估种子文档与合成样例）",
    )
    # both evaluated the learned review model, since removed; they still parse for old scripts
    review.add_argument("--no-model", action="store_true", help=argparse.SUPPRESS)
    review.add_argument("--ablation", action="store_true", help=argparse.SUPPRESS)
    review.add_argument("--json", action="store_true", help="以 JSON 输出各系统的指标")
    for name in _EVALUATIONS[1:]:
        module_name = f"assistant.evaluation.{name}_eval"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = import_module(module_name)
        if hasattr(module, "add_arguments") and (hasattr(module, "run_cli") or hasattr(module, "run")):
            summary = getattr(module, "HELP", None) or (module.__doc__ or name).strip().splitlines()[0]
            sub = evaluations.add_parser(name, help=summary.replace("``", ""))
            module.add_arguments(sub)
    return parser


def run(args: argparse.Namespace) -> int:
    if args.evaluation == "review":
        return _run_review(args)
    module = import_module(f"assistant.evaluation.{args.evaluation}_eval")
    runner = getattr(module, "run_cli", None) or module.run
    return int(runner(args))


def _run_review(args: argparse.Namespace) -> int:
    from ...evaluation.review_eval import LABELS_PATH, evaluate_review

    evaluation = evaluate_review(
        args.store,
        labels_path=args.labels or LABELS_PATH,
        songgang_dir=args.songgang,
    )
    if args.json:
        print_json(evaluation.to_dict())
    else:
        print(evaluation.report(verbose=args.show_errors))
    return 0
