"""CSV/TSV indicator tables with a header row → projects.

The header needs a 三级指标 column (or 指标名称, 三级指标名称 …) and a 指标值 column (or 目标值,
年度指标值, 指标值(年度) …); 一级指标, 二级指标, 项目名称, 部门, 年度, 资金, 年度目标 columns are
optional (see :mod:`assistant.documents.header_table`). Rows are grouped into projects by 项目名称;
without that column the file is one project named after the file.

Encodings: UTF-8 (with or without BOM) as the plain-text reader; tables also come as GBK/GB18030
(what Excel on Chinese Windows saves as “CSV”) and UTF-16 (Excel's “Unicode text”), so those are
detected (BOM, NUL-byte pattern, a strict GB18030 decode checked by charset-normalizer) and the
encoding used is reported with an :class:`~assistant.errors.IngestWarning` — never silently.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import warnings
from pathlib import Path

from ..errors import IngestError, IngestWarning
from ..limits import current
from ..records.schema import Project
from .grid import Grid, grid_to_projects
from .header_table import describe_columns
from .text_layouts import decode_text

_DELIMITERS = ",\t;|"
# A pasted document may sit in one cell (1 MB and more); the csv module's default 128 KB field limit
# would refuse the whole file. The file-size cap of read_document bounds it instead.
_FIELD_LIMIT = 64 * 1024 * 1024
_HEADER_SCAN = 20  # rows searched for the header before giving up


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_ENCODING_NAMES = {"gb18030": "GB18030/GBK", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "utf-16": "UTF-16"}


def decode_table_text(data: bytes, file_name: str) -> str:
    """Decode a CSV/TSV: UTF-8 first, else UTF-16 or GB18030/GBK when the bytes say so (warned).

    Raises:
        IngestError: binary data, or text in none of these encodings (the message names the fix).

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True):
        ...     decode_table_text("三级指标,指标值\\r\\n".encode("gbk"), "a.csv")
        '三级指标,指标值\\n'
    """
    if data.startswith(_UTF16_BOMS):
        encoding = "utf-16"
    elif b"\x00" in data[:4096]:
        encoding = _utf16_without_bom(data, file_name)
    else:
        try:
            return decode_text(data, file_name)
        except IngestError as error:
            if not _looks_chinese(data, "gb18030"):
                raise error from None
            encoding = "gb18030"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise IngestError(
            file_name,
            f"按 {_ENCODING_NAMES[encoding]} 解码失败（第 {error.start + 1} 字节）；请另存为 UTF-8 CSV 后重试",
        ) from None
    warnings.warn(
        IngestWarning(file_name, f"文本不是 UTF-8，已按 {_ENCODING_NAMES[encoding]} 编码读取"), stacklevel=3
    )
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _utf16_without_bom(data: bytes, file_name: str) -> str:
    """UTF-16 LE or BE from where the NUL bytes of ASCII characters fall; else the data is binary."""
    even = data[0:4096:2].count(0)
    odd = data[1:4096:2].count(0)
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    if max(even, odd) < 4 * min(even, odd) + 1 or not _looks_chinese(data, encoding):
        raise IngestError(file_name, f"第 {data.find(0) + 1} 字节是 NUL：这是二进制文件，不是文本")
    return encoding


def _is_cjk_text(c: str) -> bool:
    code = ord(c)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3000 <= code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
        or 0x2000 <= code <= 0x22FF
    )


def _looks_chinese(data: bytes, encoding: str) -> bool:
    """Whether ``data`` decodes strictly as ``encoding`` into plausible table text, and
    charset-normalizer (when installed) agrees it is a Chinese encoding or UTF-16."""
    try:
        text = data[:65536].decode(encoding, errors="strict")
    except UnicodeDecodeError:
        if len(data) <= 65536:
            return False
        text = data[:65536].decode(encoding, errors="ignore")  # a character cut at the boundary
    if not text:
        return False
    control = sum(1 for c in text if unicodedata.category(c) in ("Cc", "Co", "Cn") and c not in "\t\r\n")
    if control / len(text) > 0.01:
        return False
    if encoding != "gb18030":
        return True
    wide = [c for c in text if ord(c) > 0x7F]
    if wide and sum(1 for c in wide if _is_cjk_text(c)) >= 0.9 * len(wide):
        return True  # Chinese characters and punctuation: a short table too short to detect
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency of the project
        return True
    best = from_bytes(data[:65536]).best()
    return best is None or best.encoding.lower().replace("-", "_") in (
        "gb18030",
        "gbk",
        "gb2312",
        "hz",
        "big5",
        "cp950",
    )


def read_delimited(path: str | Path) -> list[Project]:
    """Read every project of a CSV or TSV file.

    Raises:
        IngestError: not UTF-8, binary, malformed CSV, or no header row with the required columns
            (the message lists the columns found and the ones required).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(path.name, f"无法读取文件：{error.strerror or error}") from None
    text = decode_table_text(data, path.name)
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text, path.suffix.lower()))
    rows: list[tuple[str, ...]] = []
    lines: list[int] = []  # the line each record starts on (a quoted cell may span lines)
    lines_read = 0
    limits = current()
    cells_seen = 0
    try:
        for cells in reader:
            lines.append(lines_read + 1)
            lines_read = reader.line_num
            row = tuple(cell.strip() for cell in cells)
            rows.append(row)
            cells_seen += len(row)
            if len(rows) > limits.max_rows or cells_seen > limits.max_cells:
                bound = "max_rows" if len(rows) > limits.max_rows else "max_cells"
                raise IngestError(
                    path.name, f"文件内容过大（读到第{lines_read}行），{limits.describe(bound)}；请拆分文件"
                )
    except csv.Error as error:
        raise IngestError(path.name, f"CSV 格式错误（第{reader.line_num}行）：{error}") from None
    grid = Grid(
        rows=tuple(rows),
        row_refs=tuple(f"第{line}行" for line in lines),
        region=lambda first, last: (
            f"第{lines[first]}行" if first == last else f"第{lines[first]}-{lines[last]}行"
        ),
    )
    result = grid_to_projects(grid, source=path.name, fallback_name=path.stem)
    if not result.found_header:
        header = next((row for row in rows[:_HEADER_SCAN] if any(row)), ())
        raise IngestError(path.name, describe_columns(header))
    if not result.projects:
        raise IngestError(path.name, "表头下没有指标行（三级指标和指标值都为空）")
    return result.projects


def sniff_delimiter(text: str, suffix: str = ".csv") -> str:
    """The field delimiter: tab for ``.tsv``, else what :class:`csv.Sniffer` finds among ``, \\t ; |``,
    else the most frequent of them in the first line.

    Example:
        >>> sniff_delimiter("三级指标\\t指标值\\n人数\\t3人\\n"), sniff_delimiter("三级指标,指标值\\n人数,3人\\n")
        ('\\t', ',')
    """
    if suffix == ".tsv":
        return "\t"
    first = next((line for line in text.splitlines() if line.strip()), "")
    present = [delimiter for delimiter in _DELIMITERS if delimiter in first]
    if len(present) == 1:  # a header line rarely holds anything but its delimiter
        return present[0]
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        return max(present, key=first.count) if present else ","
