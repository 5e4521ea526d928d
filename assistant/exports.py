"""Write indicator tables as documents a finance office files: the platform 申报表 XLSX, and DOCX.

The XLSX follows the budget platform's 二级项目支出绩效目标申报表 export (the songgang workbooks):
one project per sheet; a merged title row (``2023年度二级项目支出绩效目标申报表``); label:value
header rows (项目编码/项目名称, 申请单位, 本年度项目金额（万元）, 年度目标 …); then the grid
一级指标 | 二级指标 | 三级指标 | 目标值 | 指标解释 with the 一级 and 二级 cells merged over their rows.
Every 二级 slot of the classic table is listed, an empty one as 不适用, the way the platform prints
it. Both files read back through :func:`assistant.documents.read_document` with the same project
header and indicators (the tests check the round trip).

python-docx and openpyxl are imported inside the writers.

Example:
    >>> from assistant.records.build import make_indicator
    >>> from assistant.records.schema import Project
    >>> p = Project("党员教育培训", (make_indicator("产出指标", "数量指标", "培训人次", "≥400人次"),))
    >>> [(r.level1, r.level2, r.name) for r in declaration_rows(p)][:2]
    [('产出', '数量', '培训人次'), ('产出', '质量', '不适用')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .atomic import atomic_path
from .records.levels import LEVEL2_PARENT
from .records.schema import Project

NOT_APPLICABLE = "不适用"
TITLE = "二级项目支出绩效目标申报表"
GRID_HEADER = ("一级指标", "二级指标", "三级指标", "目标值", "指标解释")

#: The slots the platform prints for every project, in its order (成本指标 as a 一级 only when used).
SKELETON: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("产出指标", ("数量指标", "质量指标", "时效指标", "成本指标")),
    ("效益指标", ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")),
    ("满意度指标", ("服务对象满意度指标",)),
)
_COST_LEVEL1 = ("成本指标", ("经济成本指标", "社会成本指标", "生态环境成本指标"))
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True, slots=True)
class DeclarationRow:
    """One printed indicator row: short platform labels (产出/数量), name, value and explanation."""

    level1: str
    level2: str
    name: str
    value: str
    explain: str = ""


def short_label(label: str) -> str:
    """The platform's short form of a level label.

    Example:
        >>> short_label("产出指标"), short_label("服务对象满意度指标"), short_label("其他")
        ('产出', '服务对象满意度', '其他')
    """
    return label[: -len("指标")] if label.endswith("指标") and len(label) > 2 else label


def declaration_rows(project: Project) -> list[DeclarationRow]:
    """The indicator rows in platform order, every classic slot present (不适用 when empty).

    Indicators keep their order inside a slot; a 二级 label outside the vocabulary is printed after
    the known slots of its 一级 (or in its own group when the 一级 is unknown too), never dropped.
    """
    by_slot: dict[tuple[str, str], list] = {}
    for indicator in project.indicators:
        level1 = indicator.level1 or LEVEL2_PARENT.get(indicator.level2, "")
        by_slot.setdefault((level1, indicator.level2), []).append(indicator)
    skeleton = list(SKELETON)
    if any(level1 == _COST_LEVEL1[0] for level1, _ in by_slot):
        skeleton.insert(1, _COST_LEVEL1)
    order: list[tuple[str, str]] = []
    for level1, slots in skeleton:
        order.extend((level1, s) for s in slots)
        order.extend(k for k in by_slot if k[0] == level1 and k not in order and k[1] not in slots)
    order.extend(k for k in by_slot if k not in order)
    rows: list[DeclarationRow] = []
    for level1, level2 in order:
        members = by_slot.get((level1, level2), [])
        l1, l2 = short_label(level1), short_label(level2)
        if not members:
            rows.append(DeclarationRow(l1, l2, NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE))
        for ind in members:
            rows.append(DeclarationRow(l1, l2, ind.name, ind.value, ind.explain or ""))
    return rows


def header_fields(project: Project) -> list[tuple[str, str, str, str]]:
    """The label:value header rows as (label, value, label, value); one-value rows leave the right pair empty."""
    budget = _number(project.budget_wan)
    return [
        ("项目编码：", project.code or "", "项目名称：", project.name),
        ("申请单位：", project.department or "", "一级预算单位：", project.department or ""),
        ("预算年度：", str(project.year) if project.year else "", "本年度项目金额（万元）：", budget),
        ("年度目标：", project.goal or "", "", ""),
    ]


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def title_of(project: Project) -> str:
    """``2023年度二级项目支出绩效目标申报表`` (the year read back from the title when present)."""
    return f"{project.year}年度{TITLE}" if project.year else TITLE


def sheet_names(projects: Sequence[Project]) -> list[str]:
    """Unique sheet names (≤31 characters, no ``[]:*?/\\``): ``1.项目名称`` as the platform numbers them."""
    names: list[str] = []
    for number, project in enumerate(projects, start=1):
        base = _SHEET_FORBIDDEN.sub("_", f"{number}.{project.name or '项目'}")[:31]
        names.append(base)
    return names


def write_declaration_xlsx(projects: Project | Sequence[Project], path: str | Path) -> Path:
    """Write one 申报表 sheet per project to ``path`` (.xlsx) and return the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from .cells import secure_worksheet

    items = [projects] if isinstance(projects, Project) else list(projects)
    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap_center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap_left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    label_fill = PatternFill("solid", fgColor="F2F2F2")
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for project, sheet_name in zip(items, sheet_names(items), strict=True):
        ws = book.create_sheet(sheet_name)
        for column, width in zip("ABCDE", (22, 18, 40, 28, 40), strict=True):
            ws.column_dimensions[column].width = width
        ws.append([title_of(project)])
        ws.merge_cells("A1:E1")
        ws["A1"].font = Font(size=16, bold=True)
        ws["A1"].alignment = wrap_center
        ws.row_dimensions[1].height = 30
        for left, left_value, right, right_value in header_fields(project):
            row = ws.max_row + 1
            if right:
                ws.append([left, left_value, None, right, right_value])
                ws.merge_cells(f"B{row}:C{row}")
            else:
                ws.append([left, left_value])
                ws.merge_cells(f"B{row}:E{row}")
                ws.row_dimensions[row].height = 60
            for column in "ABCDE":
                cell = ws[f"{column}{row}"]
                cell.border = border
                cell.alignment = wrap_left if column in "BCE" else wrap_center
                if column in "AD" and cell.value:
                    cell.fill = label_fill
        ws.append(list(GRID_HEADER))
        header_row = ws.max_row
        for column in "ABCDE":
            cell = ws[f"{column}{header_row}"]
            cell.font = Font(bold=True)
            cell.fill = header_fill
            cell.alignment = wrap_center
            cell.border = border
        rows = declaration_rows(project)
        first = header_row + 1
        for r in rows:
            ws.append([r.level1, r.level2, r.name, r.value, r.explain])
            row = ws.max_row
            ws.row_dimensions[row].height = 30
            for column in "ABCDE":
                cell = ws[f"{column}{row}"]
                cell.border = border
                cell.alignment = wrap_left if column in "CE" else wrap_center
        for column, key in (("A", lambda r: r.level1), ("B", lambda r: (r.level1, r.level2))):
            for start, end in _runs([key(r) for r in rows]):
                if end > start:
                    ws.merge_cells(f"{column}{first + start}:{column}{first + end}")
        ws.freeze_panes = ws[f"A{first}"]
        secure_worksheet(ws)  # a name like =HYPERLINK(…) from an uploaded file stays text
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        book.save(tmp)
    return path


def _runs(keys: Sequence[object]) -> list[tuple[int, int]]:
    """Inclusive (start, end) index runs of equal consecutive keys.

    Example:
        >>> _runs(["a", "a", "b", "a"])
        [(0, 1), (2, 2), (3, 3)]
    """
    runs: list[tuple[int, int]] = []
    for i, key in enumerate(keys):
        if runs and keys[runs[-1][0]] == key:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def write_declaration_docx(projects: Project | Sequence[Project], path: str | Path) -> Path:
    """Write each project as a titled header table plus the merged indicator grid to ``path`` (.docx)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    items = [projects] if isinstance(projects, Project) else list(projects)
    path = Path(path)
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    for number, project in enumerate(items):
        if number:
            document.add_page_break()
        heading = document.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = heading.add_run(title_of(project))
        run.bold = True
        run.font.size = Pt(16)
        fields = header_fields(project)
        table = document.add_table(rows=0, cols=4)
        table.style = "Table Grid"
        for left, left_value, right, right_value in fields:
            cells = table.add_row().cells
            cells[0].text = left
            if right:
                cells[1].text = left_value
                cells[2].text = right
                cells[3].text = right_value
            else:
                merged = cells[1].merge(cells[3])
                merged.text = left_value
        document.add_paragraph()
        rows = declaration_rows(project)
        grid = document.add_table(rows=1, cols=len(GRID_HEADER))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, GRID_HEADER, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for r in rows:
            cells = grid.add_row().cells
            for cell, text in zip(cells, (r.level1, r.level2, r.name, r.value, r.explain), strict=True):
                cell.text = text
        for column, key in ((0, lambda r: r.level1), (1, lambda r: (r.level1, r.level2))):
            for start, end in _runs([key(r) for r in rows]):
                if end > start:
                    top = grid.cell(start + 1, column)
                    text = top.text
                    merged = top.merge(grid.cell(end + 1, column))
                    merged.text = text
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        document.save(str(tmp))
    return path


__all__ = [
    "DeclarationRow",
    "GRID_HEADER",
    "declaration_rows",
    "header_fields",
    "short_label",
    "write_declaration_docx",
    "write_declaration_xlsx",
]
