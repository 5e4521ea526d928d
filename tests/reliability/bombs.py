"""Hostile but small inputs for the reliability checks (tests and ``scripts/chaos.py``).

Each writer makes a real, minimal XLSX package (the parts openpyxl needs) whose zipped size is
small and whose unzipped content is not: millions of rows, one huge cell, thousands of repeated
merged ranges. Parts are written in streamed chunks, so building a bomb never holds it in memory.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>三级指标</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>指标值</t></is></c></row>'
)


def _text(value: str) -> str:
    return f'<c r="A2" t="inlineStr"><is><t>{value}</t></is></c>'


def write_xlsx(path: Path, sheet_parts: Iterable[str]) -> Path:
    """A minimal one-sheet workbook whose sheet XML is ``sheet_parts`` joined (streamed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            buffer: list[str] = []
            size = 0
            for piece in sheet_parts:
                buffer.append(piece)
                size += len(piece)
                if size > 1 << 20:
                    part.write("".join(buffer).encode("utf-8"))
                    buffer, size = [], 0
            part.write("".join(buffer).encode("utf-8"))
    return path


def rows_bomb(path: Path, rows: int = 2_000_000) -> Path:
    """A header and ``rows`` empty numbered rows (2M rows zip to about 5 MB)."""

    def parts() -> Iterator[str]:
        yield _SHEET_OPEN + _HEADER_ROW
        for index in range(2, rows + 2):
            yield f'<row r="{index}"/>'
        yield "</sheetData></worksheet>"

    return write_xlsx(path, parts())


def cell_bomb(path: Path, chars: int = 1_000_000) -> Path:
    """One indicator row whose 三级指标 cell holds ``chars`` characters."""

    def parts() -> Iterator[str]:
        yield _SHEET_OPEN + _HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>'
        block = "长" * 100_000
        for _ in range(chars // len(block)):
            yield block
        yield "长" * (chars % len(block))
        yield "</t></is></c></row></sheetData></worksheet>"

    return write_xlsx(path, parts())


def merge_bomb(path: Path, ranges: int = 200_000) -> Path:
    """A small table followed by ``ranges`` copies of one large merged range."""

    def parts() -> Iterator[str]:
        yield _SHEET_OPEN + _HEADER_ROW
        yield '<row r="2">' + _text("培训人次") + "</row></sheetData>"
        yield f'<mergeCells count="{ranges}">'
        for _ in range(ranges):
            yield '<mergeCell ref="A2:Z5000"/>'
        yield "</mergeCells></worksheet>"

    return write_xlsx(path, parts())
