"""PDF reader, on PDFs written here with reportlab.

The machine has no CJK font file, so the fixtures use reportlab's built-in ``STSong-Light`` CID font:
it is referenced, not embedded, and pdfminer maps its glyphs back to Unicode through the Adobe-GB1
CMap it ships, so the Chinese text round-trips exactly as in a real budget PDF.
"""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from assistant.documents import pdf_text, read_document
from assistant.documents.pdf_text import read_pdf
from assistant.errors import IngestError

reportlab = pytest.importorskip("reportlab")

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle  # noqa: E402

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
TEXT = ParagraphStyle("zh", fontName=FONT, fontSize=10, leading=14)


def ruled(rows: list[list[str]], *, repeat_header: bool = True, spans: tuple = ()) -> Table:
    style = [("FONTNAME", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -1), 0.5, "black")]
    style += [("SPAN", start, stop) for start, stop in spans]
    return Table(rows, repeatRows=1 if repeat_header else 0, style=TableStyle(style))


def build(path: Path, flowables: list) -> Path:
    SimpleDocTemplate(str(path), pagesize=A4).build(flowables)
    return path


HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]
LONG_ROWS = [["产出指标", "数量指标", f"培训班{i}", f"≥{i}人次"] for i in range(1, 56)]


def test_doctests() -> None:
    assert doctest.testmod(pdf_text).failed == 0


def test_table_across_pages_with_form_lines_above(tmp_path: Path) -> None:
    rows = [HEADER, *LONG_ROWS, ["满意度指标", "服务对象满意度指标", "学员满意度", "≥90%"]]
    path = build(
        tmp_path / "预算.pdf",
        [
            Paragraph("2023年度项目支出绩效目标表", TEXT),
            Paragraph("项目名称：党员教育培训经费", TEXT),
            Paragraph("年度资金总额：30万元", TEXT),
            ruled(rows, spans=(((0, 1), (0, 2)),)),
        ],
    )
    (project,) = read_pdf(path)
    assert (project.name, project.year, project.budget_wan) == ("党员教育培训经费", 2023, 30.0)
    assert len(project.indicators) == 56
    first, second = project.indicators[:2]
    assert (first.level1, first.level2, first.name, first.value) == (
        "产出指标",
        "数量指标",
        "培训班1",
        "≥1人次",
    )
    assert (second.level1, second.name) == ("产出指标", "培训班2")  # the merged slot pdfplumber leaves empty
    last = project.indicators[-1]
    assert (last.level1, last.name, last.value) == ("满意度指标", "学员满意度", "≥90%")
    assert first.location == "第1页 表1 行2" and last.location.startswith("第2页 表1")
    assert project.location == "第1页–第2页"


def test_continuation_without_repeated_header_and_a_second_project(tmp_path: Path) -> None:
    path = build(
        tmp_path / "两项目.pdf",
        [
            Paragraph("项目名称：甲项目", TEXT),
            ruled([HEADER, *LONG_ROWS], repeat_header=False),
            PageBreak(),
            Paragraph("项目名称：乙项目", TEXT),
            ruled([["三级指标", "指标值"], ["满意度", "≥90%"]]),
        ],
    )
    projects = read_document(path)
    assert [(p.name, len(p.indicators)) for p in projects] == [("甲项目", 55), ("乙项目", 1)]


def test_pdf_without_table_is_refused(tmp_path: Path) -> None:
    path = build(tmp_path / "通知.pdf", [Paragraph("关于开展绩效自评工作的通知", TEXT)])
    with pytest.raises(IngestError, match="没有可识别的绩效指标表"):
        read_pdf(path)


def test_pdf_without_text_is_refused_as_a_scan(tmp_path: Path) -> None:
    path = build(tmp_path / "扫描.pdf", [ruled([[""]])])
    with pytest.raises(IngestError, match="扫描件"):
        read_pdf(path)


@pytest.mark.parametrize("content", [b"random bytes" * 30, b"%PDF-1.4\n%broken\n" + b"\x00\xff" * 100])
def test_corrupt_pdf_raises_ingest_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "坏.pdf"
    path.write_bytes(content)
    with pytest.raises(IngestError) as raised:
        read_pdf(path)
    assert raised.value.file == "坏.pdf" and "\n" not in str(raised.value)
