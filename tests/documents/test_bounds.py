"""Bounded input: bombs are refused while streaming, fast, with one line naming the file and the bound."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from assistant.documents import read_document
from assistant.errors import IngestError
from tests.reliability.bombs import cell_bomb, merge_bomb, rows_bomb, write_xlsx

BOMBS = [
    # (builder, argument, zipped size under, message, seconds): 2M rows must go in ≤ 5 s (issue #9)
    (
        rows_bomb,
        2_000_000,
        8 * 2**20,
        r"rows_bomb.xlsx: .*超过 \d+ 行，上限 1000000 行.*ASSISTANT_MAX_ROWS",
        5.0,
    ),
    (cell_bomb, 2_000_000, 50_000, r"cell_bomb.xlsx: .*上限 32767 字.*ASSISTANT_MAX_CELL_CHARS", 2.0),
    (merge_bomb, 200_000, 50_000, r"merge_bomb.xlsx: .*合并区域.*ASSISTANT_MAX_MERGED_RANGES", 2.0),
]


@pytest.mark.parametrize(("build", "size", "zipped", "message", "seconds"), BOMBS)
def test_a_small_bomb_is_refused_fast_before_loading(
    tmp_path: Path, build, size, zipped, message, seconds
) -> None:
    path = build(tmp_path / f"{build.__name__}.xlsx", size)
    assert path.stat().st_size < zipped
    started = time.perf_counter()
    with pytest.raises(IngestError, match=message):
        read_document(path)
    assert time.perf_counter() - started < seconds


def test_bounds_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = rows_bomb(tmp_path / "small.xlsx", 50)
    monkeypatch.setenv("ASSISTANT_MAX_ROWS", "10")
    with pytest.raises(IngestError, match="上限 10 行"):
        read_document(small)
    monkeypatch.setenv("ASSISTANT_MAX_UNCOMPRESSED_BYTES", "1000")
    with pytest.raises(IngestError, match="解压后.*ASSISTANT_MAX_UNCOMPRESSED_BYTES"):
        read_document(small)


def test_repeated_merges_under_the_bound_are_filled_once(tmp_path: Path, monkeypatch) -> None:
    path = merge_bomb(tmp_path / "merge.xlsx", 5_000)
    started = time.perf_counter()
    projects = read_document(path)
    assert time.perf_counter() - started < 5.0
    assert [i.name for i in projects[0].indicators] == ["培训人次"]


def test_csv_rows_and_cells_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.csv"
    path.write_text("三级指标,指标值\n" + "培训人次,≥1人次\n" * 30, encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_MAX_ROWS", "20")
    with pytest.raises(IngestError, match=r"t.csv: 文件内容过大（读到第21行），上限 20 行"):
        read_document(path)
    monkeypatch.delenv("ASSISTANT_MAX_ROWS")
    monkeypatch.setenv("ASSISTANT_MAX_CELL_CHARS", "100")
    path.write_text("三级指标,指标值\n培训人次," + "长" * 500 + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"t.csv: 第2行 的单元格有 500 字，上限 100 字"):
        read_document(path)


def test_xml_entities_are_not_expanded(tmp_path: Path) -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True  # openpyxl parses through defusedxml
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{"&lol;" * 10 if i == 1 else f"&lol{i - 1};" * 10}">' for i in range(1, 10)
        )
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    path = write_xlsx(tmp_path / "laughs.xlsx", [laughs])
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size < 2000
    started = time.perf_counter()
    with pytest.raises(IngestError, match="laughs.xlsx"):
        read_document(path)
    assert time.perf_counter() - started < 5.0


def test_every_readers_table_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = "".join(f"<tr><td>培训人次{i}</td><td>≥{i}人次</td></tr>" for i in range(30))
    path = tmp_path / "t.html"
    path.write_text(f"<table><tr><th>三级指标</th><th>指标值</th></tr>{rows}</table>", encoding="utf-8")
    assert read_document(path)
    monkeypatch.setenv("ASSISTANT_MAX_ROWS", "10")
    with pytest.raises(IngestError, match=r"t.html: 表格过大：31 行，上限 10 行"):
        read_document(path)
    monkeypatch.setenv("ASSISTANT_MAX_ROWS", "1000")
    monkeypatch.setenv("ASSISTANT_MAX_CELLS", "20")
    with pytest.raises(IngestError, match=r"t.html: 表格过大：62 个单元格，上限 20 个单元格"):
        read_document(path)


def test_a_docx_is_streamed_through_the_same_bounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("长" * 40_000)
    path = tmp_path / "长文.docx"
    document.save(str(path))
    with pytest.raises(
        IngestError, match=r"长文.docx: word/document.xml 中有一段超过 \d+ 字的文本.*上限 32767 字"
    ):
        read_document(path)


def test_an_xls_is_held_to_the_same_bounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An .xls is not a zip package: its sheets' grids are bounded (rows, cells, merged ranges)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    page = book.add_sheet("表")
    page.write(0, 0, "三级指标")
    page.write(0, 1, "指标值")
    for row in range(1, 31):
        page.write(row, 0, f"培训人次{row}")
        page.write(row, 1, f"≥{row}人次")
    for row in range(1, 4):
        page.merge(row, row, 2, 3)
    path = tmp_path / "旧表.xls"
    book.save(str(path))
    assert read_document(path)
    monkeypatch.setenv("ASSISTANT_MAX_ROWS", "10")
    with pytest.raises(IngestError, match=r"旧表.xls: .*上限 10 行.*ASSISTANT_MAX_ROWS"):
        read_document(path)
    monkeypatch.delenv("ASSISTANT_MAX_ROWS")
    monkeypatch.setenv("ASSISTANT_MAX_MERGED_RANGES", "2")
    with pytest.raises(IngestError, match=r"旧表.xls.*合并区域过多.*ASSISTANT_MAX_MERGED_RANGES"):
        read_document(path)


@pytest.mark.parametrize("chars", [9_000, 11_000])
def test_the_text_bound_is_exact_at_any_place_in_a_chunk(tmp_path: Path, chars: int) -> None:
    from assistant.documents.bounds import check_package
    from assistant.limits import Limits

    limits = Limits(max_cell_chars=10_000)  # 30,000 bytes of CJK text; chunks are 1 MB
    filler = '<row r="3"><c r="A3"><v>1</v></c></row>' * 20_000  # the long run lands mid-chunk
    path = write_xlsx(
        tmp_path / "t.xlsx",
        ["<worksheet><sheetData>", filler, "<t>" + "长" * chars + "</t>", "</sheetData></worksheet>"],
    )
    if chars * 3 > 30_000:
        with pytest.raises(IngestError, match=r"超过 1100\d 字的文本.*上限 10000 字"):
            check_package(path, limits=limits)
    else:
        assert check_package(path, limits=limits).rows == 20_000
