"""Write notebooks/quickstart.ipynb and notebooks/reviewer_batch.ipynb (without outputs) with nbformat.

The notebooks are generated so that their code stays reviewable as plain text here; run this
script after editing a cell, then ``pytest tests/notebooks`` executes them top to bottom.

Usage:
    .venv/bin/python scripts/make_notebooks.py
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "notebooks"


def code(source: str) -> nbformat.NotebookNode:
    return new_code_cell(textwrap.dedent(source).strip("\n"))


def text(source: str) -> nbformat.NotebookNode:
    return new_markdown_cell(textwrap.dedent(source).strip("\n"))


SETUP = """
    import os
    import tempfile
    import warnings
    from pathlib import Path

    import matplotlib.pyplot as plt
    import pandas as pd

    from assistant.interfaces import notebook as nb

    # tqdm (imported by the model libraries) asks for ipywidgets in a notebook; its text bars are fine
    warnings.filterwarnings("ignore", message="IProgress not found")
    ROOT = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
    SONGGANG = Path(os.environ.get("ASSISTANT_SHARED", ROOT.parent / "shared")) / "data" / "songgang"
    print("中文字体：", nb.setup_plots())
    pd.set_option("display.max_colwidth", 60)
"""

QUICKSTART = [
    text("""
        # 绩效目标助手：快速上手

        本笔记演示四件事：**导入**往年的绩效目标表、为新项目**起草**指标表、**审核**已有的表，
        以及用标注数据**评估**审核与推荐的效果。所有函数都在 `assistant.interfaces.notebook`（下称 `nb`）里，
        返回 pandas DataFrame。
    """),
    code(SETUP),
    text("""
        ## 1. 导入语料

        为了不改动默认语料库，这里在临时文件夹新建一个存储，导入项目自带的种子文档（`corpus/raw`），
        以及（如果存在）`../shared/data/songgang` 下某街道的申报表。平时直接用默认存储即可（不调用 `nb.use_store`）。
        读不了的文件（例如规则表）标为“失败”并写明原因，其余照常导入。
    """),
    code("""
        nb.use_store(Path(tempfile.mkdtemp(prefix="quickstart-")))
        folders = [ROOT / "corpus" / "raw"] + ([SONGGANG] if SONGGANG.is_dir() else [])
        report = nb.ingest(folders)
        print(f"导入 {report['新增'].sum()} 个项目、{report['指标数'].sum()} 条指标")
        report[report["状态"] == "失败"]
    """),
    text("""
        ## 2. 起草：为新项目推荐指标表

        每一行给出建议值、历史取值范围、置信度、审核结论和依据（历史项目｜指标｜取值）。
    """),
    code("""
        draft = nb.suggest(
            "党员教育培训经费",
            goal="全年举办党员教育培训班4期，培训党员400人次，参训党员考核合格率100%。",
            budget_wan=12,
            year=2024,
            department="区委组织部",
        )
        draft
    """),
    text("""
        ## 3. 审核：标出含糊的指标值

        审核一份种子文档，只看需要退回或提醒的指标。
    """),
    code("""
        seed = ROOT / "corpus" / "raw" / "000_681f7b743be24556.txt"
        rows = nb.review(seed)
        flagged = rows[rows["结论"] != "通过"]
        print(f"{len(rows)} 条指标，其中 {len(flagged)} 条需要修改")
        flagged[["项目", "三级指标", "指标值", "结论", "问题", "建议改写"]].head(10)
    """),
    code("""
        nb.review_summary(seed)
    """),
    text("""
        ## 4. 指标库：历史取值分布

        设定标准时，看看同一指标往年写了多少。
    """),
    code("""
        nb.search("满意度", mode="keyword", limit=8)
    """),
    code("""
        fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
        for ax, name in zip(axes, ["群众满意度", "总成本"]):
            d = nb.distribution(name)
            bins = d.histogram(bins=8)
            labels = [f"{lo:.4g}" if lo == hi else f"{lo:.4g}–{hi:.4g}" for lo, hi, _ in bins]
            ax.bar(labels, [n for *_, n in bins], color="#4c78a8")
            ax.set_title(f"{d.indicator}：{len(d.numbers)} 个历史数值，中位数 {d.stats()['median']}")
            ax.set_xlabel(f"取值（{d.unit or '无单位'}）")
            ax.set_ylabel("次数")
            ax.tick_params(axis="x", rotation=30)
        fig.tight_layout()
        plt.show()
    """),
    text("""
        ## 5. 评估

        审核：与人工标注比对，按理由代码给出准确率（precision）和召回率（recall）。
    """),
    code("""
        review_scores = nb.evaluate_review()
        review_scores.pivot_table(index="指标", columns="系统", values=["precision", "recall"]).round(3)
    """),
    code("""
        from assistant.interfaces.frames import code_name

        rules = review_scores[review_scores["系统"] == "rules only"]
        codes = rules[~rules["指标"].isin(["缺陷", "片段"])].set_index("指标")[["precision", "recall"]]
        codes.index = [f"{code_name(code)}（{code}）" for code in codes.index]
        codes = codes.rename(columns={"precision": "准确率", "recall": "召回率"}).sort_values("召回率")
        ax = codes.plot.barh(figsize=(9, 4.5), xlim=(0, 1.05))
        ax.set_title("规则审核：各理由代码的准确率与召回率")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        plt.show()
    """),
    text("""
        推荐：每个历史项目轮流留出，只凭项目名称、目标和资金起草，再与它真实的指标比对（留一法）。
    """),
    code("""
        suggest_scores = nb.evaluate_suggest()
        suggest_scores.round(3)
    """),
    code("""
        names = {"recall@5": "前 5 条召回率", "recall@10": "前 10 条召回率", "coverage": "必填类别覆盖率"}
        shown = suggest_scores.set_index("系统")[list(names)].rename(columns=names)
        ax = shown.plot.barh(figsize=(9, 3), xlim=(0, 1))
        ax.set_title("推荐：召回率与必填类别覆盖率")
        ax.set_ylabel("")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        plt.show()
    """),
]

BATCH = [
    text("""
        # 批量审核：一次审完一个文件夹

        审核科室常见的工作：把一批单位报上来的绩效目标表放进一个文件夹，一次审完，
        再看问题集中在哪里（哪类问题最多、哪些项目最需要退回、哪些写法反复出现）。

        这里审核项目自带的种子文档，以及（如果存在）`../shared/data/songgang` 下某街道 2022–23 年的申报表。
    """),
    code(SETUP),
    code("""
        folders = [ROOT / "corpus" / "raw"] + ([SONGGANG] if SONGGANG.is_dir() else [])
        folders
    """),
    text("""
        读不了的文件（例如规则表 `审核口径模板.xlsx` 不是绩效目标表）会被跳过并列出原因，其余照常审核。
    """),
    code("""
        with warnings.catch_warnings(record=True) as skipped:
            warnings.simplefilter("always")
            rows = nb.review(folders, errors="skip")
        for w in skipped:
            if type(w.message).__name__ == "IngestWarning":
                print("跳过：", w.message)
        print(f"{rows['来源'].nunique()} 个文件，{rows['项目'].nunique()} 个项目，{len(rows)} 条指标")
        rows["结论"].value_counts()
    """),
    text("""
        ## 哪类问题最多
    """),
    code("""
        flagged = rows[rows["结论"] != "通过"]
        problems = flagged["问题"].str.split("；").explode().value_counts()
        ax = problems.sort_values().plot.barh(figsize=(8, 4), color="#d9534f")
        ax.set_title("需修改指标的问题类型（一条指标可有多个问题）")
        ax.set_xlabel("指标数")
        plt.show()
        problems.to_frame("指标数")
    """),
    text("""
        ## 各二级指标的退回比例

        时效、效益类指标最容易写成“及时”“有所提升”。
    """),
    code("""
        by_slot = rows.assign(退回=rows["结论"] == "退回").groupby("二级指标")["退回"].agg(["mean", "size"])
        by_slot = by_slot[by_slot["size"] >= 5].sort_values("mean")
        ax = by_slot["mean"].plot.barh(figsize=(8, 4), xlim=(0, 1), color="#f0ad4e")
        ax.set_title("各二级指标的退回比例（至少 5 条）")
        plt.show()
        by_slot.round(3)
    """),
    text("""
        ## 最需要退回的项目，和表格层面的问题
    """),
    code("""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            projects = nb.review_summary(folders, errors="skip")
            counts = nb.defect_counts(folders, errors="skip")
        projects.sort_values(["退回", "提醒"], ascending=False).head(10)
    """),
    code("""
        counts[counts["类别"] == "表格"]
    """),
    text("""
        ## 反复出现的含糊写法和改写建议

        同一种写法在很多表里出现时，更适合写进审核口径统一提示。
    """),
    code("""
        flagged.groupby(["指标值", "问题"]).size().sort_values(ascending=False).head(12).to_frame("出现次数")
    """),
    code("""
        flagged[flagged["建议改写"] != ""][["三级指标", "指标值", "问题", "建议改写"]].drop_duplicates("指标值").head(12)
    """),
]


def notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number:02d}"  # stable ids: regenerating gives the same file
    book = new_notebook(cells=cells)
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    book.metadata["language_info"] = {"name": "python"}
    return book


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, cells in (("quickstart.ipynb", QUICKSTART), ("reviewer_batch.ipynb", BATCH)):
        path = OUT / name
        nbformat.write(notebook(cells), path)
        print(f"wrote {path.relative_to(ROOT)} ({len(cells)} cells)")


if __name__ == "__main__":
    main()
