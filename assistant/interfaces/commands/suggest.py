"""``assistant suggest``: draft a complete, measurable indicator table for a new project.

    assistant suggest --name TEXT [--goal TEXT] [--budget WAN] [--year YEAR] [--department TEXT]
                      [--k N] [--store DIR] [--json]
    assistant suggest --batch IN.jsonl [--k N] [--store DIR] [--json]

With ``--json`` one object per project (CONTRACT.md); otherwise a table grouped 一级 → 二级. A batch
file is checked whole before anything is printed: a bad line stops the run with one message naming
the line, so no partial output is mistaken for a complete one. Models load once per run.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import add_store_argument, print_json

if TYPE_CHECKING:
    from ...records.schema import DraftResult, ProjectDraft, Suggestion

NAME = "suggest"


@dataclass(frozen=True, slots=True)
class BadLine:
    """A --batch line that cannot be drafted: answered in its place by ``{"line": N, "error": …}``."""

    line: int
    error: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "error": self.error}


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME,
        help="为新项目起草完整、可衡量的绩效指标表",
        description=(
            "根据存储中相似的历史项目，为新项目起草三级绩效指标（数量/质量/时效/成本/效益/满意度），"
            "每条给出可衡量的指标值、历史取值范围、置信度与依据。"
        ),
    )
    parser.add_argument("--name", default=None, help="项目名称")
    parser.add_argument("--goal", default=None, help="年度目标（可含数量，如“培训1期40人”）")
    parser.add_argument("--budget", default=None, metavar="WAN", help="年度资金总额（万元）")
    parser.add_argument("--year", default=None, help="年度，如 2025")
    parser.add_argument("--department", default=None, help="主管部门/实施单位")
    parser.add_argument("--batch", default=None, metavar="IN.jsonl", help="每行一个项目的 JSON 文件")
    parser.add_argument(
        "--k", default=None, metavar="N", help="最多返回 N 条指标（默认：覆盖所有必填栏目的完整表）"
    )
    add_store_argument(parser)
    parser.add_argument("--json", action="store_true", help="每个项目输出一行 JSON（stdout）")
    parser.add_argument(
        "--retrieval",
        choices=("bigram", "bm25", "dense", "hybrid"),
        default="bigram",
        help="检索相似项目的方式：bigram（默认，字二元组 BM25，评估最佳）、bm25（结巴分词）、dense（向量）、hybrid（BM25+向量融合）",
    )
    return parser


# ------------------------------------------------------------------------------------------------ input
def parse_number(text: str | None, option: str) -> float | None:
    """A finite number from an option value, or InputError naming the option."""
    from ...errors import InputError

    if text is None:
        return None
    try:
        value = float(str(text).strip().replace(",", ""))
    except ValueError:
        raise InputError(f"{option} 无效：{text!r}；需要一个数字") from None
    if not math.isfinite(value):
        raise InputError(f"{option} 无效：{text!r}；需要有限的数字")
    return value


def parse_int(text: str | None, option: str) -> int | None:
    """An integer from an option value, or InputError naming the option."""
    from ...errors import InputError

    value = parse_number(text, option)
    if value is None:
        return None
    if value != int(value):
        raise InputError(f"{option} 无效：{text!r}；需要整数")
    return int(value)


def draft_from_args(args: argparse.Namespace) -> ProjectDraft:
    from ...engines.suggest.suggester import validate_draft
    from ...records.schema import ProjectDraft

    draft = ProjectDraft(
        name=args.name or "",
        goal=args.goal,
        budget_wan=parse_number(args.budget, "--budget"),
        year=parse_int(args.year, "--year"),
        department=args.department,
    )
    return validate_draft(draft)


def _field(data: dict[str, Any], key: str, where: str) -> Any:
    from ...errors import InputError

    value = data.get(key)
    if value is None:
        return None
    if key in {"name", "goal", "department"}:
        if not isinstance(value, str):
            raise InputError(f"{where}: {key} 应为文本，实际是 {type(value).__name__}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(f"{where}: {key} 应为数字，实际是 {type(value).__name__}")
    if key == "year":
        return parse_int(str(value), f"{where}: year")
    return parse_number(str(value), f"{where}: {key}")


def read_batch(path: str) -> list[tuple[int, ProjectDraft | BadLine]]:
    """Every line of a JSONL batch in order with its line number: a validated draft, or a
    :class:`BadLine` saying why not.

    The file is read with bounds (:mod:`assistant.limits`: total bytes, bytes per line), so a huge
    or endless input (``/dev/zero``) is refused instead of read forever.

    Raises:
        InputError: the file cannot be opened, is over the size bound, or holds no line at all.
    """
    from ...errors import InputError

    file = Path(path)
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: 文件不存在") from None
    except OSError as exc:
        raise InputError(f"{path}: 无法读取（{exc.strerror or exc}）") from None
    with handle:
        items = [
            (number, _batch_item(number, raw, file.name)) for number, raw in _bounded_lines(handle, path)
        ]
    if not items:
        raise InputError(f"{path}: 没有任何项目行")
    return items


def _bounded_lines(handle: Any, path: str) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, bytes)`` of each non-blank line; ``None`` for a line over the per-line bound."""
    from ...errors import InputError
    from ...limits import current

    limits = current()
    total = 0
    number = 0
    while True:
        raw = handle.readline(limits.max_batch_line_bytes + 1)
        if not raw:
            return
        total += len(raw)
        if total > limits.max_batch_bytes:
            raise InputError(
                f"{path}: 批量文件过大，{limits.describe('max_batch_bytes')}；请拆分成几个文件分别运行"
            )
        number += 1
        if len(raw) > limits.max_batch_line_bytes and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the over-long line, still bounded
                raw = handle.readline(limits.max_batch_line_bytes + 1)
                total += len(raw)
                if total > limits.max_batch_bytes:
                    raise InputError(
                        f"{path}: 批量文件过大，{limits.describe('max_batch_bytes')}；请拆分成几个文件分别运行"
                    )
            yield number, None
        elif raw.strip():
            yield number, raw


def _batch_item(number: int, raw: bytes | None, file_name: str) -> ProjectDraft | BadLine:
    """One batch line as a validated draft, or the reason it is not one."""
    from ...engines.suggest.suggester import validate_draft
    from ...errors import InputError
    from ...limits import current, json_depth_exceeds
    from ...records.schema import ProjectDraft

    limits = current()
    where = f"{file_name} 第{number}行"
    if raw is None:
        return BadLine(number, f"{where}: 行过长，{limits.describe('max_batch_line_bytes')}")
    try:
        line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError:
        return BadLine(number, f"{where}: 不是 UTF-8 编码的文本")
    if json_depth_exceeds(line, limits.max_json_depth):
        return BadLine(number, f"{where}: JSON 嵌套过深，{limits.describe('max_json_depth')}")
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return BadLine(number, f"{where}: 不是合法的 JSON（{exc.msg}）")
    except RecursionError:
        return BadLine(number, f"{where}: JSON 嵌套过深，{limits.describe('max_json_depth')}")
    if not isinstance(data, dict):
        return BadLine(number, f'{where}: 需要一个 JSON 对象，如 {{"name": "..."}}')
    try:
        draft = ProjectDraft(
            name=_field(data, "name", where) or "",
            goal=_field(data, "goal", where),
            budget_wan=_field(data, "budget_wan", where),
            year=_field(data, "year", where),
            department=_field(data, "department", where),
        )
        return validate_draft(draft)
    except InputError as exc:
        message = str(exc)
        return BadLine(number, message if message.startswith(where) else f"{where}: {message}")


# ------------------------------------------------------------------------------------------------ output
def suggestion_dict(s: Suggestion) -> dict[str, Any]:
    """One indicator of the contract's JSON (plus ``explain`` and ``placeholder``)."""
    review = s.review
    return {
        "level1": s.level1,
        "level2": s.level2,
        "name": s.name,
        "value": s.value,
        "range": s.range.to_dict() if s.range is not None else None,
        "confidence": s.confidence,
        "evidence": [e.to_dict() for e in s.evidence],
        "review": {
            "label": review.label if review else "clear",
            "verdict": review.verdict if review else "ok",
            "reasons": [r.to_dict() for r in review.reasons] if review else [],
        },
        "explain": s.explain,
        "placeholder": s.is_placeholder,
    }


def result_dict(result: DraftResult) -> dict[str, Any]:
    """The contract's object for one project, with the draft's domains, table checks and notes."""
    draft = result.draft
    return {
        "project": {
            "name": draft.name,
            "goal": draft.goal,
            "budget_wan": draft.budget_wan,
            "year": draft.year,
        },
        "indicators": [suggestion_dict(s) for s in result.table],
        "alternatives": [suggestion_dict(s) for s in result.alternatives],
        "domains": [d.to_dict() for d in result.domains],
        "findings": [{"code": f.code, "message": f.message} for f in result.findings],
        "notes": list(result.notes),
        "nearest_similarity": result.nearest,
    }


def format_range(s: Suggestion) -> str:
    from ..frames import format_range as range_text

    text = range_text(s.range)
    return f"范围 {text}" if text else ""


def _row_line(rank: int, s: Suggestion) -> str:
    basis = s.evidence[0] if s.evidence else None
    source = (
        f"；依据[{KIND_LABELS.get(basis.kind, basis.kind)}]：{basis.project}「{basis.name}」{basis.value}"
        if basis
        else ""
    )
    extra = format_range(s)
    return (
        f"    {rank:>2}. {s.name}：{s.value}  （置信度 {s.confidence:.2f}"
        + (f"；{extra}" if extra else "")
        + f"{source}）"
    )


#: Evidence kinds as a drafter reads them.
KIND_LABELS = {"goal": "目标", "budget": "预算", "corpus": "历史", "library": "指标库"}


def format_table(result: DraftResult) -> str:
    """A readable table grouped 一级 → 二级 (rows keep their rank order inside a group), then the
    domains, notes, table checks and alternatives."""
    draft = result.draft
    head = f"项目：{draft.name}"
    extras = [
        f"预算 {draft.budget_wan:g} 万元" if draft.budget_wan is not None else "",
        f"{draft.year} 年度" if draft.year else "",
    ]
    if any(extras):
        head += "（" + "，".join(e for e in extras if e) + "）"
    lines = [head]
    if result.domains:
        lines.append("领域：" + "；".join(f"{d.domain}（{d.reason}）" for d in result.domains))
    lines += [f"注意：{note}" for note in result.notes]
    order: dict[str, dict[str, list[tuple[int, Suggestion]]]] = {}
    for rank, s in enumerate(result.table, start=1):
        order.setdefault(s.level1, {}).setdefault(s.level2, []).append((rank, s))
    for level1, groups in order.items():
        lines.append(f"{level1}")
        for level2, rows in groups.items():
            lines.append(f"  {level2}")
            lines += [_row_line(rank, s) for rank, s in rows]
    lines += [f"表格检查 {f.code}：{f.message}" for f in result.findings]
    if result.alternatives:
        lines.append(f"备选（{len(result.alternatives)} 条，--json 查看全部）：")
        lines += [
            f"    {s.level2} · {s.name}：{s.value}（置信度 {s.confidence:.2f}）"
            for s in result.alternatives[:10]
        ]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ run
def run(args: argparse.Namespace) -> int:
    from ...engines.suggest.suggester import Suggester
    from ...errors import InputError

    k = parse_int(args.k, "--k")
    if k is not None and k < 1:
        raise InputError(f"--k 无效：{args.k}；需要 ≥1 的整数")
    if args.batch:
        if args.name or args.goal:
            raise InputError("--batch 与 --name/--goal 不能同时使用")
        drafts: list[tuple[int, ProjectDraft | BadLine]] = read_batch(args.batch)
    else:
        drafts = [(1, draft_from_args(args))]
    store = _open_store(args.store)
    suggester = Suggester(store=store, retrieval=args.retrieval)
    failed = 0
    for number, item in drafts:
        if isinstance(item, BadLine):
            failed += 1
            _answer_bad_line(item, json_lines=args.json)
            continue
        try:
            result = suggester.draft(item, k)
        except InputError as exc:  # this draft only: the others are still drafted
            if not args.batch:
                raise
            failed += 1
            _answer_bad_line(
                BadLine(number, f"{Path(args.batch).name} 第{number}行: {exc}"), json_lines=args.json
            )
            continue
        if args.json:
            print_json(result_dict(result))
        else:
            print(format_table(result))
            if len(drafts) > 1:
                print()
    sys.stdout.flush()
    return 2 if failed else 0


def _answer_bad_line(item: BadLine, *, json_lines: bool) -> None:
    """``{"line": N, "error": …}`` in its place on stdout with --json; one error line on stderr always."""
    from .common import print_error

    if json_lines:
        print_json(item.to_dict())
    print_error(item.error)


def _open_store(directory: str | None) -> Any:
    """The store to draft from; a named folder must already hold one (no empty store is created)."""
    from ...store.database import Store

    if directory is None:
        from ...ingest import open_default_store

        return open_default_store()
    return Store.open(directory, create=False)
