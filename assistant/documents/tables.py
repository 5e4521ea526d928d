"""CSV/TSV indicator tables with a header row → projects.

The header needs a 三级指标 column (or 指标名称, 三级指标名称 …) and a 指标值 column (or 目标值,
年度指标值, 指标值(年度) …); 一级指标, 二级指标, 项目名称, 部门, 年度, 资金, 年度目标 columns are
optional (see :mod:`assistant.documents.header_table`). Rows are grouped into projects by 项目名称;
without that column the file is one project named after the file. Text must be UTF-8 (a BOM is
fine): anything else is refused with the reason rather than guessed (the same decoding as the
plain-text reader, :func:`~assistant.documents.text_layouts.decode_text`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import IngestError
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
    text = decode_text(data, path.name)
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
