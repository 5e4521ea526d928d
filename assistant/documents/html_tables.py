"""HTML pages → projects: their ``<table>`` elements with the text around them (BeautifulSoup + lxml).

Each top-level table is expanded into a grid (``rowspan``/``colspan`` copied into every cell they
cover, as merged cells are in a sheet) and the text between tables becomes paragraph rows, all in
page order, then read by the shared grid logic. A page without any indicator table is handed, as
plain text, to the text-layout reader (tables published flattened into text with tabs or lines).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import IngestError
from ..records.schema import Project
from .grid import GridBuilder, describe_error, grid_to_projects, no_table_error, warn_about

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body dd div dl dt fieldset figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 header hr html li main nav ol p pre section table tbody thead tfoot tr ul center".split()
)
_SKIP_TAGS = frozenset({"script", "style", "head", "noscript", "template", "svg"})
_SPACES = re.compile(r"\s+")
_MAX_SPAN = 1000


def read_html(path: str | Path) -> list[Project]:
    """Read every project of an HTML page.

    Raises:
        IngestError: the file is binary or unreadable, or neither its tables nor its text hold an
            indicator table.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(path.name, f"无法读取文件：{error.strerror or error}") from None
    if b"\x00" in data[:8192]:
        raise IngestError(path.name, "含 NUL 字节：这是二进制文件，不是 HTML 文本")
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(data, "lxml")
    except Exception as error:
        raise IngestError(path.name, f"无法解析 HTML：{describe_error(error)}") from None
    builder = GridBuilder()
    counter = [0]
    try:
        _walk(soup, builder, counter)
    except RecursionError:
        raise IngestError(path.name, "HTML 嵌套层级过深，无法解析") from None
    result = grid_to_projects(builder.build(), source=path.name, fallback_name=path.stem)
    if result.projects:
        warn_about(path.name, result)
        return result.projects
    from .text_layouts import parse_text

    projects = parse_text(soup.get_text("\n"), path.name)
    if not projects:
        raise no_table_error(
            path.name, f"页面的 {counter[0]} 个表格和正文" if counter[0] else "页面正文（没有表格）"
        )
    return projects


def _walk(node: Any, builder: GridBuilder, counter: list[int]) -> None:
    """Add ``node``'s tables and text lines to ``builder`` in document order."""
    from bs4 import NavigableString, Tag
    from bs4.element import PreformattedString

    line: list[str] = []

    def flush() -> None:
        text = _SPACES.sub(" ", "".join(line)).strip()
        line.clear()
        if text:
            builder.add_text(text, "正文")

    for child in node.children:
        if isinstance(child, PreformattedString):  # comments, doctype, CDATA
            continue
        if isinstance(child, NavigableString):
            line.append(str(child))
        elif isinstance(child, Tag):
            if child.name in _SKIP_TAGS:
                continue
            if child.name == "table":
                flush()
                counter[0] += 1
                _add_table(child, builder, counter[0])
            elif child.name == "br":
                flush()
            elif child.name in _BLOCK_TAGS or child.find("table") is not None:
                flush()
                _walk(child, builder, counter)
            else:
                line.append(child.get_text())
    flush()


def _add_table(table: Any, builder: GridBuilder, number: int) -> None:
    for index, cells in enumerate(table_grid(table), start=1):
        builder.add_row(cells, f"表{number}", f"表{number} 行{index}")


def table_grid(table: Any) -> list[list[str]]:
    """A ``<table>`` as a rectangular grid, each ``rowspan``/``colspan`` cell copied into every slot
    it covers (rows of nested tables excluded).

    Example:
        >>> from bs4 import BeautifulSoup
        >>> html = "<table><tr><td rowspan=2>产出指标</td><td>人数</td></tr><tr><td>合格率</td></tr></table>"
        >>> table_grid(BeautifulSoup(html, "lxml").table)
        [['产出指标', '人数'], ['产出指标', '合格率']]
    """
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    slots: dict[tuple[int, int], str] = {}
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in slots:
                c += 1
            rowspan = _span(cell.get("rowspan"), len(rows) - r)
            colspan = _span(cell.get("colspan"), _MAX_SPAN)
            text = _cell_text(cell)
            for dr in range(rowspan):
                for dc in range(colspan):
                    slots.setdefault((r + dr, c + dc), text)
            c += colspan
            width = max(width, c)
    return [[slots.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def _span(raw: Any, limit: int) -> int:
    """A rowspan/colspan attribute as a count: junk → 1, 0 (span to the end) → ``limit``."""
    try:
        value = int(str(raw).strip()) if raw is not None else 1
    except ValueError:
        return 1
    if value == 0:
        return max(limit, 1)
    return max(1, min(value, limit, _MAX_SPAN))


def _cell_text(cell: Any) -> str:
    """A cell's text: ``<br>`` and block children become line breaks, other whitespace one space;
    the text of a nested table is left out (its rows are not this table's)."""
    from bs4 import NavigableString
    from bs4.element import PreformattedString

    own_table = cell.find_parent("table")
    parts: list[str] = []
    for piece in cell.descendants:
        if isinstance(piece, NavigableString):
            if not isinstance(piece, PreformattedString) and piece.find_parent("table") is own_table:
                parts.append(str(piece))
        elif piece.name in ("br", "p", "div", "li", "tr"):
            parts.append("\n")
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
