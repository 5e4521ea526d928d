"""Input bounds checked while streaming, before a reader loads anything (see :mod:`assistant.limits`).

An XLSX/DOCX file is a zip of XML parts; a 700 KB workbook can unzip to 2M rows, a 500 MB cell or
thousands of repeated merged ranges. :func:`check_package` streams each part once through zlib
(about 0.3 s per 100 MB), counting actual bytes, rows, cells and merged ranges and the longest text
between two tags, and refuses the file at the first bound it crosses — before openpyxl or
python-docx parse a byte of it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import IngestError
from ..limits import Limits, current

_CHUNK = 1 << 20
# Tags may carry a namespace prefix (<x:row …>) depending on the writer.
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell[\s>/]")
_UTF8_BYTES_PER_CHAR = 3  # CJK text; a text run longer than this × the char bound is over it


@dataclass(slots=True)
class PackageCounts:
    """What the streaming scan saw (for messages and tests)."""

    bytes: int = 0
    rows: int = 0
    cells: int = 0
    merged: int = 0


def check_package(path: Path, *, limits: Limits | None = None) -> PackageCounts:
    """Stream every part of an Office zip package and refuse it at the first bound it crosses.

    Counts rows, cells and merged ranges in worksheet parts (``xl/worksheets/*.xml``) and refuses a
    text run (bytes between two tags) past the cell-length bound in every XML part. A file that is not a zip is left
    to the reader, which reports it in its own words.

    Raises:
        IngestError: naming the file, the bound and the environment variable that changes it.
    """
    limits = limits or current()
    counts = PackageCounts()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return counts
    with archive:
        declared = sum(info.file_size for info in archive.infolist())
        if declared > limits.max_uncompressed_bytes:
            _refuse(path, f"解压后 {declared / 2**20:.0f} MB", limits, "max_uncompressed_bytes")
        for info in archive.infolist():
            if info.is_dir() or not info.filename.endswith((".xml", ".rels")):
                continue
            sheet = info.filename.startswith("xl/worksheets/")
            _scan_part(path, archive, info, counts, limits, sheet=sheet)
    return counts


def _scan_part(
    path: Path,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    counts: PackageCounts,
    limits: Limits,
    *,
    sheet: bool,
) -> None:
    text_bytes = limits.max_cell_chars * _UTF8_BYTES_PER_CHAR
    merged_here = 0
    carry = b""  # the text after the last '<' of the previous chunk (a tag or text cut in two)
    try:
        with archive.open(info) as part:
            while chunk := part.read(_CHUNK):
                counts.bytes += len(chunk)
                if counts.bytes > limits.max_uncompressed_bytes:
                    _refuse(
                        path, f"解压后超过 {counts.bytes / 2**20:.0f} MB", limits, "max_uncompressed_bytes"
                    )
                data = carry + chunk
                cut = data.rfind(b"<")
                head, carry = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
                if len(carry) > text_bytes:
                    _refuse_text(path, info.filename, len(carry), limits)
                over = _run_over(head, text_bytes)
                if over:
                    _refuse_text(path, info.filename, over, limits)
                if not sheet:
                    continue
                counts.rows += len(_ROW.findall(head))
                counts.cells += len(_CELL.findall(head))
                merged = len(_MERGE.findall(head))
                merged_here += merged
                counts.merged += merged
                if counts.rows > limits.max_rows:
                    _refuse(path, f"超过 {counts.rows} 行", limits, "max_rows")
                if counts.cells > limits.max_cells:
                    _refuse(path, f"超过 {counts.cells} 个单元格", limits, "max_cells")
                if merged_here > limits.max_merged_ranges:
                    _refuse(
                        path,
                        f"工作表 {info.filename} 有超过 {merged_here} 个合并区域",
                        limits,
                        "max_merged_ranges",
                    )
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return  # a damaged or encrypted part: the reader reports it in its own words
    if sheet and carry:
        counts.rows += len(_ROW.findall(carry))
        counts.cells += len(_CELL.findall(carry))


def _run_over(data: bytes, limit: int) -> int:
    """The length of a run of bytes without ``<`` (a text and the tag before it) in ``data``
    longer than ``limit``, or 0.

    Such a run covers a whole block of ``limit // 2`` bytes, so only blocks without any ``<`` are
    measured: one ``find`` per block, no copy and no split per tag, linear in the size of ``data``.

    Example:
        >>> _run_over(b"<c>" + b"x" * 50 + b"</c><c>yy</c>", 40), _run_over(b"<c>" + b"x" * 30 + b"</c>", 40)
        (52, 0)
    """
    half = max(limit // 2, 1)
    for block in range(0, len(data), half):
        if data.find(b"<", block, block + half) != -1:
            continue
        start = data.rfind(b"<", 0, block) + 1
        end = data.find(b"<", block + half)
        size = (len(data) if end == -1 else end) - start
        if size > limit:
            return size
    return 0


def _refuse(path: Path, found: str, limits: Limits, bound: str) -> None:
    raise IngestError(
        path.name, f"文件内容过大：{found}，{limits.describe(bound)}；请拆分文件或只保留绩效目标表"
    )


def _refuse_text(path: Path, part: str, size: int, limits: Limits) -> None:
    raise IngestError(
        path.name,
        f"{part} 中有一段超过 {size // _UTF8_BYTES_PER_CHAR} 字的文本（单元格或段落），"
        f"{limits.describe('max_cell_chars')}；请删去或缩短这段文字",
    )


def check_grid_cell(file: str, text: str, where: str, limits: Limits) -> None:
    """Refuse one over-long cell of a table read without :func:`check_package` (CSV, HTML)."""
    if len(text) > limits.max_cell_chars:
        raise IngestError(
            file,
            f"{where} 的单元格有 {len(text)} 字，{limits.describe('max_cell_chars')}；请删去或缩短这段文字",
        )


def check_grid_size(
    file: str, rows: Sequence[Sequence[str]], refs: Sequence[str], limits: Limits | None = None
) -> None:
    """Refuse a table (any reader's grid) over the row, cell or cell-length bound, before the
    projects and indicators are built from it; ``refs`` name the rows (``第12行``, ``Sheet1!A12:E12``)."""
    limits = limits or current()
    if len(rows) > limits.max_rows:
        _refuse_table(file, f"{len(rows)} 行", limits, "max_rows")
    cells = 0
    for index, row in enumerate(rows, 1):
        cells += len(row)
        if row and max(map(len, row)) > limits.max_cell_chars:
            where = refs[index - 1] if index <= len(refs) else f"第 {index} 行"
            check_grid_cell(file, max(row, key=len), where, limits)
    if cells > limits.max_cells:
        _refuse_table(file, f"{cells} 个单元格", limits, "max_cells")


def _refuse_table(file: str, found: str, limits: Limits, bound: str) -> None:
    raise IngestError(file, f"表格过大：{found}，{limits.describe(bound)}；请拆分文件或只保留绩效目标表")
