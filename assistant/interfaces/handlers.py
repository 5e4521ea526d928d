"""The app's handlers: module-level functions from plain values to strings, DataFrames and file paths.

Every handler of :mod:`assistant.interfaces.app` lives here so that tests and scripts call them
without Gradio or a browser. They add no logic of their own: they call the engines through the
shared :class:`~assistant.interfaces.workbench.Workbench` of the store and format the results with
:mod:`assistant.interfaces.frames` (which escapes all text it puts into HTML). A bad input never
raises out of a handler: it comes back as a one-line Chinese message for the tab's status panel.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import math
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import AssistantError, IngestError, InputError
from ..limits import current
from ..records.schema import Indicator, IndicatorReview, Project, ProjectDraft, ProjectReview, Suggestion
from . import frames
from .frames import esc
from .workbench import read_pasted_table, workbench_for
from .workers import WorkerPool

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

TITLE = "绩效目标助手"
#: per file (Gradio refuses bigger uploads while receiving them, before storing); ASSISTANT_MAX_UPLOAD_BYTES
MAX_UPLOAD_MB = current().max_upload_bytes // (1024 * 1024)
MAX_FILES = 30
UPLOAD_TYPES = [".xlsx", ".xlsm", ".xls", ".docx", ".pdf", ".html", ".htm", ".csv", ".tsv", ".txt"]
SEARCH_MODES = {"混合（语义＋关键词）": "hybrid", "关键词": "keyword", "语义": "semantic"}
ALL = "全部"
NEEDS_WORK = "需修改（退回＋提醒）"

#: Example projects one click away in 起草 (name, goal, budget 万元, year, department), as the form's text.
EXAMPLES: list[list[Any]] = [
    [
        "党员教育培训经费",
        "全年举办党员教育培训班4期，培训党员400人次，参训党员考核合格率100%，提升党员队伍素质。",
        "12",
        "2024",
        "区委组织部",
    ],
    [
        "社区工作站管理经费",
        "保障社区工作站日常运行，完成物业评估、档案整理和设施维护，及时解决居民反映的问题。",
        "300",
        "2024",
        "街道办事处",
    ],
    [
        "困难党员、老党员关爱帮扶",
        "走访慰问困难党员、老党员200人次，发放帮扶资金，帮扶对象覆盖率100%。",
        "20",
        "2024",
        "区委组织部",
    ],
]
EXAMPLE_LABELS = ["党员教育培训（12 万元）", "社区工作站管理（300 万元）", "困难党员关爱帮扶（20 万元）"]


# ---------------------------------------------------------------------------------------- helpers
def message_html(message: object, kind: str = "error") -> str:
    """A status line (error / warn / info / ok), escaped and without server paths; the CSS colours it."""
    return f"<div class='status {esc(kind)}'>{esc(client_text(message))}</div>"


# A directory part of an absolute POSIX or Windows path (the file or folder name itself is kept).
_SERVER_DIRS = re.compile(r"(?:(?<![\w.:/])/|\b[A-Za-z]:[\\/])(?:[^\s/\\：，；（）()“”]+[/\\])+")


def client_text(message: object) -> str:
    """A message as a browser may see it: server folders cut from paths (the last name is kept).

    Example:
        >>> client_text("文件 /tmp/gradio/3f2a/大文件.xlsx 过大；存储 /srv/data/store 损坏")
        '文件 大文件.xlsx 过大；存储 store 损坏'
    """
    return _SERVER_DIRS.sub("", str(message))


WRITE_TOKEN_ENV = "ASSISTANT_INGEST_TOKEN"


@dataclass(frozen=True, slots=True)
class WriteAccess:
    """Whether the app may write to the store (the 语料 tab's ingest and remove, the 审核 tab's
    dismissals saved in the store's review.toml), and the token it then needs.

    Read-only by default: ``assistant serve --allow-ingest`` turns writes on (on a loopback address;
    beyond loopback it also needs a token), and a token in ``$ASSISTANT_INGEST_TOKEN`` turns them on
    for whoever types it.
    """

    enabled: bool = False
    token: str | None = None

    @classmethod
    def for_server(cls, host: str, allow_ingest: bool, token: str | None = None) -> WriteAccess:
        """The access for ``assistant serve`` (``token`` defaults to ``$ASSISTANT_INGEST_TOKEN``).

        Raises:
            InputError: --allow-ingest on an address beyond loopback without a token.
        """
        token = (token if token is not None else os.environ.get(WRITE_TOKEN_ENV, "")).strip() or None
        if token is not None:
            return cls(True, token)
        if not allow_ingest:
            return cls(False)
        if not _loopback(host):
            raise InputError(
                f"在 {host} 上开放导入（--allow-ingest）还需要导入口令：请设置环境变量 {WRITE_TOKEN_ENV}，"
                "或只在 127.0.0.1 上使用 --allow-ingest"
            )
        return cls(True)

    def refusal(self, given: object = None, action: str = "导入") -> str | None:
        """Why a write (``action``: 导入, 删除文档, 撤销误报) is refused (a message for the page), or
        ``None`` when it is allowed."""
        if not self.enabled:
            return (
                f"{action}已关闭：应用以只读方式运行。管理员可用 `assistant serve --allow-ingest` 启动以开放"
                "导入、删除文档和撤销误报"
            )
        if self.token is not None and not hmac.compare_digest(_text(given).encode(), self.token.encode()):
            return "导入口令不正确；请向管理员索取（服务器环境变量 ASSISTANT_INGEST_TOKEN）"
        return None


def _loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def discard_uploads(files: object) -> None:
    """Delete Gradio's stored copies of uploaded files once handled (never a file outside its cache)."""
    root = Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio").resolve()
    items = files if isinstance(files, list | tuple) else [files]
    for item in items:
        if not item:
            continue
        path = Path(str(getattr(item, "name", item)))
        try:
            resolved = path.resolve()
            if resolved.is_relative_to(root) and resolved.is_file():
                resolved.unlink()
        except OSError:
            log.debug("could not remove upload %s", path, exc_info=True)


#: The suggest engine words its errors for the command line; the form shows its own field names.
_FORM_FIELDS = {
    "--name": "“项目名称”",
    "--goal": "“年度目标”",
    "--budget": "“资金（万元）”",
    "--year": "“年度”",
}


def form_message(error: object) -> str:
    """An engine error as the 起草 form says it: CLI option names become the form's field names.

    Example:
        >>> form_message("预算无效：0 万元；--budget 需要大于 0 的金额（万元）")
        '预算无效：0 万元；“资金（万元）”需要大于 0 的金额（万元）'
    """
    text = str(error)
    for option, field in _FORM_FIELDS.items():
        text = text.replace(f"{option} ", field).replace(option, field)
    return text


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def parse_year(value: object) -> int | None:
    """The 年度 form field as an int (``None`` when blank).

    Raises:
        InputError: not a whole number.
    """
    text = _text(value)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise InputError(f"年度无效：{text!r}；请填写四位数年份，如 2024") from None
    if not number.is_integer():
        raise InputError(f"年度无效：{text}；请填写四位数年份，如 2024")
    return int(number)


def parse_budget(value: object) -> float | None:
    """The 资金（万元） form field as a float (``None`` when blank; validated by the suggest engine)."""
    text = _text(value).replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InputError(f"资金无效：{text!r}；请填写以万元计的数字，如 12.5") from None


def make_draft(name: object, goal: object, budget: object, year: object, department: object) -> ProjectDraft:
    """The form fields as a :class:`ProjectDraft` (values checked by the suggest engine).

    Gradio's number box sends 0 for an empty field, so 0 资金 or 0 年度 means "not given".
    """
    budget_wan = parse_budget(budget)
    year_number = parse_year(year)
    return ProjectDraft(
        name=_text(name),
        goal=_text(goal) or None,
        budget_wan=None if budget_wan == 0 else budget_wan,
        year=None if year_number == 0 else year_number,
        department=_text(department) or None,
    )


def check_uploads(files: object, max_mb: float = MAX_UPLOAD_MB, max_files: int = MAX_FILES) -> list[Path]:
    """The uploaded file paths, refused when there are too many or one is too big.

    Raises:
        InputError: one line naming the file, its size and the cap.
    """
    if files is None:
        return []
    items = files if isinstance(files, list | tuple) else [files]
    paths = [Path(str(getattr(f, "name", f))) for f in items if f]
    if len(paths) > max_files:
        raise InputError(f"一次最多上传 {max_files} 个文件（本次 {len(paths)} 个）；请分批上传")
    for path in paths:
        size = path.stat().st_size if path.is_file() else 0
        if size > max_mb * 1024 * 1024:
            raise InputError(
                f"文件 {path.name} 过大（{size / 1024 / 1024:.1f} MB），单个文件上限 {max_mb:g} MB；"
                "请拆分工作簿或只上传需要的工作表"
            )
    return paths


OUTPUT_ROOT = Path(tempfile.gettempdir()) / "assistant-app"
OUTPUT_MAX_AGE_S = 3600.0
OUTPUT_PRUNE_EVERY_S = 60.0
_pruned_at = 0.0


def _output_dir() -> Path:
    """A fresh folder for one export or report; folders older than an hour are removed on the way."""
    import shutil
    import time

    OUTPUT_ROOT.mkdir(parents=True, exist_ok=True)
    now = time.time()
    global _pruned_at
    if (
        now - _pruned_at < OUTPUT_PRUNE_EVERY_S
    ):  # listing hundreds of folders per request cost more than the request
        return Path(tempfile.mkdtemp(dir=OUTPUT_ROOT))
    _pruned_at = now
    cutoff = now - OUTPUT_MAX_AGE_S
    for old in OUTPUT_ROOT.iterdir():
        try:
            if old.is_dir() and old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            continue
    return Path(tempfile.mkdtemp(dir=OUTPUT_ROOT))


def store_status(store_dir: str | Path | None = None) -> str:
    """One line on the corpus the app works with (shown under the title)."""
    try:
        store = workbench_for(store_dir).store
        return message_html(
            f"语料库：{store.project_count()} 个项目，{store.indicator_count()} 条历史指标", "info"
        )
    except AssistantError as error:
        return message_html(f"语料库不可用：{error}")


# ------------------------------------------------------------------------------------- 起草 (draft)
class DraftView(NamedTuple):
    """Outputs of :func:`draft_table`: status, the grid, the suggestions (row 序号 n → item n-1),
    the alternatives' grid and the alternatives (row 序号 n → item n-1)."""

    status: str
    table: pd.DataFrame
    suggestions: list[Suggestion]
    alternatives_table: pd.DataFrame
    alternatives: list[Suggestion]


def draft_table(
    name: object,
    goal: object = None,
    budget: object = None,
    year: object = None,
    department: object = None,
    store_dir: str | Path | None = None,
) -> DraftView:
    """Suggest a full indicator table for the form's project, grouped 一级 → 二级 → 三级, with
    ranked alternatives per slot, the project's domains, notes and the table checks."""
    import pandas as pd

    empty = pd.DataFrame(columns=frames.DRAFT_COLUMNS)
    no_alternatives = pd.DataFrame(columns=frames.ALTERNATIVE_COLUMNS)
    try:
        draft = make_draft(name, goal, budget, year, department)
        result = workbench_for(store_dir).draft(draft)
    except AssistantError as error:
        return DraftView(message_html(form_message(error)), empty, [], no_alternatives, [])
    suggestions = frames.grouped_suggestions(result.table)
    alternatives = list(result.alternatives)
    slots = list(dict.fromkeys(s.level2 for s in suggestions))
    pending = sum(1 for s in suggestions if s.is_placeholder)
    status = (
        f"为“{draft.name}”生成 {len(suggestions)} 条指标，覆盖 {len(slots)} 个二级指标（{'、'.join(slots)}），"
        f"另有 {len(alternatives)} 条备选。"
        + (f"其中 {pending} 条指标值【待填】。" if pending else "")
        + "可直接修改表格；点选一行查看依据；点选备选行可替换进表格。"
    )
    return DraftView(
        message_html(status, "ok") + frames.draft_notes_html(result),
        frames.suggestions_frame(suggestions),
        suggestions,
        frames.alternatives_frame(alternatives),
        alternatives,
    )


def search_templates(
    query: object, domain: object = None, store_dir: str | Path | None = None
) -> tuple[str, pd.DataFrame]:
    """The indicator library's templates matching ``query`` (within ``domain`` unless 全部)."""
    text = _text(query)[:200]
    picked = _text(domain)
    chosen = None if picked in ("", ALL) else picked
    try:
        library = workbench_for(store_dir).suggester.library()
    except AssistantError as error:
        return message_html(form_message(error)), frames.templates_frame([])
    found = library.search(text, chosen)
    if not found:
        return message_html(f"指标库中没有与“{text}”相近的模板", "ok"), frames.templates_frame([])
    where = f"“{chosen}”领域" if chosen else "全部领域"
    return message_html(
        f"{where}找到 {len(found)} 条指标模板（共 {len(library.templates)} 条）", "ok"
    ), frames.templates_frame(found)


def template_domains(store_dir: str | Path | None = None) -> list[str]:
    """The domain menu of the template search: 全部, 共性 and every domain of the library."""
    from ..records.library import GENERIC_DOMAIN

    library = workbench_for(store_dir).suggester.library()
    return [ALL, GENERIC_DOMAIN, *(d.name for d in library.domains)]


def swap_alternative(
    suggestions: Sequence[Suggestion], alternatives: Sequence[Suggestion], number: int
) -> tuple[list[Suggestion], list[Suggestion]]:
    """Put alternative ``number`` (1-based) into the table in place of the table's row of the same
    二级 slot (the replaced row becomes an alternative); with no such row it is added.

    Example:
        >>> from assistant.records.schema import Suggestion
        >>> row = lambda name: Suggestion("产出指标", "数量指标", name, "≥1个", None, 0.5)
        >>> table, alts = swap_alternative([row("甲")], [row("乙")], 1)
        >>> [s.name for s in table], [s.name for s in alts]
        (['乙'], ['甲'])
    """
    table, spare = list(suggestions), list(alternatives)
    if not 0 < number <= len(spare):
        return table, spare
    chosen = spare.pop(number - 1)
    slot = next((i for i, s in enumerate(table) if s.level2 == chosen.level2), None)
    if slot is None:
        table.append(chosen)
    else:
        spare.insert(number - 1, table[slot])
        table[slot] = chosen
    return frames.grouped_suggestions(table), spare


def table_project(
    table: pd.DataFrame | None,
    name: object = "",
    goal: object = None,
    budget: object = None,
    year: object = None,
    department: object = None,
) -> Project:
    """The (edited) grid and the form as a :class:`Project` — what gets re-reviewed and exported.

    Rows without a 三级指标 are left out; a blank form field stays empty.
    """
    from ..records.build import make_indicator

    indicators: list[Indicator] = []
    if table is not None and len(table):
        for _, row in table.iterrows():
            indicator_name = _text(row.get("三级指标"))
            if not indicator_name:
                continue
            indicators.append(
                make_indicator(
                    _text(row.get("一级指标")),
                    _text(row.get("二级指标")),
                    indicator_name,
                    _text(row.get("指标值")),
                    location=f"第{_text(row.get('序号'))}行",
                )
            )
    try:
        year_value = parse_year(year)
    except InputError:
        year_value = None
    try:
        budget_value = parse_budget(budget)
    except InputError:
        budget_value = None
    return Project(
        name=_text(name) or "未命名项目",
        indicators=tuple(indicators),
        department=_text(department) or None,
        year=year_value,
        budget_wan=budget_value,
        goal=_text(goal) or None,
        source="起草",
    )


def rereview_table(
    table: pd.DataFrame | None,
    previous: pd.DataFrame | None = None,
    name: object = "",
    goal: object = None,
    budget: object = None,
    year: object = None,
    department: object = None,
    store_dir: str | Path | None = None,
) -> tuple[pd.DataFrame | None, list[tuple[str, str | None]] | None, str | None]:
    """Re-review every row of the edited grid; show the edited row's spans, reasons and rewrite.

    Returns the grid with its 审核 column updated, the edited value as (text, reason) pieces for
    gr.HighlightedText, and the reasons/rewrite as escaped HTML; the last two are ``None`` when no
    row's 三级指标 or 指标值 differs from ``previous`` (the panels keep what they show).
    """
    if table is None or not len(table):
        return table, None, None
    project = table_project(table, name, goal, budget, year, department)
    reviewer = workbench_for(store_dir)
    reviews = {ind.location: reviewer.review_indicator(ind, project) for ind in project.indicators}
    updated = table.copy()
    changed: IndicatorReview | None = None
    for i, (_, row) in enumerate(updated.iterrows()):
        review = reviews.get(f"第{_text(row.get('序号'))}行")
        updated.iat[i, updated.columns.get_loc("审核")] = frames.review_summary(review)
        if changed is None and review is not None and previous is not None and i < len(previous):
            before = previous.iloc[i]
            if _text(before.get("指标值")) != _text(row.get("指标值")) or _text(
                before.get("三级指标")
            ) != _text(row.get("三级指标")):
                changed = review
    if changed is None:
        return updated, None, None
    return updated, frames.highlighted_spans(changed), frames.review_detail_html(changed)


def row_details(
    table: pd.DataFrame | None,
    suggestions: Sequence[Suggestion] | None,
    row_value: Sequence[Any] | None,
    name: object = "",
    goal: object = None,
    budget: object = None,
    year: object = None,
    department: object = None,
    store_dir: str | Path | None = None,
) -> tuple[str, list[tuple[str, str | None]], str]:
    """The selected row's evidence (HTML), its value's highlighted spans and its review (HTML)."""
    if not row_value:
        return frames.evidence_html(None), [], ""
    try:
        number = int(float(row_value[0]))
    except (TypeError, ValueError):
        return frames.evidence_html(None), [], ""
    suggestion = suggestions[number - 1] if suggestions and 0 < number <= len(suggestions) else None
    project = table_project(table, name, goal, budget, year, department)
    indicator = next((i for i in project.indicators if i.location == f"第{number}行"), None)
    if indicator is None:
        return frames.evidence_html(suggestion), [], ""
    review = workbench_for(store_dir).review_indicator(indicator, project)
    return (
        frames.evidence_html(suggestion),
        frames.highlighted_spans(review),
        frames.review_detail_html(review),
    )


def export_draft(
    table: pd.DataFrame | None,
    name: object = "",
    goal: object = None,
    budget: object = None,
    year: object = None,
    department: object = None,
    fmt: str = "xlsx",
    suggestions: Sequence[Suggestion] | None = None,
) -> str | None:
    """Write the grid as a 申报表-layout XLSX or a DOCX; returns the file path (``None`` when empty).
    A row still named as suggested keeps the suggestion's 指标解释."""
    from ..exports import write_declaration_docx, write_declaration_xlsx

    project = table_project(table, name, goal, budget, year, department)
    if not project.indicators:
        return None
    explains = {s.name: s.explain for s in suggestions or () if s.explain}
    if explains:
        project = replace(
            project,
            indicators=tuple(
                replace(i, explain=i.explain or explains.get(i.name)) for i in project.indicators
            ),
        )
    stem = "".join(c for c in project.name if c not in '\\/:*?"<>|')[:40] or "绩效目标表"
    path = _output_dir() / f"{stem}_绩效目标申报表.{fmt}"
    writer = write_declaration_docx if fmt == "docx" else write_declaration_xlsx
    return str(writer(project, path))


# ------------------------------------------------------------------------------------ 审核 (review)
class ReviewView(NamedTuple):
    """Outputs of :func:`review_documents` (in the order the app wires them)."""

    status: str
    projects: Any  # styled DataFrame
    rows: Any  # styled DataFrame (all rows; filters narrow it)
    by_code: pd.DataFrame
    by_project: pd.DataFrame
    report_files: list[str]
    all_rows: pd.DataFrame  # kept in state for the filters
    code_choices: list[str]
    project_choices: list[str]


def _empty_review(status: str) -> ReviewView:
    import pandas as pd

    return ReviewView(
        status,
        pd.DataFrame(columns=frames.PROJECT_COLUMNS),
        pd.DataFrame(columns=frames.REVIEW_DISPLAY_COLUMNS),
        pd.DataFrame(columns=["问题", "代码", "数量", "类别"]),
        pd.DataFrame(columns=["项目", "结论", "数量"]),
        [],
        pd.DataFrame(columns=frames.REVIEW_COLUMNS),
        [ALL],
        [ALL],
    )


class ReviewOutcome(NamedTuple):
    """What :func:`review_job` sends back (plain values and DataFrames: it may run in a worker process)."""

    status: str
    rows: pd.DataFrame  # frames.REVIEW_COLUMNS, every row
    projects: pd.DataFrame
    by_code: pd.DataFrame
    by_project: pd.DataFrame
    report_files: list[str]


def review_documents(
    files: object = None,
    pasted: object = "",
    store_dir: str | Path | None = None,
    progress: Callable[..., Any] | None = None,
    *,
    workers: WorkerPool | None = None,
    limit: float | None = None,
) -> ReviewView:
    """Review uploaded documents and/or a pasted table: per-project and per-indicator results,
    defect counts for the charts, and the XLSX/CSV reports (the review engine's report writer).

    ``progress(fraction, desc=…)`` is called per file (gr.Progress in the app). With ``workers`` the
    review runs in a worker process (:func:`review_job`), stopped past ``limit`` seconds (``None``:
    ``ASSISTANT_MAX_REQUEST_SECONDS``) with a one-line message; without, it runs here, unbounded.
    """
    try:
        paths = check_uploads(files)
    except AssistantError as error:
        return _empty_review(message_html(error))
    pasted_text = _text(pasted)
    if not paths and not pasted_text:
        return _empty_review(
            message_html("请上传至少一个文件，或粘贴一张含“三级指标”“指标值”表头的表格", "info")
        )
    names = [str(p) for p in paths]
    where = None if store_dir is None else str(store_dir)
    if workers is None:

        def on_file(done: int, total: int, name: str) -> None:
            if progress is not None:
                progress(done / max(total, 1), desc=f"正在审核 {name}（{done + 1}/{total}）")

        outcome = review_job(names, pasted_text, where, on_file)
    else:
        if progress is not None and paths:
            progress(
                0.0, desc=f"正在审核 {paths[0].name}" + (f" 等 {len(paths)} 个文件" if len(paths) > 1 else "")
            )
        try:
            outcome = workers.run(
                review_job,
                names,
                pasted_text,
                where,
                limit=limit,
                action="审核",
                advice="请拆分文件或分批上传后重试",
            )
        except AssistantError as error:
            return _empty_review(message_html(error))
    if progress is not None:
        progress(1.0, desc="正在汇总")
    if not outcome.report_files:  # nothing reviewed
        return _empty_review(outcome.status)
    codes, rows = outcome.by_code, outcome.rows
    return ReviewView(
        outcome.status,
        frames.style_counts(outcome.projects),
        frames.style_verdicts(frames.display_rows(rows)),
        codes,
        outcome.by_project,
        outcome.report_files,
        rows,
        [ALL, *codes["问题"].tolist()],
        [ALL, *dict.fromkeys(rows["项目"].tolist())],
    )


def load_review_engine(store_dir: str | Path | None = None) -> None:
    """Load the store's review engine in this process and review one indicator (a worker's warm-up)."""
    from ..records.build import make_indicator

    workbench_for(store_dir).review_indicator(make_indicator("产出指标", "数量指标", "培训人次", "≥400人次"))


def review_job(
    paths: list[str],
    pasted: str,
    store_dir: str | None,
    on_file: Callable[[int, int, str], None] | None = None,
) -> ReviewOutcome:
    """Read and review ``paths`` and the ``pasted`` table with the store's review engine, write the
    XLSX/CSV reports into a fresh output folder; the status line and the frames to show. No report when nothing
    could be reviewed. A module-level function of plain values, so that a worker process can run it.
    """
    import pandas as pd

    from ..engines.review.report import summarise, write_report

    bench = workbench_for(store_dir)
    reviews: list[ProjectReview] = []
    problems: list[str] = []
    if paths:
        batch = bench.review_paths([Path(p) for p in paths], on_file=on_file)
        reviews.extend(batch.reviews)
        problems.extend(str(e) for e in batch.failed)
    if pasted:
        try:
            reviews.extend(bench.review_projects(read_pasted_table(pasted)))
        except (IngestError, InputError) as error:
            problems.append(str(error))
    if not reviews:
        empty = pd.DataFrame()
        status = "".join(message_html(p) for p in problems) or message_html("没有读到任何指标")
        return ReviewOutcome(status, empty, empty, empty, empty, [])
    summary = summarise(reviews)
    status = message_html(
        f"审核 {summary.projects} 个项目、{summary.rows} 条指标：退回 {summary.block} 条，提醒 {summary.warn} 条，"
        f"表格问题 {summary.findings} 处。",
        "ok" if not summary.block else "info",
    ) + "".join(message_html(f"未能读取：{p}") for p in problems)
    if summary.rows > frames.MAX_SHOWN_ROWS:
        status += message_html(
            f"表格只显示 {frames.MAX_SHOWN_ROWS} 条（退回、提醒在前）；全部 {summary.rows} 条见下载的审核报告",
            "info",
        )
    folder = _output_dir()
    reports = [str(write_report(folder / f"审核报告.{suffix}", reviews)) for suffix in ("xlsx", "csv")]
    return ReviewOutcome(
        status,
        frames.review_rows_frame(reviews),
        frames.projects_frame(reviews),
        frames.defect_counts(reviews),
        frames.project_defect_counts(reviews),
        reports,
    )


def filter_review_rows(
    rows: pd.DataFrame | None, verdict: str = ALL, problem: str = ALL, project: str = ALL
) -> Any:
    """The per-indicator results narrowed by verdict, reason and project (styled)."""
    import pandas as pd

    if rows is None or not len(rows):
        return pd.DataFrame(columns=frames.REVIEW_DISPLAY_COLUMNS)
    chosen = rows
    if verdict == NEEDS_WORK:
        chosen = chosen[~chosen["结论"].isin([frames.VERDICT_NAMES["ok"], frames.NOT_APPLICABLE])]
    elif verdict and verdict != ALL:
        chosen = chosen[chosen["结论"] == verdict]
    if problem and problem != ALL:
        chosen = chosen[
            chosen["问题"].str.split(frames.PROBLEM_SEPARATOR).apply(lambda names: problem in names)
        ]
    if project and project != ALL:
        chosen = chosen[chosen["项目"] == project]
    return frames.style_verdicts(frames.display_rows(chosen))


class DismissTarget(NamedTuple):
    """The review row a reviewer picked to dismiss one of its flags."""

    project: str
    indicator: str
    problems: list[str]


def review_row_target(row: Sequence[object] | None) -> tuple[DismissTarget | None, str, list[str]]:
    """A row picked in the 逐条指标 table (its cells, display order): the target, a line saying
    which row it is, and its problems (the choices for the flag to dismiss)."""
    cells = list(row or [])
    columns = frames.REVIEW_DISPLAY_COLUMNS
    if len(cells) < len(columns):
        return None, message_html("请在“逐条指标”表中点选一行", "info"), []
    cell = dict(zip(columns, cells, strict=False))
    problems = [p for p in str(cell["问题"] or "").split(frames.PROBLEM_SEPARATOR) if p]
    target = DismissTarget(str(cell["项目"]), str(cell["三级指标"]), problems)
    if not problems:
        return target, message_html(f"“{target.indicator}”没有需要撤销的提示", "info"), []
    return (
        target,
        message_html(
            f"已选：项目“{target.project}”·指标“{target.indicator}”；问题：{'、'.join(problems)}", "info"
        ),
        problems,
    )


def dismiss_flag(
    target: DismissTarget | None,
    problem: object,
    justification: object,
    store_dir: str | Path | None = None,
) -> str:
    """Save the reviewer's dismissal of one flag (with the reason) as a [[suppress]] entry in the
    review config; the next 开始审核 run no longer reports it."""
    if target is None:
        return message_html("请先在“逐条指标”表中点选一行", "info")
    name = _text(problem)
    if not name or name not in target.problems:
        return message_html("请选择要撤销的问题", "info")
    reason = _text(justification)
    if not reason:
        return message_html("请填写撤销理由：每条豁免都必须写明理由，会一并写入审核配置")
    try:
        path = workbench_for(store_dir).dismiss(
            target.project, target.indicator, frames.code_of(name), reason
        )
    except AssistantError as error:
        return message_html(error)
    return message_html(
        f"已写入审核配置 {path}：项目“{target.project}”指标“{target.indicator}”的“{name}”不再报告"
        f"（理由：{reason}）。重新点“开始审核”即生效；命令行用 --config {path}",
        "ok",
    )


# ---------------------------------------------------------------------------------- 指标库 (library)
def library_filters(store_dir: str | Path | None = None) -> tuple[list[str], list[str], list[str]]:
    """Choices for the 二级指标, 部门 and 年度 filters (each starting with 全部)."""
    try:
        facets = workbench_for(store_dir).library.facets()
    except AssistantError:
        return [ALL], [ALL], [ALL]
    return (
        [ALL, *(slot for slot, _ in facets.level2)],
        [ALL, *(dept for dept, _ in facets.departments)],
        [ALL, *(str(year) for year, _ in facets.years)],
    )


def _filter_value(value: object) -> str | None:
    text = _text(value)
    return None if not text or text == ALL else text


def search_library(
    query: object = "",
    mode: str = "混合（语义＋关键词）",
    level2: object = ALL,
    department: object = ALL,
    year: object = ALL,
    store_dir: str | Path | None = None,
    limit: int = 100,
) -> tuple[str, pd.DataFrame]:
    """Search past indicators (semantic, keyword or both) with the filters; status and results."""
    import pandas as pd

    try:
        library = workbench_for(store_dir).library
        year_value = parse_year(_filter_value(year))
        wanted = SEARCH_MODES.get(mode, "hybrid")
        entries = library.search(
            _text(query),
            mode=wanted,  # type: ignore[arg-type]
            level2=_filter_value(level2),
            department=_filter_value(department),
            year=year_value,
            limit=limit,
        )
    except AssistantError as error:
        return message_html(error), pd.DataFrame(columns=frames.LIBRARY_COLUMNS)
    note = ""
    if wanted != "keyword" and not library.semantic_available:
        note = "（未加载语义模型，已按关键词检索）"
    text = _text(query)
    head = f"“{text}”的" if text else "符合筛选条件的"
    status = f"{head}历史指标 {len(entries)} 条{note}" + (
        "" if len(entries) < limit else f"（只显示前 {limit} 条）"
    )
    if not entries and text and wanted != "keyword" and library.semantic_available:
        from ..engines.library import SEMANTIC_MIN

        status = (
            f"没有与“{text}”相近的历史指标：语料中没有关键词命中，语义相似度也都低于 {SEMANTIC_MIN:g}；"
            "语料库可能还没有这类项目，可在“语料”页导入"
        )
    elif not entries:
        status = f"没有找到{head}历史指标{note}；换个说法或放宽筛选条件试试"
    return message_html(status, "info" if entries else "error"), frames.library_frame(entries)


def value_distribution(
    indicator: object,
    level2: object = ALL,
    department: object = ALL,
    year: object = ALL,
    store_dir: str | Path | None = None,
) -> tuple[str, pd.DataFrame]:
    """The past values of one indicator: escaped summary HTML and the histogram rows (取值, 次数)."""
    import pandas as pd

    try:
        distribution = workbench_for(store_dir).library.distribution(
            _text(indicator),
            level2=_filter_value(level2),
            department=_filter_value(department),
            year=parse_year(_filter_value(year)),
        )
    except AssistantError as error:
        return message_html(error), pd.DataFrame(columns=["取值", "次数"])
    return frames.distribution_html(distribution), frames.histogram_frame(distribution)


# ------------------------------------------------------------------------------------- 语料 (corpus)
def ingest_documents(
    files: object,
    store_dir: str | Path | None = None,
    *,
    workers: WorkerPool | None = None,
    limit: float | None = None,
) -> tuple[str, pd.DataFrame]:
    """Add uploaded documents to the store, with ``assistant ingest``'s validation and messages.

    With ``workers`` the ingest runs in a worker process, stopped past ``limit`` seconds (``None``:
    ``ASSISTANT_MAX_REQUEST_SECONDS``): each file is one transaction, so the files stored before
    stay and the one being read is not stored at all.
    """
    import contextlib
    import io

    import pandas as pd

    from .commands.ingest import _print_summary

    empty = pd.DataFrame(columns=frames.INGEST_COLUMNS)
    try:
        paths = check_uploads(files)
        if not paths:
            return message_html("请先选择要导入的文件（xlsx、xls、docx、pdf、html、csv、txt）", "info"), empty
        if workers is not None:
            return workers.run(
                ingest_documents,
                [str(p) for p in paths],
                None if store_dir is None else str(store_dir),
                limit=limit,
                action="导入",
                advice="中止前已完成的文件已写入语料库，其余文件未写入；请分批导入",
            )
        bench = workbench_for(store_dir)
        report = bench.ingest(paths)
    except AssistantError as error:
        return message_html(error), empty
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        _print_summary(report, bench.store)  # the CLI's own summary lines, word for word
    lines = [line for line in buffer.getvalue().splitlines() if line.strip()]
    kind = "error" if report.failed or report.conflicts else "ok"
    html = "".join(message_html(line, kind if i == 0 else "info") for i, line in enumerate(lines))
    for outcome in report.files:
        html += "".join(
            message_html(f"{outcome.path.name}：{line}", "error" if line.startswith("错误") else "warn")
            for line in frames.ingest_lines(outcome)
        )
    return html, frames.ingest_frame(report)


def corpus_sources(store_dir: str | Path | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The documents in the corpus (文件, 项目数, 指标数) and their names for the remove menu."""
    import pandas as pd

    try:
        sources = workbench_for(store_dir).store.sources()
    except AssistantError:
        return pd.DataFrame(columns=frames.SOURCE_COLUMNS), []
    table = pd.DataFrame(
        [[s.source, s.projects, s.indicators] for s in sources], columns=frames.SOURCE_COLUMNS
    )
    return table, [s.source for s in sources]


def remove_corpus_source(
    source: object, store_dir: str | Path | None = None
) -> tuple[str, pd.DataFrame, list[str]]:
    """Remove one ingested document from the corpus (as ``assistant remove``); status, table, menu."""
    name = _text(source)
    if not name:
        return message_html("请先选择要删除的文档", "info"), *corpus_sources(store_dir)
    try:
        info = workbench_for(store_dir).store.remove_source(name)
    except AssistantError as error:
        return message_html(error), *corpus_sources(store_dir)
    status = message_html(
        f"已从语料库删除 {info.source}：{info.projects} 个项目，{info.indicators} 条指标（检索索引在下次检索时更新）",
        "ok",
    )
    return status, *corpus_sources(store_dir)
