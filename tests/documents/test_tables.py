"""CSV/TSV reader and the shared header-table / grid logic it runs on."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.documents import grid, header_table, tables
from assistant.documents.grid import Grid, grid_to_projects
from assistant.documents.header_table import header_role, match_header
from assistant.documents.tables import read_delimited, sniff_delimiter
from assistant.errors import IngestError, IngestWarning


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def rows_of(project) -> list[tuple[str, str, str, str]]:
    return [(i.level1, i.level2, i.name, i.value) for i in project.indicators]


@pytest.mark.parametrize("module", [grid, header_table, tables])
def test_doctests(module) -> None:
    assert doctest.testmod(module).failed == 0


def test_csv_rows_grouped_by_project_with_inherited_levels(tmp_path: Path) -> None:
    path = write(
        tmp_path / "指标.csv",
        "项目名称,部门,一级指标,二级指标,三级指标,指标值,资金（万元）\n"
        "培训项目,组织部,产出指标,数量指标,培训人次,≥100人次,12.5\n"
        ",,,质量指标,合格率,≥95%,\n"
        "宣传项目,宣传部,产出指标,数量指标,宣传册,5000册,8\n"
        "宣传项目,,满意度指标,,满意度,≥90%,\n",
    )
    projects = read_delimited(path)
    assert [(p.name, p.department, p.budget_wan, p.location) for p in projects] == [
        ("培训项目", "组织部", 12.5, "第2-3行"),
        ("宣传项目", "宣传部", 8.0, "第4-5行"),
    ]
    assert rows_of(projects[0]) == [
        ("产出指标", "数量指标", "培训人次", "≥100人次"),
        ("产出指标", "质量指标", "合格率", "≥95%"),  # blank 一级 inherited from the row above
    ]
    # a new 一级 label starts a new block: its blank 二级 is not carried over from 数量指标
    assert rows_of(projects[1])[1] == ("满意度指标", "", "满意度", "≥90%")
    assert [i.location for i in projects[1].indicators] == ["第4行", "第5行"]
    assert all(p.source == "指标.csv" for p in projects)


def test_csv_without_project_column_is_one_project_named_after_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "社区活动.csv", "\ufeff三级指标,指标值\n活动场次,4场\n参与人数,≥200人次\n")
    (project,) = read_delimited(path)
    assert project.name == "社区活动"
    assert [(i.name, i.value) for i in project.indicators] == [("活动场次", "4场"), ("参与人数", "≥200人次")]


def test_tsv_with_header_synonyms_and_period_values(tmp_path: Path) -> None:
    path = write(
        tmp_path / "b.tsv",
        "一级指标\t二级指标\t三级指标名称\t指标值(年度)\t实施周期指标值\t指标解释\n"
        "产出指标\t时效指标\t完成时间\t2023年12月底前\t2025年底\t按期完成\n",
    )
    (indicator,) = read_delimited(path)[0].indicators
    assert (indicator.value, indicator.period_value, indicator.explain) == (
        "2023年12月底前",
        "2025年底",
        "按期完成",
    )
    assert indicator.parsed.kind == "deadline"


def test_symbol_value_unit_columns_are_joined(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "三级指标,符号,指标值,计量单位\n合格率,≥,95,%\n工作效果,定性,良好,\n")
    assert [i.value for i in read_delimited(path)[0].indicators] == ["≥95%", "良好"]


def test_semicolon_delimiter_and_quoted_multiline_cell(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", '三级指标;指标值\n"培训\n人次";≥100人次\n合格率;≥95%\n')
    indicators = read_delimited(path)[0].indicators
    assert [(i.name, i.location) for i in indicators] == [("培训\n人次", "第2行"), ("合格率", "第4行")]


def test_not_applicable_rows_are_kept_and_blank_rows_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path / "e.csv", "二级指标,三级指标,指标值\n经济效益指标,不适用,不适用\n生态效益指标,,\n,,\n"
    )
    assert rows_of(read_delimited(path)[0]) == [("效益指标", "经济效益指标", "不适用", "不适用")]


TABLE = (
    "项目名称,部门,一级指标,二级指标,三级指标,指标值\r\n"
    "培训项目,组织部,产出指标,数量指标,培训人次,≥100人次\r\n"
    "培训项目,组织部,产出指标,质量指标,合格率,≥95%\r\n"
)


@pytest.mark.parametrize(
    ("encoding", "label"),
    [
        ("gbk", "GB18030/GBK"),
        ("gb18030", "GB18030/GBK"),
        ("utf-16", "UTF-16"),  # with BOM (Excel's “Unicode text”)
        ("utf-16-le", "UTF-16"),
        ("utf-16-be", "UTF-16"),
    ],
)
def test_gbk_and_utf16_csv_are_read_like_utf8_and_the_encoding_is_said(
    tmp_path: Path, encoding: str, label: str
) -> None:
    reference = read_delimited(write(tmp_path / "utf8.csv", TABLE))
    with pytest.warns(IngestWarning, match=label):
        projects = read_delimited(write(tmp_path / "other.csv", TABLE, encoding))
    assert [rows_of(p) for p in projects] == [rows_of(p) for p in reference]
    assert [i.location for i in projects[0].indicators] == ["第2行", "第3行"]


def test_latin1_and_binary_csv_are_refused_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="UTF-8"):
        read_delimited(write(tmp_path / "a.csv", "name,value\ncafé,1\n", "latin-1"))
    path = tmp_path / "b.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(IngestError, match="二进制"):
        read_delimited(path)


def test_missing_columns_are_listed(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", "名称,数值,备注\n人数,3,\n")
    with pytest.raises(IngestError) as raised:
        read_delimited(path)
    assert (
        raised.value.reason
        == "缺少指标列：需要 三级指标（或 指标名称）和 指标值（或 目标值）；找到的列：“名称”、“数值”、“备注”"
    )


def test_header_without_rows_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="表头下没有指标行"):
        read_delimited(write(tmp_path / "g.csv", "三级指标,指标值\n"))


def test_sniff_delimiter() -> None:
    assert sniff_delimiter("三级指标|指标值\n人数|3人\n") == "|"
    assert sniff_delimiter("a,b\n", ".tsv") == "\t"
    assert sniff_delimiter("三级指标,指标值\t备注\n人数,3人\t\n") == ","


@pytest.mark.parametrize(
    ("cell", "role"),
    [
        ("三级指标", "name"),
        ("指标名称", "name"),
        ("三级指标（必填）", "name"),
        ("指标值", "value"),
        ("目标值", "value"),
        ("年度指标值", "value"),
        ("指标值（2023年）", "value"),
        ("中长期指标值", "period_value"),
        ("指标值（实施周期）", "period_value"),
        ("绩效指标描述", "explain"),
        ("计量单位", "unit"),
        ("项目名称", "project"),
        ("审核对象", None),
    ],
)
def test_header_role(cell: str, role: str | None) -> None:
    assert header_role(cell)[0] == role


def test_sub_header_under_a_spanning_value_header() -> None:
    cells = (
        ("三级指标", "指标值", "指标值"),
        ("三级指标", "年度", "中长期"),
        ("培训人次", "≥100人次", "≥300人次"),
    )
    result = grid_to_projects(_grid(cells), source="s", fallback_name="项目")
    (indicator,) = result.projects[0].indicators
    assert (indicator.value, indicator.period_value) == ("≥100人次", "≥300人次")


def test_repeated_header_continues_and_form_label_starts_a_new_project() -> None:
    cells = (
        ("项目名称：甲项目",),
        ("三级指标", "指标值"),
        ("人数", "3人"),
        ("三级指标", "指标值"),  # page break: same table goes on
        ("场次", "2场"),
        ("项目名称", "乙项目"),
        ("三级指标", "指标值"),
        ("满意度", "≥90%"),
    )
    projects = grid_to_projects(_grid(cells, text_rows={0}), source="s", fallback_name="x").projects
    assert [(p.name, [i.name for i in p.indicators]) for p in projects] == [
        ("甲项目", ["人数", "场次"]),
        ("乙项目", ["满意度"]),
    ]
    assert projects[0].location == "r0–r4" and projects[1].location == "r5–r7"


def test_note_row_ends_the_table() -> None:
    cells = (("三级指标", "指标值"), ("人数", "3人"), ("备注：以上为预计数", ""), ("附表", "2"))
    (project,) = grid_to_projects(_grid(cells), source="s", fallback_name="x").projects
    assert [i.name for i in project.indicators] == ["人数"]


def test_grid_without_header_is_reported() -> None:
    result = grid_to_projects(_grid((("编码", "规则"), ("1", "三级指标"))), source="s", fallback_name="x")
    assert (result.found_header, result.projects) == (False, [])


def test_match_header_needs_both_name_and_value() -> None:
    assert match_header(["三级指标", "指标解释"]) is None
    assert match_header(["指标名称", "指标值"]).columns == {"name": 0, "value": 1}


def _grid(cells: tuple[tuple[str, ...], ...], text_rows: set[int] = frozenset()) -> Grid:
    refs = tuple(f"r{index}" for index in range(len(cells)))
    return Grid(cells, refs, lambda a, b: refs[a] if a == b else f"{refs[a]}–{refs[b]}", frozenset(text_rows))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(alphabet='三级指标值,\t;|\n"人数≥9%不适用 ', max_size=120))
def test_any_input_is_read_or_refused_with_ingest_error(tmp_path: Path, content: bytes | str) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    try:
        projects = read_delimited(path)
    except IngestError as error:
        assert error.file == "fuzz.csv" and "\n" not in error.reason
    else:
        assert projects and all(p.indicators for p in projects)
