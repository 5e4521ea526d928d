"""``assistant eval review|suggest …``: print the evaluation tables.

Each evaluation lives in ``assistant/evaluation/<name>_eval.py``. ``review``'s options are defined
here and its module imported only when it runs; ``suggest`` declares its own options
(``suggest_eval.add_arguments``, imported when the parser is built: it imports nothing heavy at
module level) and runs through ``suggest_eval.run``.
"""

from __future__ import annotations

import argparse

from .common import add_store_argument, print_json

NAME = "eval"


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
    from ...evaluation import suggest_eval

    summary = (suggest_eval.__doc__ or "suggest").strip().splitlines()[0]
    suggest_eval.add_arguments(evaluations.add_parser("suggest", help=summary.replace("``", "")))
    return parser


def run(args: argparse.Namespace) -> int:
    if args.evaluation == "review":
        return _run_review(args)
    from ...evaluation import suggest_eval

    return suggest_eval.run(args)


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
