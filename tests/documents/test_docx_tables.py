"""DOCX reader, on documents written here with python-docx."""

from __future__ import annotations

import warnings
from pathlib import Path

import docx
import pytest

from assistant.documents import read_document
from assistant.documents.docx_tables import read_docx
from assistant.errors import IngestError, IngestWarning


def fill(table, rows: list[list[str]], merges: list[tuple[int, int, int, int]]) -> None:
    """Merge first (a merged cell keeps one text, as in a real form), then write each cell once."""
    for r0, c0, r1, c1 in merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    written = set()  # the <w:tc> elements already written (kept alive, so identity is stable)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            if text and cell._tc not in written:
                cell.text = text
                written.add(cell._tc)


@pytest.fixture()
def declaration(tmp_path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("2023年度项目支出绩效目标表")
    document.add_paragraph("项目名称：党员教育培训经费")
    rows = [
        ["主管部门", "区委组织部", "", "实施单位", "区委党校"],
        ["年度资金总额（元）", "300000", "", "", ""],
        ["年度总体目标", "全年培训党员100人次以上", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"],
        ["产出指标", "数量指标", "培训人次", "≥100人次", "全年培训"],
        ["", "质量指标", "考核合格率", "≥95%", ""],
        ["效益指标", "社会效益指标", "不适用", "不适用", ""],
        ["满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", ""],
    ]
    table = document.add_table(rows=len(rows), cols=5)
    fill(table, rows, [(0, 1, 0, 2), (1, 1, 1, 4), (2, 1, 2, 4), (4, 0, 5, 0)])
    document.add_paragraph("注：以上指标值为年度目标。")
    path = tmp_path / "申报表.docx"
    document.save(path)
    return path


def test_declaration_table_with_paragraph_form(declaration: Path) -> None:
    (project,) = read_docx(declaration)
    assert (project.name, project.department, project.year, project.budget_wan, project.goal) == (
        "党员教育培训经费",
        "区委组织部",
        2023,
        30.0,
        "全年培训党员100人次以上",
    )
    assert [(i.level1, i.level2, i.name, i.value) for i in project.indicators] == [
        ("产出指标", "数量指标", "培训人次", "≥100人次"),
        ("产出指标", "质量指标", "考核合格率", "≥95%"),  # vertically merged 一级 cell
        ("效益指标", "社会效益指标", "不适用", "不适用"),
        ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%"),
    ]
    assert [i.location for i in project.indicators][:2] == ["表1 行5", "表1 行6"]
    assert project.location == "第1段–表1"
    assert project.source == "申报表.docx"


def test_two_header_tables_without_names_become_two_projects(tmp_path: Path) -> None:
    document = docx.Document()
    for rows in (
        [["三级指标", "指标值"], ["人数", "3人"]],
        [["指标名称", "目标值", "指标说明"], ["场次", "2场", "全年"]],
    ):
        fill(document.add_table(rows=2, cols=len(rows[0])), rows, [])
        document.add_paragraph("")
    path = tmp_path / "两表.docx"
    document.save(path)
    projects = read_document(path)
    assert [(p.name, [i.name for i in p.indicators], p.location) for p in projects] == [
        ("两表", ["人数"], "表1"),
        ("两表（2）", ["场次"], "表2"),
    ]


def test_docx_without_indicator_table_is_refused(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("会议纪要")
    fill(document.add_table(rows=1, cols=2), [["姓名", "职务"]], [])
    path = tmp_path / "纪要.docx"
    document.save(path)
    with pytest.raises(IngestError, match="没有可识别的绩效指标表"):
        read_docx(path)


@pytest.mark.parametrize("content", [b"random bytes" * 20, b"PK\x03\x04" + b"\x00" * 200])
def test_corrupt_docx_raises_ingest_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "坏.docx"
    path.write_bytes(content)
    with pytest.raises(IngestError, match="无法作为 Word 文档打开") as raised:
        read_docx(path)
    assert raised.value.file == "坏.docx"


def test_empty_declaration_table_is_kept_and_reported(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("项目名称：空项目")
    fill(document.add_table(rows=2, cols=2), [["三级指标", "指标值"], ["", ""]], [])
    path = tmp_path / "空.docx"
    document.save(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (project,) = read_docx(path)
    assert (project.name, project.indicators) == ("空项目", ())
    assert [type(w.message) for w in caught] == [IngestWarning]
