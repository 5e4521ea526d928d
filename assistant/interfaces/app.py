"""The Gradio app: 起草 (draft), 审核 (review), 指标库 (library) and 语料 (corpus) tabs.

:func:`build_app` returns a ``gr.Blocks`` without launching it; :func:`launch_app` starts it with
the theme, CSS, upload cap and queue settings (``assistant serve`` calls both). Gradio is imported
only inside those functions (``import assistant.interfaces.app`` stays light). The handlers are
module-level functions in :mod:`assistant.interfaces.handlers`, re-exported here; each tab has its
own builder (components and events), whose small closures only unpack Gradio's event data and
route outputs to components.

(No ``from __future__ import annotations`` here: Gradio reads the ``gr.SelectData`` and
``gr.Progress`` annotations of the event functions at run time.)
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import TimeLimitError
from . import frames
from .handlers import (
    ALL,
    EXAMPLE_LABELS,
    EXAMPLES,
    MAX_FILES,
    MAX_UPLOAD_MB,
    NEEDS_WORK,
    SEARCH_MODES,
    TITLE,
    UPLOAD_TYPES,
    WRITE_TOKEN_ENV,
    DraftView,
    ReviewView,
    WriteAccess,
    check_uploads,
    corpus_sources,
    discard_uploads,
    dismiss_flag,
    draft_table,
    export_draft,
    filter_review_rows,
    ingest_documents,
    library_filters,
    make_draft,
    remove_corpus_source,
    rereview_table,
    review_documents,
    review_row_target,
    row_details,
    search_library,
    search_templates,
    store_status,
    swap_alternative,
    table_project,
    template_domains,
    value_distribution,
)
from .handlers import _text as _text
from .handlers import message_html as message_html
from .workers import WorkerPool, call_within

if TYPE_CHECKING:
    import gradio as gr

CONCURRENCY_LIMIT = 4  # engine calls run at most this many at once per event; the rest queue
QUEUE_SIZE = 256
#: Sessions whose state (and Gradio's ~180 KB per-session copy of the page config) stay in memory; the
#: least recently used goes first. Gradio's default, 10,000, let API calls without a session (each a new
#: one) grow the server by ~1.8 GB.
STATE_SESSIONS = 500
#: Gradio enforces this while receiving an upload, so a bigger file is never stored (its message is in
#: English; the page says the cap in Chinese next to every upload box).
GRADIO_MAX_FILE_SIZE = f"{MAX_UPLOAD_MB}mb"

# ------------------------------------------------------------------------------------ the Blocks
CSS = """
.gradio-container { max-width: 1400px !important; font-family: "Noto Sans CJK SC", "Source Han Sans SC",
  "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif; }
.app-title h1 { margin-bottom: 0.1em; }
.app-title p { color: #555; margin-top: 0; }
.status { padding: 6px 10px; border-radius: 6px; margin: 4px 0; background: #f4f6f8; }
.status.error { background: #fdecee; color: #8a1c24; }
.status.ok { background: #e9f6ec; color: #1d5e2c; }
.status.warn { background: #fff6e0; color: #7a5200; }
.status.info { background: #eef3fb; color: #1f3b66; }
.muted { color: #777; }
table.evidence { border-collapse: collapse; width: 100%; font-size: 0.92em; }
table.evidence th, table.evidence td { border: 1px solid #ddd; padding: 4px 6px; text-align: left; }
table.evidence th { background: #f3f5f8; }
.badge { padding: 1px 8px; border-radius: 10px; font-weight: 600; }
.rewrite { color: #1d5e2c; }
"""


def _highlight_colours() -> dict[str, str]:
    from ..engines.review.lexicon import WARNING_CODES

    return {
        name: ("#ffd966" if code in WARNING_CODES else "#f4a6ad") for code, name in frames.CODE_NAMES.items()
    }


def bounded(run: Callable[..., Any], action: str, outputs: int, status: int | None = 0) -> Callable[..., Any]:
    """``run`` within the request time limit (``ASSISTANT_MAX_REQUEST_SECONDS``): past it, output
    ``status`` shows the one-line message and the others keep what they show (``status=None``: the
    message comes as an error toast). Gradio still sees ``run``'s parameters (event data, progress).
    """
    import gradio as gr

    @functools.wraps(run)
    def call(*args: Any) -> Any:
        try:
            return call_within(run, *args, action=action)
        except TimeLimitError as error:
            if status is None:
                raise gr.Error(str(error), print_exception=False) from None
            result = [gr.skip()] * outputs
            result[status] = message_html(error)
            return tuple(result) if outputs > 1 else result[0]

    return call


def _documents_queue(workers: WorkerPool | None) -> dict[str, Any]:
    """Event options of the calls that read documents (review, ingest): they share one queue as wide
    as the workers, so they wait there for a free worker, not inside the handler (the wait is no part
    of their time limit); drafts and searches have their own limits and never wait for them."""
    return {
        "concurrency_limit": workers.size if workers is not None else CONCURRENCY_LIMIT,
        "concurrency_id": "documents",
    }


@dataclass(frozen=True)
class _Context:
    """What every tab's builder needs: the store folder, the write access and the review workers."""

    store: str | None
    writes: WriteAccess
    workers: WorkerPool | None


class _Filters(NamedTuple):
    """The 指标库 tab's filter menus (the 语料 tab refreshes their choices after a change)."""

    level2: Any
    department: Any
    year: Any


def build_app(
    store_dir: "str | Path | None" = None,
    *,
    writes: WriteAccess | None = None,
    workers: WorkerPool | None = None,
) -> "gr.Blocks":
    """The four-tab app over the store in ``store_dir`` (``None``: the default store); not launched.

    ``writes`` says whether the 语料 tab may ingest (``None``: read-only, and no ingest endpoint at all).
    ``workers`` runs reviews in worker processes, each stopped at the request time limit (``None``:
    reviews run in the server's threads, abandoned at the limit). Every handler is bounded by the
    limit (:func:`bounded`). Each tab is built, with its events, by its own builder below.
    """
    import gradio as gr

    store = str(store_dir) if store_dir is not None else None
    context = _Context(store, writes or WriteAccess(), workers)
    # delete_cache: gradio's copies of uploads and downloads older than a day go, checked hourly
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 86400)) as app:
        gr.HTML(
            f"<div class='app-title'><h1>{TITLE}</h1><p>项目支出绩效目标表：推荐可衡量的指标，标出含糊的指标值并给出改写建议。</p></div>"
        )
        status_bar = gr.HTML(elem_id="store-status")
        app.load(functools.partial(store_status, store), outputs=status_bar)
        with gr.Tabs():
            _draft_tab(context)
            _review_tab(context)
            filters = _library_tab(app, context)
            _corpus_tab(app, context, status_bar, filters)
    app.queue(default_concurrency_limit=CONCURRENCY_LIMIT, max_size=QUEUE_SIZE)
    return app


# ------------------------------------------------------------------------------------ 起草
def _draft_tab(context: _Context) -> None:
    """The form, the suggested table with its alternatives, evidence and value review, and exports."""
    import gradio as gr

    store = context.store
    form_fields: list[Any] = []
    with gr.Tab("起草", id="draft"):
        with gr.Row():
            with gr.Column(scale=1, min_width=320):
                name = gr.Textbox(label="项目名称", placeholder="如：党员教育培训经费", elem_id="draft-name")
                goal = gr.Textbox(
                    label="年度目标",
                    lines=4,
                    placeholder="写明做什么、做多少、达到什么效果",
                    elem_id="draft-goal",
                )
                with gr.Row():
                    # text boxes, not gr.Number: an empty number box shows and sends 0
                    budget = gr.Textbox(
                        label="资金（万元）",
                        placeholder="如：12（可不填）",
                        lines=1,
                        max_lines=1,
                        elem_id="draft-budget",
                    )
                    year = gr.Textbox(
                        label="年度",
                        placeholder="如：2024",
                        lines=1,
                        max_lines=1,
                        elem_id="draft-year",
                    )
                department = gr.Textbox(
                    label="部门", placeholder="如：区委组织部", elem_id="draft-department"
                )
                draft_button = gr.Button("生成指标表", variant="primary", elem_id="draft-run")
                form_fields = [name, goal, budget, year, department]
                examples = gr.Examples(
                    examples=EXAMPLES,
                    inputs=form_fields,
                    label="示例项目（点一下即可填入并生成）",
                    example_labels=EXAMPLE_LABELS,
                )
            with gr.Column(scale=3):
                draft_status = gr.HTML(elem_id="draft-status")
                draft_grid = gr.Dataframe(
                    headers=frames.DRAFT_COLUMNS,
                    interactive=True,
                    static_columns=[0, 1, 2, 5, 6, 7],
                    wrap=True,
                    max_height=560,
                    column_widths=["5%", "10%", "12%", "25%", "16%", "11%", "7%", "14%"],
                    label="建议的绩效指标（可直接修改“三级指标”“指标值”）",
                    elem_id="draft-grid",
                )
                alternatives_grid = gr.Dataframe(
                    headers=frames.ALTERNATIVE_COLUMNS,
                    interactive=False,
                    wrap=True,
                    max_height=320,
                    column_widths=["6%", "14%", "34%", "20%", "8%", "18%"],
                    label="备选指标（按置信度排序；点选一行即替换表格中同一二级指标的行）",
                    elem_id="draft-alternatives",
                )
                with gr.Row():
                    export_xlsx = gr.Button("导出申报表（XLSX）", elem_id="export-xlsx")
                    export_docx = gr.Button("导出 Word（DOCX）", elem_id="export-docx")
                export_file = gr.File(label="下载", interactive=False, visible=False, elem_id="export-file")
        with gr.Row():
            with gr.Column(scale=3):
                evidence = gr.HTML(frames.evidence_html(None), label="依据", elem_id="draft-evidence")
            with gr.Column(scale=2):
                spans = gr.HighlightedText(
                    label="指标值审核（标出含糊之处）",
                    color_map=_highlight_colours(),
                    show_legend=False,
                    combine_adjacent=True,
                    elem_id="draft-spans",
                )
                review_detail = gr.HTML(elem_id="draft-review")
        suggestions_state = gr.State([])
        alternatives_state = gr.State([])
        previous_grid = gr.State(None)

    draft_inputs = [name, goal, budget, year, department]

    def run_draft(*fields: Any) -> tuple[Any, ...]:
        view = draft_table(*fields, store_dir=store)  # type: ignore[misc]  # *fields: the 5 form fields
        return (
            view.status,
            view.table,
            view.suggestions,
            view.table,
            frames.evidence_html(None),
            [],
            "",
            view.alternatives_table,
            view.alternatives,
        )

    draft_outputs = [
        draft_status,
        draft_grid,
        suggestions_state,
        previous_grid,
        evidence,
        spans,
        review_detail,
        alternatives_grid,
        alternatives_state,
    ]
    drafting = bounded(run_draft, "生成指标表", len(draft_outputs))
    draft_button.click(drafting, draft_inputs, draft_outputs, api_name="draft")
    name.submit(drafting, draft_inputs, draft_outputs, api_visibility="private")
    examples.load_input_event.then(drafting, draft_inputs, draft_outputs, api_visibility="private")

    def on_edit(table: Any, previous: Any, *fields: Any) -> tuple[Any, ...]:
        updated, pieces, detail = rereview_table(table, previous, *fields, store_dir=store)  # type: ignore[misc]
        if pieces is None:  # nothing changed: keep the panels as they are
            return updated, updated, gr.skip(), gr.skip()
        return updated, updated, pieces, detail

    draft_grid.input(
        bounded(on_edit, "重新审核", 4, status=3),
        [draft_grid, previous_grid, *draft_inputs],
        [draft_grid, previous_grid, spans, review_detail],
        api_visibility="private",
    )

    def on_select(
        table: Any, suggestions: Any, n: Any, g: Any, b: Any, y: Any, d: Any, evt: gr.SelectData
    ) -> tuple[Any, ...]:
        return row_details(table, suggestions, evt.row_value, n, g, b, y, d, store_dir=store)

    draft_grid.select(
        bounded(on_select, "查看依据", 3),
        [draft_grid, suggestions_state, *draft_inputs],
        [evidence, spans, review_detail],
        api_visibility="private",
        concurrency_limit=None,
    )

    def on_swap(suggestions: Any, alternatives: Any, evt: gr.SelectData) -> tuple[Any, ...]:
        try:
            number = int(float(evt.row_value[0]))
        except (TypeError, ValueError, IndexError):
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        table, spare = swap_alternative(suggestions or [], alternatives or [], number)
        grid = frames.suggestions_frame(table)
        return grid, table, grid, frames.alternatives_frame(spare), spare, frames.evidence_html(None)

    alternatives_grid.select(
        on_swap,
        [suggestions_state, alternatives_state],
        [draft_grid, suggestions_state, previous_grid, alternatives_grid, alternatives_state, evidence],
        api_visibility="private",
    )

    def export(fmt: str) -> Any:
        def write(table: Any, suggestions: Any, *fields: Any) -> Any:
            path = export_draft(table, *fields, fmt=fmt, suggestions=suggestions)  # type: ignore[misc]
            return gr.File(value=path, visible=path is not None)

        return write

    export_xlsx.click(
        bounded(export("xlsx"), "导出", 1, status=None),
        [draft_grid, suggestions_state, *draft_inputs],
        export_file,
        api_name="export_xlsx",
    )
    export_docx.click(
        bounded(export("docx"), "导出", 1, status=None),
        [draft_grid, suggestions_state, *draft_inputs],
        export_file,
        api_name="export_docx",
    )


# ------------------------------------------------------------------------------------ 审核
def _review_tab(context: _Context) -> None:
    """Uploads or a pasted table, the results per project and per row, filters, reports, dismissals."""
    import gradio as gr

    store, writes, workers = context.store, context.writes, context.workers
    with gr.Tab("审核", id="review"):
        with gr.Row():
            with gr.Column(scale=1, min_width=320):
                uploads = gr.File(
                    label="上传绩效目标表（可多选）",
                    file_count="multiple",
                    file_types=None,  # any file: a wrong type gets our Chinese reason, not gradio's English toast
                    type="filepath",
                    elem_id="review-files",
                )
                gr.HTML(
                    f"<p class='muted'>支持 {'、'.join(t.lstrip('.') for t in UPLOAD_TYPES)}（CSV 可为 UTF-8、GBK 或 UTF-16）；单个文件不超过 {MAX_UPLOAD_MB} MB，"
                    f"一次最多 {MAX_FILES} 个。</p>"
                )
                pasted = gr.Textbox(
                    label="或粘贴表格（从 Excel 复制，需含“三级指标”“指标值”表头）",
                    lines=6,
                    placeholder="一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人次\t≥400人次",
                    elem_id="review-paste",
                )
                review_button = gr.Button("开始审核", variant="primary", elem_id="review-run")
                review_reports = gr.File(
                    label="下载审核报告（XLSX / CSV）", interactive=False, elem_id="review-reports"
                )
            with gr.Column(scale=3):
                review_status = gr.HTML(elem_id="review-status")
                with gr.Row():
                    chart_codes = gr.BarPlot(
                        x="问题",
                        y="数量",
                        color="类别",
                        title="各类问题数量",
                        x_label_angle=-30,
                        sort="-y",
                        height=300,
                        elem_id="review-chart-codes",
                    )
                    chart_projects = gr.BarPlot(
                        x="项目",
                        y="数量",
                        color="结论",
                        color_map={
                            frames.VERDICT_NAMES["block"]: "#d9534f",
                            frames.VERDICT_NAMES["warn"]: "#f0ad4e",
                        },
                        title="各项目需修改的指标",
                        x_label_angle=-30,
                        height=300,
                        elem_id="review-chart-projects",
                    )
                review_projects = gr.Dataframe(
                    headers=frames.PROJECT_COLUMNS,
                    column_widths=["22%", "5%", "5%", "5%", "33%", "11%", "6%", "13%"],
                    interactive=False,
                    wrap=True,
                    max_height=300,
                    label="按项目",
                    elem_id="review-projects",
                )
                with gr.Row():
                    verdict_filter = gr.Dropdown(
                        [ALL, NEEDS_WORK, *frames.VERDICT_NAMES.values(), frames.NOT_APPLICABLE],
                        value=ALL,
                        label="结论",
                        elem_id="filter-verdict",
                    )
                    code_filter = gr.Dropdown([ALL], value=ALL, label="问题类型", elem_id="filter-code")
                    project_filter = gr.Dropdown([ALL], value=ALL, label="项目", elem_id="filter-project")
                review_rows = gr.Dataframe(
                    headers=frames.REVIEW_DISPLAY_COLUMNS,
                    datatype=frames.REVIEW_DISPLAY_TYPES,  # 指标值 with its flagged spans marked
                    column_widths=["11%", "8%", "14%", "11%", "6%", "10%", "19%", "14%", "7%"],
                    interactive=False,
                    wrap=True,
                    max_height=600,
                    label="逐条指标",
                    elem_id="review-rows",
                )
                with gr.Accordion("撤销误报（审核人决定）", open=False, elem_id="dismiss-panel"):
                    dismiss_row = gr.HTML(
                        "<p class='muted'>在上表点选一行，选择要撤销的问题并写明理由；"
                        "决定写入审核配置（review.toml 的 [[suppress]]），下次审核生效。</p>",
                        elem_id="dismiss-row",
                    )
                    with gr.Row():
                        dismiss_code = gr.Dropdown([], label="要撤销的问题", elem_id="dismiss-code")
                        dismiss_reason = gr.Textbox(
                            label="理由（必填）",
                            placeholder="如：2023年口径，社会效益允许定性表述",
                            elem_id="dismiss-reason",
                        )
                    dismiss_token = gr.Textbox(
                        label="导入口令",
                        type="password",
                        visible=writes.token is not None,
                        elem_id="dismiss-token",
                    )
                    dismiss_button = gr.Button(
                        "撤销该提示并写入审核配置", elem_id="dismiss-run", interactive=writes.enabled
                    )
                    dismiss_status = gr.HTML(
                        "" if writes.enabled else message_html(writes.refusal(None, "撤销误报"), "info"),
                        elem_id="dismiss-status",
                    )
        review_state = gr.State(None)
        dismiss_target = gr.State(None)

    tracker = gr.Progress()  # gradio recognises the parameter by this default value

    def run_review(files: Any, text: Any, progress: gr.Progress = tracker) -> tuple[Any, ...]:
        view = review_documents(files, text, store_dir=store, progress=progress, workers=workers)
        return (
            view.status,
            view.projects,
            view.rows,
            view.by_code,
            view.by_project,
            view.report_files or None,
            view.all_rows,
            gr.Dropdown(choices=view.code_choices, value=ALL),
            gr.Dropdown(choices=view.project_choices, value=ALL),
            gr.Dropdown(value=ALL),
        )

    review_button.click(
        run_review if workers is not None else bounded(run_review, "审核", 10),
        [uploads, pasted],
        [
            review_status,
            review_projects,
            review_rows,
            chart_codes,
            chart_projects,
            review_reports,
            review_state,
            code_filter,
            project_filter,
            verdict_filter,
        ],
        api_name="review",
        **_documents_queue(workers),
    )
    for dropdown in (verdict_filter, code_filter, project_filter):
        dropdown.input(
            filter_review_rows,
            [review_state, verdict_filter, code_filter, project_filter],
            review_rows,
            api_visibility="private",
            concurrency_limit=None,
        )

    def pick_review_row(evt: gr.SelectData) -> tuple[Any, ...]:
        target, line, problems = review_row_target(evt.row_value)
        return target, line, gr.Dropdown(choices=problems, value=problems[0] if problems else None)

    review_rows.select(
        pick_review_row, None, [dismiss_target, dismiss_row, dismiss_code], api_visibility="private"
    )

    def run_dismiss(target: Any, problem: Any, reason: Any, token: Any) -> str:
        refused = writes.refusal(token, "撤销误报")  # checked again here: the endpoint is callable directly
        if refused is not None:
            return message_html(refused)
        return dismiss_flag(target, problem, reason, store_dir=store)

    if writes.enabled:  # the decision is written into the store's review.toml: a write
        dismiss_button.click(
            run_dismiss,
            [dismiss_target, dismiss_code, dismiss_reason, dismiss_token],
            dismiss_status,
            api_name="dismiss",
        )


# ------------------------------------------------------------------------------------ 指标库
def _library_tab(app: "gr.Blocks", context: _Context) -> _Filters:
    """Search of past indicators with filters, a value histogram, and the library's templates."""
    import gradio as gr

    store = context.store
    bind = functools.partial
    with gr.Tab("指标库", id="library"):
        with gr.Row():
            query = gr.Textbox(
                label="检索",
                placeholder="指标名称或关键词，如：培训人次、满意度",
                scale=3,
                elem_id="library-query",
            )
            mode = gr.Radio(list(SEARCH_MODES), value=next(iter(SEARCH_MODES)), label="检索方式", scale=2)
        with gr.Row():
            level2_filter = gr.Dropdown([ALL], value=ALL, label="二级指标", elem_id="library-level2")
            department_filter = gr.Dropdown(
                [ALL], value=ALL, label="部门", allow_custom_value=True, elem_id="library-department"
            )
            year_filter = gr.Dropdown([ALL], value=ALL, label="年度", elem_id="library-year")
            search_button = gr.Button("检索", variant="primary", elem_id="library-run")
        library_status = gr.HTML(elem_id="library-status")
        library_rows = gr.Dataframe(
            headers=frames.LIBRARY_COLUMNS,
            column_widths=["16%", "10%", "10%", "7%", "20%", "15%", "5%", "11%", "6%"],
            interactive=False,
            wrap=True,
            max_height=420,
            label="历史指标（点选一行查看该指标的历史取值分布）",
            elem_id="library-rows",
        )
        with gr.Row():
            with gr.Column(scale=1):
                distribution_name = gr.Textbox(label="查看历史取值的指标", elem_id="library-indicator")
                distribution_button = gr.Button("查看取值分布", elem_id="library-distribution")
                distribution_summary = gr.HTML(elem_id="library-summary")
            with gr.Column(scale=2):
                histogram = gr.BarPlot(
                    x="取值",
                    y="次数",
                    title="历史取值分布",
                    x_label_angle=-30,
                    height=320,
                    elem_id="library-histogram",
                )
        with gr.Accordion("指标库模板（共性与分行业分领域）", open=False, elem_id="templates"):
            with gr.Row():
                template_query = gr.Textbox(
                    label="检索模板",
                    placeholder="如：供水、接种率、满意度（留空列出该领域全部模板）",
                    scale=3,
                    elem_id="templates-query",
                )
                template_domain = gr.Dropdown(
                    [ALL], value=ALL, label="领域", scale=1, elem_id="templates-domain"
                )
                template_button = gr.Button("检索模板", elem_id="templates-run")
            template_status = gr.HTML(elem_id="templates-status")
            template_rows = gr.Dataframe(
                headers=frames.TEMPLATE_COLUMNS,
                interactive=False,
                wrap=True,
                max_height=420,
                elem_id="templates-rows",
            )

    def load_filters() -> tuple[Any, ...]:
        return _filter_updates(store)

    app.load(load_filters, outputs=[level2_filter, department_filter, year_filter])
    library_inputs = [query, mode, level2_filter, department_filter, year_filter]
    searching = bounded(bind(_search, store), "检索", 2)
    search_button.click(searching, library_inputs, [library_status, library_rows], api_name="search")
    query.submit(searching, library_inputs, [library_status, library_rows], api_visibility="private")

    def show_histogram(indicator: Any, level2: Any, dept: Any, yr: Any) -> tuple[Any, ...]:
        summary, bins = value_distribution(indicator, level2, dept, yr, store_dir=store)
        top = int(bins["次数"].max()) if len(bins) else 1
        return summary, gr.BarPlot(value=bins, sort=bins["取值"].tolist() or None, y_lim=[0, top + 1])

    distribution_inputs = [distribution_name, level2_filter, department_filter, year_filter]
    distribution_button.click(
        bounded(show_histogram, "统计取值", 2),
        distribution_inputs,
        [distribution_summary, histogram],
        api_name="distribution",
    )

    def pick_indicator(level2: Any, dept: Any, yr: Any, evt: gr.SelectData) -> tuple[Any, ...]:
        picked = _text(evt.row_value[0]) if evt.row_value else ""
        if not picked:
            return gr.Textbox(), gr.HTML(), gr.BarPlot()
        return (picked, *show_histogram(picked, level2, dept, yr))

    library_rows.select(
        bounded(pick_indicator, "统计取值", 3, status=1),
        [level2_filter, department_filter, year_filter],
        [distribution_name, distribution_summary, histogram],
        api_visibility="private",
    )

    def run_templates(text: Any, domain: Any) -> tuple[Any, ...]:
        return search_templates(text, domain, store_dir=store)

    templates = bounded(run_templates, "检索模板", 2)
    template_button.click(
        templates,
        [template_query, template_domain],
        [template_status, template_rows],
        api_name="templates",
    )
    template_query.submit(
        templates,
        [template_query, template_domain],
        [template_status, template_rows],
        api_visibility="private",
    )
    app.load(lambda: gr.Dropdown(choices=template_domains(store)), outputs=template_domain)

    return _Filters(level2_filter, department_filter, year_filter)


def _filter_updates(store: str | None) -> tuple[Any, ...]:
    """New choices for the 指标库 filters (二级指标, 部门, 年度) from the store."""
    import gradio as gr

    slots, departments, years = library_filters(store)
    return gr.Dropdown(choices=slots), gr.Dropdown(choices=departments), gr.Dropdown(choices=years)


# ------------------------------------------------------------------------------------ 语料
def _corpus_tab(app: "gr.Blocks", context: _Context, status_bar: Any, filters: _Filters) -> None:
    """Ingest and remove documents (when writes are on) and the list of the corpus's documents."""
    import gradio as gr

    store, writes, workers = context.store, context.writes, context.workers
    level2_filter, department_filter, year_filter = filters
    load_filters = functools.partial(_filter_updates, store)
    with gr.Tab("语料", id="corpus"):
        gr.HTML(
            "<p>把往年的绩效目标表加入语料库，起草和检索会参考它们。校验与提示和命令行 "
            "<code>assistant ingest</code> 完全一致；同一文档重复导入不会新增记录。</p>"
        )
        corpus_files = gr.File(
            label=f"选择文件（可多选；单个不超过 {MAX_UPLOAD_MB} MB）",
            file_count="multiple",
            file_types=None,  # any file: a wrong type gets our Chinese reason, not gradio's English toast
            type="filepath",
            elem_id="corpus-files",
            interactive=writes.enabled,
        )
        ingest_token = gr.Textbox(
            label="导入口令",
            type="password",
            visible=writes.token is not None,
            elem_id="corpus-token",
        )
        ingest_button = gr.Button(
            "导入语料库", variant="primary", elem_id="corpus-run", interactive=writes.enabled
        )
        ingest_status = gr.HTML(
            "" if writes.enabled else message_html(writes.refusal(), "info"), elem_id="corpus-status"
        )
        ingest_table = gr.Dataframe(
            headers=frames.INGEST_COLUMNS,
            column_widths=["22%", "7%", "7%", "7%", "6%", "6%", "45%"],
            interactive=False,
            wrap=True,
            label="导入结果",
            elem_id="corpus-table",
        )
        sources_table = gr.Dataframe(
            headers=frames.SOURCE_COLUMNS,
            interactive=False,
            wrap=True,
            max_height=300,
            label="语料库中的文档",
            elem_id="corpus-sources",
        )
        with gr.Row():
            remove_choice = gr.Dropdown([], label="要删除的文档", scale=3, elem_id="corpus-remove-choice")
            remove_button = gr.Button(
                "从语料库删除",
                variant="stop",
                scale=1,
                elem_id="corpus-remove",
                interactive=writes.enabled,
            )
        remove_status = gr.HTML(elem_id="corpus-remove-status")

    def list_sources() -> tuple[Any, ...]:
        table, names = corpus_sources(store)
        return table, gr.Dropdown(choices=names, value=None)

    app.load(list_sources, outputs=[sources_table, remove_choice])

    def run_ingest(files: Any, token: Any) -> tuple[Any, ...]:
        try:
            refused = writes.refusal(token)  # checked again here: the endpoint is callable directly
            if refused is not None:
                return (message_html(refused), *[gr.skip()] * 7)
            html, table = ingest_documents(files, store_dir=store, workers=workers)
        finally:
            discard_uploads(files)
        return html, table, store_status(store), *load_filters(), *list_sources()

    def run_remove(source: Any, token: Any) -> tuple[Any, ...]:
        refused = writes.refusal(token, "删除文档")
        if refused is not None:
            return (message_html(refused), *[gr.skip()] * 6)
        html, table, names = remove_corpus_source(source, store_dir=store)
        return html, table, gr.Dropdown(choices=names, value=None), store_status(store), *load_filters()

    if writes.enabled:  # a read-only app has no ingest, remove or dismiss endpoint at all
        ingest_button.click(
            run_ingest,
            [corpus_files, ingest_token],
            [
                ingest_status,
                ingest_table,
                status_bar,
                level2_filter,
                department_filter,
                year_filter,
                sources_table,
                remove_choice,
            ],
            api_name="ingest",
            **_documents_queue(workers),
        )
        remove_button.click(
            run_remove,
            [remove_choice, ingest_token],
            [
                remove_status,
                sources_table,
                remove_choice,
                status_bar,
                level2_filter,
                department_filter,
                year_filter,
            ],
            api_name="remove",
        )


def _search(store: str | None, *args: Any) -> tuple[str, Any]:
    return search_library(*args, store_dir=store)  # type: ignore[misc]  # *args: the search form


def launch_options() -> dict[str, Any]:
    """Keyword arguments for ``Blocks.launch``: theme, CSS, upload cap, bounded sessions, no SSR, no
    analytics."""
    import gradio as gr

    theme = gr.themes.Soft(
        primary_hue="blue",
        neutral_hue="slate",
        font=["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "sans-serif"],
        font_mono=["Noto Sans Mono CJK SC", "monospace"],
    )
    return {
        "theme": theme,
        "css": CSS,
        "max_file_size": GRADIO_MAX_FILE_SIZE,
        "ssr_mode": False,
        "footer_links": [],
        "show_error": False,  # an unexpected exception's text (paths, library internals) stays on the server
        "state_session_capacity": STATE_SESSIONS,
    }


def launch_app(
    app: "gr.Blocks",
    host: str = "127.0.0.1",
    port: int = 7860,
    *,
    block: bool = True,
    quiet: bool = False,
) -> Any:
    """Start the app on ``host:port`` with :func:`launch_options`; ``block=False`` returns at once."""
    return app.launch(
        server_name=host,
        server_port=port,
        prevent_thread_lock=not block,
        quiet=quiet,
        inbrowser=False,
        share=False,
        **launch_options(),
    )


__all__ = [
    "WRITE_TOKEN_ENV",
    "DraftView",
    "ReviewView",
    "WriteAccess",
    "build_app",
    "check_uploads",
    "corpus_sources",
    "discard_uploads",
    "dismiss_flag",
    "draft_table",
    "export_draft",
    "swap_alternative",
    "search_templates",
    "template_domains",
    "filter_review_rows",
    "ingest_documents",
    "launch_app",
    "launch_options",
    "library_filters",
    "make_draft",
    "message_html",
    "rereview_table",
    "remove_corpus_source",
    "review_documents",
    "review_row_target",
    "row_details",
    "search_library",
    "store_status",
    "table_project",
    "value_distribution",
]
