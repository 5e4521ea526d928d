"""PDF documents → projects: ruled tables per page, else the page text (pdfplumber).

Each page's tables (``page.find_tables()``) and the text lines outside them are laid out in reading
order into one :class:`~assistant.documents.grid.Grid` for the whole document, so a table that runs
onto the next page, with or without a repeated header, continues the same project, and the lines
above a table (``项目名称：…``) are read as its form. pdfplumber leaves the continuation slots of a
merged cell empty; the grid logic inherits blank 一级/二级 cells from the row above.

When no page has an indicator table (tables drawn without rules, text-only budget books), the
pages' text is handed to the plain-text layout reader
(:func:`assistant.documents.text_layouts.parse_text`); those projects carry its line locations.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import IngestError
from ..records.schema import Project
from .grid import GridBuilder, describe_error, grid_to_projects, no_table_error, warn_about

# A line break inside a CJK cell is a wrap of the layout, not of the text.
_CJK_WRAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\n(?=[\u3000-\u9fff\uff00-\uffef])")


def read_pdf(path: str | Path) -> list[Project]:
    """Read every project of a PDF.

    Raises:
        IngestError: the file is not a readable PDF (corrupt, encrypted), has no extractable text
            (a scan), or holds no indicator table.
    """
    path = Path(path)
    try:
        import pdfplumber

        pdf = pdfplumber.open(path)
    except Exception as error:
        raise IngestError(
            path.name, f"无法作为 PDF 打开：{describe_error(error)}（文件可能已损坏、加密，或不是 PDF）"
        ) from None
    builder = GridBuilder()
    texts: list[str] = []
    try:
        with pdf:
            for number, page in enumerate(pdf.pages, start=1):
                texts.append(_add_page(page, number, builder))
    except IngestError:
        raise
    except Exception as error:
        raise IngestError(path.name, f"读取 PDF 页面失败：{describe_error(error)}") from None
    result = grid_to_projects(builder.build(), source=path.name, fallback_name=path.stem)
    if result.projects:
        warn_about(path.name, result)
        return result.projects
    text = "\n".join(texts)
    if not text.strip():
        raise IngestError(path.name, "PDF 没有可提取的文字（可能是扫描件，需要先做文字识别）")
    from .text_layouts import parse_text

    projects = parse_text(text, path.name)
    if not projects:
        raise no_table_error(path.name, f"PDF 的 {len(texts)} 页表格和文字")
    return projects


def _add_page(page: Any, number: int, builder: GridBuilder) -> str:
    """Add one page's tables and outside lines to ``builder`` top to bottom; return the page text."""
    place = f"第{number}页"
    tables = sorted(page.find_tables(), key=lambda table: (table.bbox[1], table.bbox[0]))
    items: list[tuple[float, int, Any]] = [(table.bbox[1], 1, table) for table in tables]
    for line in page.extract_text_lines():
        if not any(_inside(line, table.bbox) for table in tables):
            items.append((line["top"], 0, line["text"]))
    items.sort(key=lambda item: (item[0], item[1]))
    table_number = 0
    for _top, kind, item in items:
        if kind == 0:
            text = item.strip()
            if text:
                builder.add_text(text, place)
            continue
        table_number += 1
        for row_number, row in enumerate(item.extract(), start=1):
            cells = [_cell_text(cell) for cell in row]
            builder.add_row(cells, place, f"{place} 表{table_number} 行{row_number}")
    return page.extract_text() or ""


def _inside(line: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = bbox
    middle = (line["top"] + line["bottom"]) / 2
    return top <= middle <= bottom and line["x0"] < x1 and line["x1"] > x0


def _cell_text(cell: str | None) -> str:
    """A table cell: ``None`` (a merged slot) → "", layout wraps between CJK characters removed.

    Example:
        >>> _cell_text("保障社区工作人员\\n用餐人数"), _cell_text(None)
        ('保障社区工作人员用餐人数', '')
    """
    if not cell:
        return ""
    return _CJK_WRAP.sub("", cell).replace("\n", " ").strip()
