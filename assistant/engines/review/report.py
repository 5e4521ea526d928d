"""Review results as JSON lines (the CLI contract) and as reports for reviewers (.xlsx, .csv, .json).

- ``.xlsx``: sheet 指标 (one row per indicator; the 指标值 cell filled by verdict — ok green, warn
  amber, block red; reasons and rewrite), sheet 项目 (per project: counts, mean score, table
  findings), sheet 原因 (counts per reason code); frozen header, column widths, autofilter.
- ``.csv``: UTF-8 with BOM (Excel opens it as UTF-8); indicator rows then one row per project.
- ``.json``: one document with a summary, reason counts and every project with its indicators.

Cells that would start a formula in a spreadsheet (``=100%``) are stored as text in .xlsx; in .csv
they are prefixed with an apostrophe (the usual CSV-injection guard), and only there.

Example:
    >>> from assistant.records.schema import Indicator, IndicatorReview, Project, ProjectReview
    >>> ind = Indicator("产出指标", "数量指标", "培训人次", "≥100人次")
    >>> pr = ProjectReview(Project("培训", (ind,), source="a.csv"), (IndicatorReview(ind, "clear", 100, "ok"),))
    >>> indicator_line(pr.indicators[0], pr.project)["verdict"]
    'ok'
    >>> summarise([pr]).rows
    1
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...atomic import atomic_path
from ...cells import csv_cell, secure_xlsx_cell
from ...errors import InputError
from ...records.schema import Finding, IndicatorReview, Project, ProjectReview

REPORT_SUFFIXES = (".xlsx", ".csv", ".json")
LABEL_ZH = {"clear": "可衡量", "vague": "含糊", "malformed": "格式错误", "na": "不适用"}
VERDICT_ZH = {"ok": "通过", "warn": "提醒", "block": "退回"}
CODE_ZH = {
    "DEGREE": "程度词代替阈值",
    "DIRECTION": "只有方向没有终点",
    "RESTATEMENT": "复述名称或目标",
    "VAGUE_TIME": "时限不明",
    "DEFERRED": "目标值留待以后",
    "MISSING_UNIT": "缺少计量单位",
    "MALFORMED": "格式错误",
    "EMPTY": "指标值为空",
    "NO_MEASURE": "无数值、时限或状态",
    "BINARY": "完成/合格类状态",
    "UNDATED": "期限未写年份",
    "MULTI": "一值多目标",
    "GRADED": "定性分级",
    "MISSING_SLOT": "缺少必填指标",
    "NO_INDICATORS": "指标表未填写",
    "COST_OVER_BUDGET": "成本超预算",
    "DUPLICATE": "指标重复",
    "NO_GOAL": "缺少年度目标",
    "UNRELATED": "与目标无关",
    "IMPLIED_UNIT": "单位按名称推定",
    "GOAL_MISMATCH": "目标与指标数量不一致",
    "COPIED_FROM_LAST_YEAR": "照搬上年目标值",
    "TARGET_LOWERED": "目标值低于上年",
    "INDICATOR_DROPPED": "上年指标被删除",
}
_FILL = {"ok": "C6EFCE", "warn": "FFEB9C", "block": "FFC7CE"}


def _finding_text(finding: Finding) -> str:
    """A finding with its evidence lines (goal clause, both years' rows) for reports."""
    return "\n".join([f"{finding.code} {finding.message}", *(f"  · {e}" for e in finding.evidence)])


_XLSX_CELL_LIMIT = 32_767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def indicator_line(review: IndicatorReview, project: Project) -> dict[str, Any]:
    """The contract's ``{"type": "indicator", …}`` object for one reviewed indicator."""
    ind = review.indicator
    return {
        "type": "indicator",
        "source": project.source,
        "project": project.name,
        "level1": ind.level1,
        "level2": ind.level2,
        "name": ind.name,
        "value": ind.value,
        "label": review.label,
        "score": review.score,
        "verdict": review.verdict,
        "reasons": [r.to_dict() for r in review.reasons],
        "rewrite": review.rewrite,
    }


def project_line(review: ProjectReview) -> dict[str, Any]:
    """The contract's ``{"type": "project", …}`` object for one reviewed project."""
    return {
        "type": "project",
        "source": review.project.source,
        "project": review.project.name,
        "findings": [f.to_dict() for f in review.findings],
    }


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    """Counts over a review run (the CLI's final line and the reports' summaries)."""

    projects: int
    rows: int
    vague: int
    malformed: int
    na: int
    warn: int
    block: int
    findings: int

    @property
    def defects(self) -> int:
        return self.vague + self.malformed


def summarise(reviews: Iterable[ProjectReview]) -> ReviewSummary:
    """Count rows, defects, verdicts and findings over project reviews."""
    labels: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    projects = findings = 0
    for pr in reviews:
        projects += 1
        findings += len(pr.findings)
        for r in pr.indicators:
            labels[r.label] += 1
            verdicts[r.verdict] += 1
    return ReviewSummary(
        projects,
        sum(labels.values()),
        labels["vague"],
        labels["malformed"],
        labels["na"],
        verdicts["warn"],
        verdicts["block"],
        findings,
    )


def reason_counts(reviews: Iterable[ProjectReview]) -> dict[str, dict[str, int]]:
    """Per code: how many value reasons, name reasons and table findings carry it."""
    counts: dict[str, Counter[str]] = {}
    for pr in reviews:
        for r in pr.indicators:
            for reason in r.reasons:
                counts.setdefault(reason.code, Counter())[reason.field] += 1
        for f in pr.findings:
            counts.setdefault(f.code, Counter())["table"] += 1
    order = {code: i for i, code in enumerate(CODE_ZH)}
    return {
        code: {"value": c["value"], "name": c["name"], "table": c["table"]}
        for code, c in sorted(counts.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
    }


def format_reasons(review: IndicatorReview) -> str:
    """Reasons as readable lines: ``DEGREE 值[0,2) “明显”是程度词…``."""
    lines = []
    for r in review.reasons:
        where = "值" if r.field == "value" else "名称"
        lines.append(f"{r.code} {where}[{r.start},{r.end}) {r.message}")
    return "\n".join(lines)


_INDICATOR_HEADER = (
    "来源",
    "位置",
    "项目",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "结论",
    "判定",
    "得分",
    "原因",
    "建议改写",
)
_PROJECT_HEADER = (
    "来源",
    "位置",
    "项目",
    "年度",
    "预算(万元)",
    "指标数",
    "缺陷数",
    "退回",
    "提醒",
    "平均得分",
    "表级问题",
)
_REASON_HEADER = ("代码", "说明", "指标值中", "指标名称中", "表级")


def _indicator_row(review: IndicatorReview, project: Project) -> list[Any]:
    ind = review.indicator
    return [
        project.source,
        ind.location,
        project.name,
        ind.level1,
        ind.level2,
        ind.name,
        ind.value,
        LABEL_ZH.get(review.label, review.label),
        # an intentionally empty slot is neither passed nor returned, and has no score
        LABEL_ZH["na"] if review.label == "na" else VERDICT_ZH.get(review.verdict, review.verdict),
        "" if review.label == "na" else review.score,
        format_reasons(review),
        review.rewrite or "",
    ]


def _project_row(pr: ProjectReview) -> list[Any]:
    scored = [r.score for r in pr.indicators if r.label != "na"]
    p = pr.project
    return [
        p.source,
        p.location,
        p.name,
        p.year if p.year is not None else "",
        p.budget_wan if p.budget_wan is not None else "",
        len(pr.indicators),
        sum(1 for r in pr.indicators if r.label in ("vague", "malformed")),
        sum(1 for r in pr.indicators if r.verdict == "block"),
        sum(1 for r in pr.indicators if r.verdict == "warn"),
        round(sum(scored) / len(scored), 1) if scored else "",
        "\n".join(_finding_text(f) for f in pr.findings),
    ]


def write_report(path: str | Path, reviews: Sequence[ProjectReview]) -> Path:
    """Write a report whose format follows the suffix (.xlsx, .csv or .json); returns the path.

    The file is written to a temporary name and renamed, so a failed run never leaves half a report.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise InputError(
            f"报告文件 {path}: 不支持的格式“{path.suffix or '无后缀'}”，请用 .xlsx、.csv 或 .json"
        )
    if not path.parent.exists():
        raise InputError(f"报告文件 {path}: 目录 {path.parent} 不存在")
    write = {".xlsx": _write_xlsx, ".csv": _write_csv}.get(suffix, _write_json)
    try:
        with atomic_path(path) as tmp:
            write(tmp, reviews)
    except OSError as exc:
        raise InputError(f"报告文件 {path}: 无法写入（{exc.strerror or exc}）") from None
    return path


def _write_json(path: Path, reviews: Sequence[ProjectReview]) -> None:
    summary = summarise(reviews)
    document = {
        "summary": {
            "projects": summary.projects,
            "rows": summary.rows,
            "defects": summary.defects,
            "vague": summary.vague,
            "malformed": summary.malformed,
            "na": summary.na,
            "warn": summary.warn,
            "block": summary.block,
            "findings": summary.findings,
        },
        "reason_counts": reason_counts(reviews),
        "projects": [
            {
                **project_line(pr),
                "location": pr.project.location,
                "indicators": [
                    {**indicator_line(r, pr.project), "location": r.indicator.location} for r in pr.indicators
                ],
            }
            for pr in reviews
        ],
    }
    with path.open("w", encoding="utf-8") as fh:
        json.dump(document, fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def _write_csv(path: Path, reviews: Sequence[ProjectReview]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(("类型", *_INDICATOR_HEADER))
        for pr in reviews:
            for r in pr.indicators:
                writer.writerow(["指标", *(csv_cell(v) for v in _indicator_row(r, pr.project))])
        for pr in reviews:
            findings = "\n".join(_finding_text(f) for f in pr.findings)
            p = pr.project
            row = ["项目", p.source, p.location, p.name, "", "", "", "", "", "", "", findings, ""]
            writer.writerow([csv_cell(v) for v in row])


def _xlsx_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub(" ", value)
    if len(value) > _XLSX_CELL_LIMIT:
        value = value[: _XLSX_CELL_LIMIT - 20] + "…（已截断）"
    return value


def _write_xlsx(path: Path, reviews: Sequence[ProjectReview]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    fills = {k: PatternFill("solid", start_color=v, end_color=v) for k, v in _FILL.items()}

    def cell(
        ws: Any, value: Any, *, fill: PatternFill | None = None, header: bool = False, wrapped: bool = False
    ) -> Any:
        c = secure_xlsx_cell(WriteOnlyCell(ws, value=_xlsx_text(value)))
        if header:
            c.font = bold
        if fill is not None:
            c.fill = fill
        if wrapped:
            c.alignment = wrap
        return c

    def sheet(title: str, header: Sequence[str], widths: Sequence[int]) -> Any:
        ws = wb.create_sheet(title)
        ws.freeze_panes = "A2"
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.append([cell(ws, h, header=True) for h in header])
        return ws

    ws = sheet("指标", _INDICATOR_HEADER, (22, 10, 28, 12, 16, 30, 26, 10, 8, 7, 60, 30))
    rows = 1
    for pr in reviews:
        for r in pr.indicators:
            values = _indicator_row(r, pr.project)
            cells = [cell(ws, v, wrapped=i in (10,)) for i, v in enumerate(values)]
            cells[6] = cell(ws, values[6], fill=fills.get(r.verdict) if r.label != "na" else None)
            ws.append(cells)
            rows += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(_INDICATOR_HEADER))}{rows}"

    ws = sheet("项目", _PROJECT_HEADER, (22, 12, 32, 7, 11, 7, 7, 7, 7, 9, 70))
    for pr in reviews:
        ws.append([cell(ws, v, wrapped=i == 10) for i, v in enumerate(_project_row(pr))])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(_PROJECT_HEADER))}{len(reviews) + 1}"

    ws = sheet("原因", _REASON_HEADER, (18, 20, 10, 11, 8))
    counts = reason_counts(reviews)
    for code, c in counts.items():
        ws.append([cell(ws, v) for v in (code, CODE_ZH.get(code, ""), c["value"], c["name"], c["table"])])
    ws.auto_filter.ref = f"A1:E{len(counts) + 1}"
    wb.save(path)
