"""Plain-text performance-target documents: decode, sniff the layout from the content, parse.

Four layouts are known (see :mod:`assistant.documents.layouts`):

- ``inline_list``: a project table whose 绩效指标 cell lists numbered items
  "1、1-产出指标；11-数量指标；…；年度指标值：≥100人。";
- ``cell_lines``: one cell per tab-prefixed line, one blank-line-separated block per row;
- ``symbol_columns``: a tab table whose 指标值 is split into 符号/值/计量单位 columns;
- ``tab_table``: a tab table with 三级指标 and 指标值 columns (merged cells, split labels, vertical text).

The layout is chosen from what the text contains, never from the file name, so a user's document of
the same shape is read the same way. Text that is not UTF-8 is refused with the reason (no silent
fallback to another encoding, which would turn a misread file into plausible-looking garbage).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ..errors import IngestError
from ..records.schema import Project
from .layouts import cell_lines, inline_list, tab_table
from .layouts.symbol_columns import is_symbol_header

Layout = Literal["inline_list", "cell_lines", "symbol_columns", "tab_table"]

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_text(data: bytes, file_name: str) -> str:
    """Decode UTF-8 (with or without BOM) and normalise line endings to ``\\n``.

    Raises:
        IngestError: the bytes are UTF-16, binary, or not valid UTF-8; the message says which byte
            failed and, when the text would decode as GB18030/GBK, that it should be re-saved as UTF-8.

    Example:
        >>> decode_text("项目名称\\r\\n".encode("utf-8-sig"), "a.txt")
        '项目名称\\n'
    """
    if data.startswith(_UTF16_BOMS):
        raise IngestError(file_name, "文本是 UTF-16 编码；请另存为 UTF-8 后重试")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise IngestError(file_name, f"第 {nul + 1} 字节是 NUL：这是二进制文件，不是文本")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 1].hex().upper()
        reason = f"不是 UTF-8 编码的文本（第 {error.start + 1} 字节 0x{bad} 无法按 UTF-8 解码）"
        if _decodes_as_gb18030(data):
            reason += "；内容像是 GBK/GB18030 编码，请另存为 UTF-8 后重试"
        else:
            reason += "；请确认这是文本文件并另存为 UTF-8"
        raise IngestError(file_name, reason) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decodes_as_gb18030(data: bytes) -> bool:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def sniff_layout(text: str) -> Layout | None:
    """Which layout the text is written in, or None when it holds no recognisable indicator table.

    Example:
        >>> sniff_layout("项目名称\\t总计\\t绩效指标\\n甲\\t1\\t1、1-产出指标；11-数量指标；人数；年度指标值：3人。")
        'inline_list'
        >>> sniff_layout("一级指标\\t二级指标\\t三级指标\\t指标值\\n产出指标\\t数量指标\\t人数\\t3人")
        'tab_table'
        >>> sniff_layout("会议纪要：请各单位按时报送。") is None
        True
    """
    lines = text.split("\n")
    if inline_list.is_inline_list(text):
        return "inline_list"
    if cell_lines.is_cell_lines(lines):
        return "cell_lines"
    headers = [cells for cells in (line.split("\t") for line in lines) if len(cells) >= 3]
    if not any(tab_table.grid_columns([c.strip() for c in cells]) for cells in headers):
        return None
    if any(is_symbol_header([c.strip() for c in cells]) for cells in headers):
        return "symbol_columns"
    return "tab_table"


def parse_text(text: str, source: str) -> list[Project]:
    """Parse decoded text with the layout it is written in ([] when none is recognised; never raises).

    Also used by the PDF and HTML readers for text without drawn tables; line numbers in the
    locations count lines of ``text``.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    layout = sniff_layout(text)
    if layout is None:
        return []
    lines = text.split("\n")
    if layout == "inline_list":
        return inline_list.parse(lines, source)
    if layout == "cell_lines":
        return cell_lines.parse(lines, source)
    return tab_table.parse(lines, source)  # the symbol-column variant is detected per table


def read_text_document(path: Path) -> list[Project]:
    """Read every project of a plain-text document (UTF-8).

    Returns [] for text without a recognisable indicator table (``read_document`` reports that).

    Raises:
        IngestError: the file cannot be read or is not UTF-8 text.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(path.name, f"无法读取文件：{error.strerror or error}") from None
    return parse_text(decode_text(data, path.name), path.name)


__all__ = ["Layout", "decode_text", "parse_text", "read_text_document", "sniff_layout"]
