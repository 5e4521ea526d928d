"""The notebook facade: one default engine, plain functions, pandas DataFrames out.

For analysts in Jupyter: every function works on a default :class:`~assistant.interfaces.workbench.Workbench`
(the default store, or the one chosen with :func:`use_store`), so models and indexes load once per
kernel and are shared with nothing else to set up. The tables have the same Chinese columns as the
app (:mod:`assistant.interfaces.frames`).

Example:
    >>> from assistant.interfaces import notebook as nb          # doctest: +SKIP
    >>> nb.suggest("党员教育培训经费", goal="培训党员400人次", budget_wan=12).head(3)  # doctest: +SKIP
    >>> nb.review("corpus/raw").query("结论 == '退回'")                             # doctest: +SKIP
    >>> nb.search("满意度", level2="服务对象满意度指标")                             # doctest: +SKIP
"""

from __future__ import annotations

import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import IngestError, IngestWarning, InputError
from ..records.schema import Project, ProjectDraft, ProjectReview
from . import frames
from .workbench import Workbench, read_with_warnings, workbench_for

if TYPE_CHECKING:
    import pandas as pd

    from ..engines.library import SearchMode, ValueDistribution

Errors = Literal["raise", "skip"]
#: Fonts tried, in order, for Chinese text in matplotlib figures.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)

#: The systems :func:`evaluate_suggest` runs by default (fast, no embedder needed).
DEFAULT_SUGGEST_SYSTEMS = ("baseline: most-frequent", "baseline: copy-bm25", "engine (")

_lock = threading.Lock()
_default: Workbench | None = None


def use_store(store: Any = None, *, embedder: Any = None) -> Workbench:
    """Make a store (a folder, a :class:`~assistant.store.database.Store`, or ``None`` for the
    default store) the one every function of this module works on; returns its workbench.

    ``embedder=False`` turns dense retrieval off (keyword search only).
    """
    global _default
    bench = (
        Workbench(store, embedder=embedder)
        if (embedder is not None or not _is_path(store))
        else workbench_for(store)
    )
    with _lock:
        _default = bench
    return bench


def _is_path(store: Any) -> bool:
    return store is None or isinstance(store, str | Path)


def workbench() -> Workbench:
    """The workbench the functions use (the default store's unless :func:`use_store` chose another)."""
    with _lock:
        bench = _default
    return bench if bench is not None else workbench_for(None)


def setup_plots() -> str | None:
    """Let matplotlib draw Chinese: the first installed CJK font becomes the sans-serif default.

    Returns the font's name, or ``None`` when none is installed (labels would show as boxes:
    install ``fonts-noto-cjk``).
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    font = next((name for name in CJK_FONTS if name in installed), None)
    if font is not None:
        mpl.rcParams["font.sans-serif"] = [font, *mpl.rcParams["font.sans-serif"]]
        mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["axes.unicode_minus"] = False
    return font


# ------------------------------------------------------------------------------------------ corpus
def ingest(paths: str | Path | Sequence[str | Path], *, replace: bool = False) -> pd.DataFrame:
    """Add documents (files or folders) to the store; one row per file, as ``assistant ingest`` reports.

    Unreadable files get 状态 失败 and the reason in 说明; the others are still ingested. A file
    holding a new version of a stored project gets 状态 冲突 unless ``replace=True`` (``--replace``).
    """
    return frames.ingest_frame(workbench().ingest(_paths(paths), replace=replace))


def _paths(paths: str | Path | Sequence[str | Path]) -> list[str | Path]:
    if isinstance(paths, str | Path):
        return [paths]
    return list(paths)


# ------------------------------------------------------------------------------------------ suggest
def suggest(
    name: str,
    goal: str | None = None,
    budget_wan: float | None = None,
    year: int | None = None,
    department: str | None = None,
    k: int | None = None,
) -> pd.DataFrame:
    """A suggested indicator table for a new project, grouped 一级 → 二级, with each row's evidence.

    Columns: 一级指标, 二级指标, 三级指标, 指标值, 范围, 置信度, 审核, 依据 (past project｜indicator｜value).

    Raises:
        InputError: an empty name, a negative budget, an implausible year …
    """
    draft = ProjectDraft(name=name, goal=goal, budget_wan=budget_wan, year=year, department=department)
    suggestions = frames.grouped_suggestions(workbench().suggest(draft, k))
    table = frames.suggestions_frame(suggestions).drop(columns=["序号"])
    table["依据"] = ["；".join(f"{e.project}｜{e.name}｜{e.value}" for e in s.evidence) for s in suggestions]
    return table


# ------------------------------------------------------------------------------------------ review
def review_projects(source: Any, errors: Errors = "raise") -> list[ProjectReview]:
    """The review engine's results (records) for files, folders, or a DataFrame of indicators.

    A DataFrame needs 三级指标 and 指标值 columns (optionally 一级指标, 二级指标, 项目名称 …):
    the same rule as a CSV given to ``assistant review``. With ``errors="skip"`` a file that
    cannot be read is left out and named in one :class:`~assistant.errors.IngestWarning` per file
    (batch review of a folder); with ``"raise"`` (default) it raises.

    Raises:
        IngestError: a file (or the DataFrame) cannot be read — the message names it and the reason.
        InputError: an empty source.
    """
    return workbench().review_projects(_projects(source, errors))


def review(source: Any, errors: Errors = "raise") -> pd.DataFrame:
    """One row per reviewed indicator (document order): 结论, 问题, 说明, 建议改写, 得分 … (see
    :data:`~assistant.interfaces.frames.REVIEW_COLUMNS`)."""
    return frames.review_rows_frame(review_projects(source, errors))


def review_summary(source: Any, errors: Errors = "raise") -> pd.DataFrame:
    """One row per reviewed project: indicator count, 退回/提醒 counts and table-level findings."""
    return frames.projects_frame(review_projects(source, errors))


def defect_counts(source: Any, errors: Errors = "raise") -> pd.DataFrame:
    """Defects per reason code (问题, 代码, 数量, 类别) over the reviewed source."""
    return frames.defect_counts(review_projects(source, errors))


def _projects(source: Any, errors: Errors = "raise") -> list[Project]:
    import pandas as pd

    from ..ingest import collect_files

    if errors not in ("raise", "skip"):
        raise InputError(f"errors 只能是 'raise' 或 'skip'，收到 {errors!r}")
    if isinstance(source, pd.DataFrame):
        return _frame_projects(source)
    items = collect_files(_paths(source))
    if not items:
        raise InputError("没有要审核的文件：请给出文件、文件夹或含“三级指标”“指标值”列的 DataFrame")
    projects: list[Project] = []
    for item in items:
        try:
            if isinstance(item, IngestError):
                raise item
            found, _ = read_with_warnings(item)
        except IngestError as error:
            if errors == "raise":
                raise
            warnings.warn(IngestWarning(error.file, f"未审核：{error.reason}"), stacklevel=3)
            continue
        projects.extend(found)
    return projects


def _frame_projects(table: pd.DataFrame) -> list[Project]:
    """A DataFrame of indicators as projects, read by the CSV reader (same columns, same checks)."""
    if table.empty:
        raise InputError("DataFrame 为空：需要含“三级指标”“指标值”列的指标表")
    with tempfile.TemporaryDirectory(prefix="assistant-nb-") as folder:
        path = Path(folder) / "DataFrame.csv"
        table.to_csv(path, index=False, encoding="utf-8")
        projects, _ = read_with_warnings(path)
    return projects


# ------------------------------------------------------------------------------------------ library
def search(
    query: str = "",
    *,
    mode: SearchMode = "hybrid",
    level2: str | None = None,
    department: str | None = None,
    year: int | None = None,
    limit: int = 50,
) -> pd.DataFrame:
    """Past indicators similar to ``query`` (semantic, keyword or both), with filters; a DataFrame."""
    entries = workbench().library.search(
        query, mode=mode, level2=level2, department=department, year=year, limit=limit
    )
    table = frames.library_frame(entries)
    table["得分"] = [round(e.score, 4) for e in entries]
    return table


def distribution(
    indicator: str, *, level2: str | None = None, department: str | None = None, year: int | None = None
) -> ValueDistribution:
    """The past values of one indicator (numbers in the dominant unit, the rest counted)."""
    return workbench().library.distribution(indicator, level2=level2, department=department, year=year)


# ------------------------------------------------------------------------------------------ evaluation
def evaluate_review(*, songgang_dir: str | Path | None = None) -> pd.DataFrame:
    """Precision/recall/F1 of each review system against the hand-checked labels.

    One row per (系统, 指标): 指标 is 缺陷 (vague ∪ malformed), a reason code, or 片段 (span overlap).
    """
    import pandas as pd

    from ..evaluation.review_eval import evaluate_review as run

    evaluation = run(None, songgang_dir=songgang_dir)
    rows = []
    for result in evaluation.results:
        scores = [("缺陷", result.defects), *result.codes.items(), ("片段", result.spans)]
        for metric, score in scores:
            rows.append(
                [result.name, metric, score.precision, score.recall, score.f1, score.tp, score.fp, score.fn]
            )
    return pd.DataFrame(rows, columns=["系统", "指标", "precision", "recall", "f1", "tp", "fp", "fn"])


def evaluate_suggest(
    systems: Sequence[str] | None = DEFAULT_SUGGEST_SYSTEMS,
    *,
    store: str | None = None,
    songgang: str | Path | None = None,
    folds: int = 5,
) -> pd.DataFrame:
    """Leave-one-project-out evaluation of the suggest engine and its baselines (one row per system).

    ``systems`` are names (or parts of names) of :func:`assistant.evaluation.suggest_eval.default_configs`;
    ``None`` runs them all (slow). The corpus is ``store``'s projects, or the seeds plus the songgang
    workbooks of the folder ``songgang`` names (e.g. ``"../shared/data/songgang"``).
    """
    import pandas as pd

    from ..evaluation.suggest_eval import Evaluator, default_configs, load_projects

    configs = default_configs()
    if systems is not None:
        configs = [c for c in configs if any(s in c.name for s in systems)]
        if not configs:
            names = "、".join(c.name for c in default_configs())
            raise InputError(f"没有匹配的评估系统：{list(systems)!r}；可选：{names}")
    evaluator = Evaluator(load_projects(store, Path(songgang) if songgang else None), folds=folds)
    rows = []
    for config in configs:
        r = evaluator.run(config)
        rows.append(
            [
                r.name,
                r.recall5,
                r.recall10,
                r.coverage,
                r.unit,
                r.in_range,
                r.vague,
                r.rows,
                r.projects,
                r.ms_per_project,
            ]
        )
    columns = [
        "系统",
        "recall@5",
        "recall@10",
        "coverage",
        "unit",
        "in_range",
        "vague",
        "rows",
        "projects",
        "ms_per_project",
    ]
    return pd.DataFrame(rows, columns=columns)


__all__ = [
    "defect_counts",
    "distribution",
    "evaluate_review",
    "evaluate_suggest",
    "ingest",
    "review",
    "review_projects",
    "review_summary",
    "search",
    "setup_plots",
    "suggest",
    "use_store",
    "workbench",
]
