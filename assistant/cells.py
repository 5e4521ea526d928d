"""Spreadsheet cells that can never run: the OWASP CSV-injection rule, in one place for every writer.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
WPS or LibreOffice as a formula (``=HYPERLINK(...)``, ``=cmd|...``), also when a project or indicator
name comes from an uploaded file. Every report and export writes its text cells through this module:

- CSV: such a cell gets a leading apostrophe (``'=1+1``), which spreadsheets show as text;
- XLSX: every text cell is stored as a string (never a formula) and such a cell also gets Excel's
  own "quote prefix" mark, so it stays text even when someone edits it; the stored value is the
  original text, so an exported 申报表 reads back unchanged.

Example:
    >>> csv_cell("=1+1"), csv_cell("-5%"), csv_cell("≥95%"), csv_cell(3)
    ("'=1+1", "'-5%", '≥95%', 3)
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: object) -> bool:
    """Whether a spreadsheet would read ``value`` as the start of a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """``value`` made safe for a CSV cell (non-text values are returned as they are)."""
    return "'" + value if formula_like(value) else value


def secure_xlsx_cell(cell: Any) -> Any:
    """Make an openpyxl cell (normal or write-only) safe in place and return it."""
    if isinstance(cell.value, str):
        cell.data_type = "s"  # never a formula, even for "=100%"
        if formula_like(cell.value):
            cell.quotePrefix = True
    return cell


def secure_worksheet(ws: Any) -> None:
    """:func:`secure_xlsx_cell` over every cell of a (normal) worksheet."""
    for row in ws.iter_rows():
        for cell in row:
            secure_xlsx_cell(cell)
