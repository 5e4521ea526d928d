"""DOCX documents → projects: their tables, with the paragraphs around them (python-docx).

Tables and paragraphs are read in document order into one :class:`~assistant.documents.grid.Grid`:
a table in the 申报表 shape (项目名称 | … rows, then 一级/二级/三级指标 | 指标值) or a plain header
table both work, and a paragraph before a table may carry the header fields (``项目名称：…``,
``2023年度项目支出绩效目标表``). python-docx repeats a merged cell's text in every grid cell it
spans, which is exactly the fill the grid logic expects.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from ..errors import IngestError, IngestWarning
from ..records.schema import Project
from .bounds import check_package
from .grid import GridBuilder, describe_error, grid_to_projects, no_table_error, warn_about


def read_docx(path: str | Path) -> list[Project]:
    """Read every project of a ``.docx`` file.

    Warns:
        IngestWarning: a table that could not be read, an empty indicator table, a budget unit fix.

    Raises:
        IngestError: the file is not a readable DOCX, or holds no indicator table.
    """
    path = Path(path)
    check_package(path)  # unzipped size and text length before python-docx parses it
    try:
        from docx import Document
        from docx.table import Table

        document = Document(str(path))
    except Exception as error:
        raise IngestError(
            path.name, f"无法作为 Word 文档打开：{describe_error(error)}（文件可能已损坏，或不是 .docx 格式）"
        ) from None
    builder = GridBuilder()
    paragraphs = tables = 0
    broken: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            tables += 1
            try:
                rows = [[cell.text.strip() for cell in row.cells] for row in block.rows]
            except Exception as error:  # a malformed table must not sink the others
                broken.append(f"表{tables}（{describe_error(error)}）")
                continue
            for number, cells in enumerate(rows, start=1):
                builder.add_row(cells, f"表{tables}", f"表{tables} 行{number}")
        else:
            paragraphs += 1
            text = block.text.strip()
            if text:
                builder.add_text(text, f"第{paragraphs}段")
    if broken:
        warnings.warn(IngestWarning(path.name, f"跳过无法读取的表格：{'、'.join(broken)}"), stacklevel=2)
    result = grid_to_projects(builder.build(), source=path.name, fallback_name=path.stem)
    if not result.projects:
        raise no_table_error(path.name, f"文档的 {tables} 个表格" if tables else "文档（没有表格）")
    warn_about(path.name, result)
    return result.projects
