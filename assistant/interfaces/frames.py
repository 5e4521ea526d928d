"""Engine results as pandas DataFrames and escaped HTML, in Chinese: what the app and notebook show.

Pure functions from records (suggestions, reviews, library entries, ingest reports) to tables with
Chinese column names, plus the display vocabulary (verdict and reason-code names, colours). Every
piece of user or document text that goes into HTML passes through :func:`esc`.

Example:
    >>> from assistant.records.schema import ValueRange
    >>> format_range(ValueRange("≥", 90.0, 95.0, "%")), format_range(ValueRange("=", 4.0, 4.0, "期"))
    ('≥90–95%', '4期')
    >>> esc("<b>培训</b>")
    '&lt;b&gt;培训&lt;/b&gt;'
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from ..engines.review.report import CODE_ZH, LABEL_ZH, VERDICT_ZH
from ..records.levels import LEVEL1, LEVEL2
from ..records.schema import (
    PLACEHOLDER_MARK,
    DraftResult,
    Finding,
    IndicatorReview,
    ProjectReview,
    Reason,
    Suggestion,
    ValueRange,
)

if TYPE_CHECKING:
    import pandas as pd

    from ..engines.library import LibraryEntry, ValueDistribution
    from ..ingest import FileOutcome, IngestReport
    from ..records.library import LibraryTemplate

#: Display names shared with the review reports (:mod:`assistant.engines.review.report`).
CODE_NAMES: dict[str, str] = {**CODE_ZH, "NAME_VAGUE": "指标名称含糊"}
VERDICT_NAMES = VERDICT_ZH
LABEL_NAMES = LABEL_ZH
#: Joins reason names in one cell (the names themselves may contain 、).
PROBLEM_SEPARATOR = "；"
#: Background colours of verdict cells (light, readable with black text).
VERDICT_COLOURS = {
    VERDICT_ZH["ok"]: "#d9f2de",
    VERDICT_ZH["warn"]: "#fff0c2",
    VERDICT_ZH["block"]: "#fad4d8",
    LABEL_ZH["na"]: "#e9ecef",
}

DRAFT_COLUMNS = ["序号", "一级指标", "二级指标", "三级指标", "指标值", "范围", "置信度", "审核"]
#: The 审核 cell of a row whose value the drafter still has to fill in (no source gives a number).
PENDING = "… 待填：请填写可核验的目标值"
ALTERNATIVE_COLUMNS = ["序号", "二级指标", "三级指标", "指标值", "置信度", "依据"]
TEMPLATE_COLUMNS = [
    "领域",
    "一级指标",
    "二级指标",
    "三级指标",
    "单位",
    "取值方式",
    "参考值",
    "依据",
    "指标解释",
]
#: Evidence kinds as a drafter reads them.
EVIDENCE_KINDS = {"goal": "年度目标", "budget": "项目预算", "corpus": "历史目标", "library": "指标库"}
REVIEW_COLUMNS = [
    "项目",
    "二级指标",
    "三级指标",
    "指标值",
    "结论",
    "问题",
    "说明",
    "建议改写",
    "位置",
    "得分",
    "一级指标",
    "来源",
    "片段",  # flagged spans of the value: [(start, end, 问题名)], highlighted in the app
]
#: The columns the app shows (the rest stay in the data and the downloadable reports).
REVIEW_DISPLAY_COLUMNS = REVIEW_COLUMNS[:9]
#: Per display column: the value column is HTML (flagged spans marked), the rest plain text.
REVIEW_DISPLAY_TYPES: list[Literal["html", "str"]] = [
    "html" if c == "指标值" else "str" for c in REVIEW_DISPLAY_COLUMNS
]
#: Shown instead of a verdict for an intentionally empty slot (label ``na``), never as 通过.
NOT_APPLICABLE = LABEL_ZH["na"]
PROJECT_COLUMNS = ["项目", "指标数", "退回", "提醒", "表格问题", "部门", "年度", "来源"]
INGEST_COLUMNS = ["文件", "状态", "项目数", "指标数", "新增", "跳过", "说明"]
SOURCE_COLUMNS = ["文件", "项目数", "指标数"]
LIBRARY_COLUMNS = ["三级指标", "指标值", "二级指标", "一级指标", "项目", "部门", "年度", "来源", "位置"]


def esc(text: object) -> str:
    """HTML-escape any text (``None`` → ``""``) before it goes into gr.HTML or Markdown."""
    return html.escape("" if text is None else str(text), quote=True)


def code_name(code: str) -> str:
    """The Chinese name of a reason code (the code itself when unknown)."""
    return CODE_NAMES.get(code, code)


def code_of(name: str) -> str:
    """The reason code behind a Chinese name shown in the app (the name itself when unknown).

    Example:
        >>> code_of(code_name("DEGREE"))
        'DEGREE'
    """
    return next((code for code, shown in CODE_NAMES.items() if shown == name), name)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def format_range(value_range: ValueRange | None) -> str:
    """A suggestion's past-value range as text (``≥90–95%``; one number when low equals high).

    An ``=`` comparator is not printed: the tables people fill in write ``4期``, never ``=4期``.
    """
    if value_range is None or value_range.low is None:
        return ""
    low, high = value_range.low, value_range.high
    number = _number(low) if high is None or high == low else f"{_number(low)}–{_number(high)}"
    comparator = "" if value_range.comparator in (None, "=", "＝") else value_range.comparator
    return f"{comparator}{number}{value_range.unit or ''}"


def display_value(value: object) -> str:
    """A suggested 指标值 as a person writes it: a leading ``=`` before a number is dropped.

    Example:
        >>> display_value("=100%"), display_value("≥95%"), display_value("＝4期")
        ('100%', '≥95%', '4期')
    """
    text = "" if value is None else str(value).strip()
    if text[:1] in ("=", "＝") and text[1:2].isdigit():
        return text[1:]
    return text


def review_summary(review: IndicatorReview | None) -> str:
    """One cell of text: ``✓ 可衡量`` / ``✗ 含糊：程度词代替阈值`` / ``! 提醒：完成/合格类状态``."""
    if review is None:
        return ""
    if PLACEHOLDER_MARK in review.indicator.value:
        return PENDING  # a suggested placeholder: not vague, just not filled in yet
    codes = list(dict.fromkeys(code_name(r.code) for r in review.reasons if r.field == "value"))
    if review.verdict == "ok":
        return "✓ " + LABEL_NAMES.get(review.label, review.label)
    mark = "✗ " if review.verdict == "block" else "! "
    head = LABEL_NAMES.get(review.label, review.label) if review.verdict == "block" else VERDICT_NAMES["warn"]
    return mark + head + ("：" + PROBLEM_SEPARATOR.join(codes) if codes else "")


def level_order(level1: str, level2: str) -> tuple[int, int]:
    """Sort key putting slots in table order (产出 → 效益 → 满意度; 数量 → 质量 → 时效 → 成本 …)."""
    first = LEVEL1.index(level1) if level1 in LEVEL1 else len(LEVEL1)
    second = LEVEL2.index(level2) if level2 in LEVEL2 else len(LEVEL2)
    return first, second


def grouped_suggestions(suggestions: Sequence[Suggestion]) -> list[Suggestion]:
    """Suggestions grouped 一级 → 二级 in table order, best first inside a slot (stable)."""
    return sorted(suggestions, key=lambda s: (*level_order(s.level1, s.level2), -s.confidence))


def suggestions_frame(suggestions: Sequence[Suggestion]) -> pd.DataFrame:
    """The draft table: one row per suggestion, grouped 一级 → 二级 (columns :data:`DRAFT_COLUMNS`)."""
    import pandas as pd

    rows = [
        [
            number,
            s.level1,
            s.level2,
            s.name,
            display_value(s.value),
            format_range(s.range),
            round(float(s.confidence), 2),
            review_summary(s.review),
        ]
        for number, s in enumerate(grouped_suggestions(suggestions), start=1)
    ]
    return pd.DataFrame(rows, columns=DRAFT_COLUMNS)


def alternatives_frame(alternatives: Sequence[Suggestion]) -> pd.DataFrame:
    """Ranked alternatives (columns :data:`ALTERNATIVE_COLUMNS`); 序号 n is alternative n."""
    import pandas as pd

    rows = [
        [
            number,
            s.level2,
            s.name,
            display_value(s.value),
            round(float(s.confidence), 2),
            "、".join(dict.fromkeys(EVIDENCE_KINDS.get(e.kind, e.kind) for e in s.evidence)) or "无",
        ]
        for number, s in enumerate(alternatives, start=1)
    ]
    return pd.DataFrame(rows, columns=ALTERNATIVE_COLUMNS)


def templates_frame(templates: Sequence[LibraryTemplate]) -> pd.DataFrame:
    """Indicator-library templates (columns :data:`TEMPLATE_COLUMNS`)."""
    import pandas as pd

    rows = [
        [t.domain, t.level1, t.level2, t.name, t.unit, t.source, f"{t.comparator}{t.reference}" if t.reference else "",
         t.basis, t.explain]
        for t in templates
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=TEMPLATE_COLUMNS)


def draft_notes_html(result: DraftResult) -> str:
    """The draft's domains (with the reason), notes and table-check findings, escaped."""
    parts = []
    if result.domains:
        parts.append(
            "<p><b>所属领域</b>："
            + "；".join(f"{esc(d.domain)}（{esc(d.reason)}）" for d in result.domains)
            + "</p>"
        )
    parts += [f"<p class='note'>⚠ {esc(note)}</p>" for note in result.notes]
    if result.findings:
        parts.append(
            "<p><b>表格检查</b>："
            + "；".join(f"{esc(code_name(f.code))}：{esc(f.message)}" for f in result.findings)
            + "</p>"
        )
    else:
        parts.append("<p><b>表格检查</b>：未发现缺项、重复、超预算或与项目无关的指标。</p>")
    return "<div class='draft-notes'>" + "".join(parts) + "</div>"


def evidence_html(suggestion: Suggestion | None) -> str:
    """The evidence of one suggestion as an escaped HTML table (past project, indicator, value, file)."""
    if suggestion is None:
        return "<p class='muted'>在表格中点选一行，查看该指标的依据（历史项目、指标和取值）。</p>"
    head = (
        f"<p><b>{esc(suggestion.level2)} · {esc(suggestion.name)}</b>：建议值 <b>{esc(display_value(suggestion.value))}</b>"
        + (f"，历史范围 {esc(format_range(suggestion.range))}" if suggestion.range else "")
        + f"，置信度 {suggestion.confidence:.2f}</p>"
    )
    if not suggestion.evidence:
        return head + "<p class='muted'>没有直接对应的历史指标（按常用模板生成，请结合实际核定）。</p>"
    rows = "".join(
        f"<tr><td>{esc(EVIDENCE_KINDS.get(e.kind, e.kind))}</td><td>{esc(e.project)}</td><td>{esc(e.name)}</td>"
        f"<td>{esc(e.value)}</td><td>{esc(e.source)}</td></tr>"
        for e in suggestion.evidence
    )
    explain = f"<p>指标解释：{esc(suggestion.explain)}</p>" if suggestion.explain else ""
    return (
        head
        + explain
        + "<table class='evidence'><thead><tr><th>依据类型</th><th>项目</th><th>指标</th><th>取值</th><th>来源</th>"
        + f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def highlighted_spans(review: IndicatorReview) -> list[tuple[str, str | None]]:
    """The value split into (text, category) pieces for gr.HighlightedText: flagged spans get a category.

    Example:
        >>> from assistant.records.build import make_indicator
        >>> ind = make_indicator("效益指标", "社会效益指标", "服务水平", "明显提升")
        >>> r = IndicatorReview(ind, "vague", 10, "block", (Reason("DEGREE", "value", 0, 2, "…"),))
        >>> highlighted_spans(r)
        [('明显', '程度词代替阈值'), ('提升', None)]
    """
    return split_spans(review.indicator.value, value_spans(review))


def value_spans(review: IndicatorReview) -> list[tuple[int, int, str]]:
    """The flagged spans of the value as ``(start, end, 问题名)``, in order (empty spans left out)."""
    text = review.indicator.value
    return [
        (r.start, r.end, code_name(r.code))
        for r in sorted(review.reasons, key=lambda r: (r.start, -r.end))
        if r.field == "value" and 0 <= r.start < r.end <= len(text)
    ]


def split_spans(text: str, spans: Iterable[tuple[int, int, str]]) -> list[tuple[str, str | None]]:
    """``text`` cut into (piece, category) with the spans as categories (overlaps: the first wins).

    Example:
        >>> split_spans("明显提升", [(0, 2, "程度词代替阈值")])
        [('明显', '程度词代替阈值'), ('提升', None)]
    """
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for start, end, label in spans:
        if start < position or end > len(text):
            continue  # overlapping spans: keep the first
        if start > position:
            pieces.append((text[position:start], None))
        pieces.append((text[start:end], label))
        position = end
    if position < len(text) or not pieces:
        pieces.append((text[position:], None))
    return pieces


def marked_value_html(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """The value as escaped HTML with each flagged span in ``<mark>`` (its problem as the tooltip).

    Example:
        >>> marked_value_html("明显<提升>", [(0, 2, "程度词代替阈值")])
        '<mark title="程度词代替阈值">明显</mark>&lt;提升&gt;'
    """
    return "".join(
        f'<mark title="{esc(label)}">{esc(piece)}</mark>' if label else esc(piece)
        for piece, label in split_spans(text, spans)
    )


#: Rows the review grid shows at most: a styled table past ~260k cells breaks the browser grid
#: (pandas' Styler stops rendering there). Rows needing work come first; the reports hold them all.
MAX_SHOWN_ROWS = 10_000


def shown_rows(rows: pd.DataFrame, limit: int = MAX_SHOWN_ROWS) -> pd.DataFrame:
    """At most ``limit`` review rows for the grid: 退回, then 提醒, then the rest, each in input order.

    Example:
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"结论": ["通过", "退回", "提醒", "通过"]})
        >>> shown_rows(rows, 2)["结论"].tolist()
        ['退回', '提醒']
    """
    if len(rows) <= limit:
        return rows
    rank = rows["结论"].map({VERDICT_NAMES["block"]: 0, VERDICT_NAMES["warn"]: 1}).fillna(2)
    order = sorted(range(len(rows)), key=lambda i: (rank.iloc[i], i))[:limit]
    return rows.iloc[sorted(order, key=lambda i: (rank.iloc[i], i))]


def display_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The shown columns of review rows (at most :data:`MAX_SHOWN_ROWS`, those needing work first),
    the value with its flagged spans marked (HTML)."""
    rows = shown_rows(rows)
    shown = rows[REVIEW_DISPLAY_COLUMNS].reset_index(drop=True).copy()
    spans = rows["片段"].tolist() if "片段" in rows.columns else [[] for _ in range(len(rows))]
    shown["指标值"] = [
        marked_value_html(str(v), s or []) for v, s in zip(shown["指标值"], spans, strict=True)
    ]
    return shown


def review_detail_html(review: IndicatorReview | None) -> str:
    """Reasons (with the name-field ones marked) and the suggested rewrite, escaped."""
    if review is None:
        return ""
    verdict = VERDICT_NAMES.get(review.verdict, review.verdict)
    colour = VERDICT_COLOURS.get(verdict, "#eee")
    parts = [
        f"<p><span class='badge' style='background:{colour}'>{esc(verdict)}</span> "
        f"<b>{esc(review.indicator.name)}</b>：{esc(review.indicator.value) or '（空）'}"
        f" — {esc(LABEL_NAMES.get(review.label, review.label))}，可衡量性 {review.score}/100</p>"
    ]
    if review.reasons:
        items = "".join(
            f"<li><b>{esc(code_name(r.code))}</b>{'（指标名称）' if r.field == 'name' else ''}：{esc(r.message)}</li>"
            for r in review.reasons
        )
        parts.append(f"<ul>{items}</ul>")
    if review.rewrite:
        parts.append(f"<p>建议改写为：<b class='rewrite'>{esc(review.rewrite)}</b></p>")
    return "".join(parts)


def _reason_text(reasons: Iterable[Reason]) -> tuple[str, str]:
    reasons = list(reasons)
    codes = PROBLEM_SEPARATOR.join(dict.fromkeys(code_name(r.code) for r in reasons))
    messages = "；".join(
        dict.fromkeys(("【指标名称】" if r.field == "name" else "") + r.message for r in reasons)
    )
    return codes, messages


def review_rows_frame(reviews: Sequence[ProjectReview]) -> pd.DataFrame:
    """One row per reviewed indicator, in document order (columns :data:`REVIEW_COLUMNS`)."""
    import pandas as pd

    rows = []
    for project_review in reviews:
        project = project_review.project
        for r in project_review.indicators:
            codes, messages = _reason_text(r.reasons)
            na = r.label == "na"
            rows.append(
                [
                    project.name,
                    r.indicator.level2,
                    r.indicator.name,
                    r.indicator.value,
                    NOT_APPLICABLE if na else VERDICT_NAMES.get(r.verdict, r.verdict),
                    codes,
                    messages,
                    r.rewrite or "",
                    r.indicator.location,
                    None if na else int(r.score),  # an empty slot is not scored (not 通过 with 0)
                    r.indicator.level1,
                    project.source,
                    value_spans(r),
                ]
            )
    return pd.DataFrame(rows, columns=REVIEW_COLUMNS)


def finding_text(finding: Finding, most: int = 5) -> str:
    """A table finding with its evidence (both years' rows, the goal clause) in one cell.

    Example:
        >>> finding_text(Finding("TARGET_LOWERED", "目标值降低", ("培训人次：2022年“≥500人次” → 2023年“≥400人次”",)))
        '目标值降低（培训人次：2022年“≥500人次” → 2023年“≥400人次”）'
    """
    if not finding.evidence:
        return finding.message
    shown = " | ".join(finding.evidence[:most])
    more = f" | …另有{len(finding.evidence) - most}条" if len(finding.evidence) > most else ""
    return f"{finding.message}（{shown}{more}）"


def projects_frame(reviews: Sequence[ProjectReview]) -> pd.DataFrame:
    """One row per reviewed project: counts of 退回/提醒 indicators and the table-level findings."""
    import pandas as pd

    rows = []
    for pr in reviews:
        verdicts = Counter(r.verdict for r in pr.indicators)
        findings = "；".join(finding_text(f) for f in pr.findings)
        p = pr.project
        rows.append(
            [
                p.name,
                len(pr.indicators),
                verdicts["block"],
                verdicts["warn"],
                findings,
                p.department or "",
                p.year or "",
                p.source,
            ]
        )
    return pd.DataFrame(rows, columns=PROJECT_COLUMNS)


def defect_counts(reviews: Sequence[ProjectReview]) -> pd.DataFrame:
    """Defects per reason code (indicator reasons with verdict 退回/提醒, plus table findings).

    Columns 问题, 代码, 数量, 类别 (指标 or 表格), most frequent first.
    """
    import pandas as pd

    counts: Counter[tuple[str, str]] = Counter()
    for pr in reviews:
        for r in pr.indicators:
            if r.verdict == "ok":
                continue
            for code in dict.fromkeys(reason.code for reason in r.reasons):
                counts[(code, "指标")] += 1
        for finding in pr.findings:
            counts[(finding.code, "表格")] += 1
    rows = [[code_name(code), code, n, kind] for (code, kind), n in counts.most_common()]
    return pd.DataFrame(rows, columns=["问题", "代码", "数量", "类别"])


def project_labels(reviews: Sequence[ProjectReview]) -> list[str]:
    """One distinct, readable chart label per reviewed project: its full name, then what tells
    same-name projects apart (部门, 年度, source and location) only where names repeat.

    Example:
        >>> from assistant.records.schema import Project
        >>> a, b = Project("社区经费", (), department="甲社区"), Project("社区经费", (), department="乙社区")
        >>> project_labels([ProjectReview(a, ()), ProjectReview(b, ()), ProjectReview(Project("培训", ()), ())])
        ['社区经费（甲社区）', '社区经费（乙社区）', '培训']
    """
    names = [pr.project.name or pr.project.source for pr in reviews]
    repeated = Counter(names)
    labels = []
    for pr, name in zip(reviews, names, strict=True):
        p = pr.project
        if repeated[name] == 1:
            labels.append(name)
            continue
        extra = "，".join(str(x) for x in (p.department, p.year) if x) or f"{p.source} {p.location}".strip()
        labels.append(f"{name}（{extra}）")
    seen: Counter[str] = Counter()
    unique = []
    for label in labels:  # still equal (same name, unit and year): number them in document order
        seen[label] += 1
        unique.append(label if labels.count(label) == 1 else f"{label}#{seen[label]}")
    return unique


def project_defect_counts(reviews: Sequence[ProjectReview], limit: int = 12) -> pd.DataFrame:
    """Indicators to send back (退回) and to check (提醒) per project, the worst ``limit`` projects.

    Projects are told apart by their full identity (:func:`project_labels`), never by a cut name.
    Long format for a stacked bar chart: columns 项目, 结论, 数量.
    """
    import pandas as pd

    totals: list[tuple[str, int, int]] = []
    for label, pr in zip(project_labels(reviews), reviews, strict=True):
        verdicts = Counter(r.verdict for r in pr.indicators if r.label != "na")
        if verdicts["block"] or verdicts["warn"]:
            totals.append((label, verdicts["block"], verdicts["warn"]))
    totals.sort(key=lambda t: (-t[1], -t[2]))
    rows = []
    for label, block, warn in totals[:limit]:
        rows.append([label, VERDICT_NAMES["block"], block])
        rows.append([label, VERDICT_NAMES["warn"], warn])
    return pd.DataFrame(rows, columns=["项目", "结论", "数量"])


def library_frame(entries: Sequence[LibraryEntry]) -> pd.DataFrame:
    """Library search results (columns :data:`LIBRARY_COLUMNS`)."""
    import pandas as pd

    rows = [
        [
            e.name,
            e.value,
            e.level2,
            e.level1,
            e.project,
            e.department or "",
            e.year or "",
            e.source,
            e.location,
        ]
        for e in entries
    ]
    return pd.DataFrame(rows, columns=LIBRARY_COLUMNS)


def histogram_frame(distribution: ValueDistribution, bins: int = 12) -> pd.DataFrame:
    """Histogram bins as rows (取值, 项目数) for a bar chart; labels carry the unit."""
    import pandas as pd

    unit = distribution.unit or ""
    rows = []
    for low, high, count in distribution.histogram(bins):
        label = f"{low:.4g}{unit}" if low == high else f"{low:.4g}–{high:.4g}{unit}"
        rows.append([label, count])
    return pd.DataFrame(rows, columns=["取值", "次数"])


def distribution_html(distribution: ValueDistribution) -> str:
    """A short escaped summary: which indicator, how many rows, the quartiles and other values."""
    d = distribution
    if not d.entries:
        return f"<p>指标库中没有找到“{esc(d.query)}”的历史取值。换个说法或放宽筛选条件试试。</p>"
    stats = d.stats()
    unit = esc(d.unit or "")
    parts = [
        f"<p><b>{esc(d.indicator)}</b>（{esc(d.level2)}）：共 {len(d.entries)} 条历史记录，"
        f"其中 {stats['count']} 条以“{unit or '无单位'}”计。</p>"
    ]
    if stats["count"]:
        parts.append(
            "<p>最小 {0}{u}，下四分位 {1}{u}，中位数 {2}{u}，上四分位 {3}{u}，最大 {4}{u}。</p>".format(
                *(_number(round(float(stats[k] or 0), 2)) for k in ("min", "p25", "median", "p75", "max")),
                u=unit,
            )
        )
    if d.other_units:
        parts.append("<p>其他单位：" + "，".join(f"{esc(u)} {n} 条" for u, n in d.other_units) + "</p>")
    if d.qualitative:
        shown = "，".join(f"“{esc(v)}” {n} 条" for v, n in d.qualitative[:8])
        more = f" 等 {len(d.qualitative)} 种" if len(d.qualitative) > 8 else ""
        parts.append(f"<p>读不出数值的取值：{shown}{more}</p>")
    return "".join(parts)


def ingest_lines(outcome: FileOutcome) -> list[str]:
    """What ``assistant ingest`` prints for one file (warnings, then the error), without its prefix."""
    from .commands.common import one_line

    lines = [f"警告：{_warning_text(w)}" for w in outcome.warnings]
    if outcome.error is not None:
        lines.append(f"错误：{one_line(outcome.error)}")
    if outcome.conflicts:
        lines.append(f"错误：{outcome.conflict_message()}")
    return lines


def _warning_text(warning: object) -> str:
    """An ingest warning without its file name (the app shows the file beside it already)."""
    from .commands.common import one_line

    reason = getattr(warning, "reason", None)
    if not reason:
        return one_line(warning)
    sheet = getattr(warning, "sheet", None)
    return one_line(f"工作表“{sheet}”：{reason}" if sheet else reason)


def ingest_frame(report: IngestReport) -> pd.DataFrame:
    """One row per file: 文件, 状态, 项目数, 指标数, 新增, 跳过, 说明."""
    import pandas as pd

    rows = []
    for f in report.files:
        status = "失败" if f.error is not None else ("已导入" if f.added or f.replaced else "已存在")
        if f.conflicts:
            status = "部分冲突" if f.added or f.replaced else "冲突"
        note = " ".join(ingest_lines(f))
        rows.append([f.path.name, status, len(f.projects), f.indicator_count, f.added, f.skipped, note])
    return pd.DataFrame(rows, columns=INGEST_COLUMNS)


def style_verdicts(frame: pd.DataFrame, column: str = "结论") -> Any:
    """A pandas Styler colouring the verdict column (通过 green, 提醒 amber, 退回 red)."""

    def colour(value: object) -> str:
        background = VERDICT_COLOURS.get(str(value))
        return f"background-color: {background}; font-weight: 600" if background else ""

    if column not in frame.columns or frame.empty:
        return frame
    return frame.style.map(colour, subset=[column])


def style_counts(frame: pd.DataFrame) -> Any:
    """A pandas Styler for the per-project table: non-zero 退回 red, non-zero 提醒 amber."""
    block, warn = VERDICT_NAMES["block"], VERDICT_NAMES["warn"]

    def colour(value: object, verdict: str) -> str:
        try:
            flagged = float(value) > 0  # type: ignore[arg-type]
        except (TypeError, ValueError):
            flagged = False
        return f"background-color: {VERDICT_COLOURS[verdict]}; font-weight: 600" if flagged else ""

    if frame.empty or block not in frame.columns:
        return frame
    return frame.style.map(colour, verdict=block, subset=[block]).map(colour, verdict=warn, subset=[warn])
