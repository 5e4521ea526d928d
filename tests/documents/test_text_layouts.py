"""The seed text layouts: every project and row against the hand-checked expectation, plus synthetic cases.

tests/data/seed_expectations.json was written by reading the documents line by line, not by dumping
the parser's output; these tests hold the reader to it row by row and in document order.
"""

from __future__ import annotations

import doctest
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.documents import read_document, text_layouts
from assistant.documents.layouts import cell_lines, common, inline_list, symbol_columns, tab_table
from assistant.documents.text_layouts import decode_text, parse_text, read_text_document, sniff_layout
from assistant.errors import IngestError
from assistant.records.levels import LEVEL1, LEVEL2
from assistant.records.schema import Project

EXPECTATIONS = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "seed_expectations.json").read_text(encoding="utf-8")
)["documents"]
BY_PREFIX = {doc["file"][:3]: doc for doc in EXPECTATIONS}
_LOCATION = re.compile(r"^行 (\d+)(?:-(\d+))?$")


def _read_seed(seeds_dir: Path, prefix: str) -> list[Project]:
    return read_text_document(seeds_dir / BY_PREFIX[prefix]["file"])


def _rows(project: Project, with_period: bool) -> list[list[str | None]]:
    return [
        [i.level1, i.level2, i.name, i.value] + ([i.period_value] if with_period else [])
        for i in project.indicators
    ]


# -- the seeds against the expectation ----------------------------------------------------------------


def test_expectation_counts_are_consistent() -> None:
    assert [doc["file"][:3] for doc in EXPECTATIONS] == ["000", "001", "002", "003", "004"]
    for doc in EXPECTATIONS:
        assert doc["project_count"] == len(doc["projects"])
        assert doc["row_count"] == sum(len(p["rows"]) for p in doc["projects"])
    assert [doc["row_count"] for doc in EXPECTATIONS] == [57, 81, 175, 59, 41]


@pytest.mark.parametrize("document", EXPECTATIONS, ids=lambda d: d["file"][:3])
def test_seed_rows_match_expectation_in_order(seeds_dir: Path, document: dict) -> None:
    projects = read_text_document(seeds_dir / document["file"])
    assert [p.name for p in projects] == [p["name"] for p in document["projects"]]
    for project, expected in zip(projects, document["projects"], strict=True):
        with_period = len(expected["rows"][0]) == 5
        assert _rows(project, with_period) == expected["rows"], project.name


@pytest.mark.parametrize("document", EXPECTATIONS, ids=lambda d: d["file"][:3])
def test_seed_project_fields_match_expectation(seeds_dir: Path, document: dict) -> None:
    projects = read_text_document(seeds_dir / document["file"])
    found = [(p.code, p.department, p.year, p.budget_wan) for p in projects]
    expected = [(p["code"], p["department"], p["year"], p["budget_wan"]) for p in document["projects"]]
    assert found == expected


@pytest.mark.parametrize("document", EXPECTATIONS, ids=lambda d: d["file"][:3])
def test_layout_is_sniffed_from_content(seeds_dir: Path, document: dict) -> None:
    text = (seeds_dir / document["file"]).read_text(encoding="utf-8")
    assert sniff_layout(text) == document["layout"]


def test_renamed_copy_reads_the_same(seeds_dir: Path, tmp_path: Path) -> None:
    for prefix in ("000", "001", "003", "004"):
        copy = tmp_path / f"用户文件_{prefix}.txt"
        shutil.copyfile(seeds_dir / BY_PREFIX[prefix]["file"], copy)
        original = _read_seed(seeds_dir, prefix)
        renamed = read_text_document(copy)
        assert [p.indicators for p in renamed] == [p.indicators for p in original]
        assert {p.source for p in renamed} == {copy.name}


def test_labels_are_canonical(seeds_dir: Path) -> None:
    for doc in EXPECTATIONS:
        for project in read_text_document(seeds_dir / doc["file"]):
            for indicator in project.indicators:
                assert indicator.level1 in LEVEL1, (doc["file"], indicator)
                assert indicator.level2 in LEVEL2, (doc["file"], indicator)


def test_provenance_points_at_the_printed_row(seeds_dir: Path) -> None:
    for doc in EXPECTATIONS:
        path = seeds_dir / doc["file"]
        lines = path.read_text(encoding="utf-8").split("\n")
        for project in read_text_document(path):
            assert project.source == doc["file"]
            span = _LOCATION.match(project.location)
            assert span, project.location
            first, last = int(span.group(1)), int(span.group(2) or span.group(1))
            assert (
                "项目名称" in lines[first - 1]
                or project.name in lines[first - 1]
                or "项目编码" in lines[first - 1]
            )
            for indicator in project.indicators:
                row = _LOCATION.match(indicator.location)
                assert row and row.group(2) is None, indicator.location
                number = int(row.group(1))
                assert first <= number <= last
                printed = re.sub(r"\s+", " ", lines[number - 1])
                probe = indicator.name or indicator.value
                assert probe in printed, (doc["file"], number, probe)


def test_budgets_are_in_wan(seeds_dir: Path) -> None:
    # 002 prints 项目资金 (元): 200000 元 → 20 万元; 7300000 元 → 730 万元.
    yuan = _read_seed(seeds_dir, "002")
    assert yuan[0].budget_wan == 20.0
    assert max(p.budget_wan or 0 for p in yuan) == 730.0
    assert [p.budget_wan for p in _read_seed(seeds_dir, "000")] == [69, 100, 10, 15]
    assert _read_seed(seeds_dir, "001")[6].budget_wan == 0.19
    assert all(p.budget_wan is None for p in _read_seed(seeds_dir, "003"))  # the document prints no budget


def test_goals_are_read_without_captions_or_markup(seeds_dir: Path) -> None:
    for doc in EXPECTATIONS:
        for project in read_text_document(seeds_dir / doc["file"]):
            assert project.goal, (doc["file"], project.name)
            assert "心体目标" not in project.goal and "<p" not in project.goal
    vertical = _read_seed(seeds_dir, "000")[1]
    assert vertical.goal is not None and vertical.goal.startswith("按照市委统一部署")
    assert vertical.goal.endswith("全面提升我县党建工作总体水平。")


# -- hard cases inside the seeds ------------------------------------------------------------------------


def test_rows_above_a_centred_label_take_it(seeds_dir: Path) -> None:
    # 000, 行 80-83: two rows print no label; the merged 产出指标/数量指标 label is printed on the third.
    project = _read_seed(seeds_dir, "000")[2]
    first = project.indicators[:3]
    assert [(i.location, i.level1, i.level2) for i in first] == [
        ("行 80", "产出指标", "数量指标"),
        ("行 81", "产出指标", "数量指标"),
        ("行 83", "产出指标", "数量指标"),
    ]


def test_merged_cells_and_family_switch(seeds_dir: Path) -> None:
    # 000 行 21: a cost row with no labels; 行 61: 社会效益指标 printed without 效益指标.
    projects = _read_seed(seeds_dir, "000")
    by_line = {i.location: i for p in projects for i in p.indicators}
    assert (by_line["行 21"].level1, by_line["行 21"].level2) == ("产出指标", "成本指标")
    assert (by_line["行 61"].level1, by_line["行 61"].level2) == ("效益指标", "社会效益指标")
    # 002 社区为民服务资金 never prints 效益指标 either.
    community = next(p for p in _read_seed(seeds_dir, "002") if p.name == "社区为民服务资金")
    assert {i.level1 for i in community.indicators if i.level2 == "社会效益指标"} == {"效益指标"}


def test_split_labels_are_joined(seeds_dir: Path) -> None:
    projects = {p.name: p for p in _read_seed(seeds_dir, "002")}
    # "产出指" / "标" and "数量指标（必填硬性指" / "标)": the second row stays under 数量指标.
    second = projects["党群服务及村干部学历提升补助"].indicators[1]
    assert (second.level1, second.level2, second.name) == ("产出指标", "数量指标", "村干部学历提升")
    # "满意度" / "指标" and "服务对象满意度指标（必" / "填)".
    last = projects["农村党员教育培训及农村基层党建专项经费"].indicators[-1]
    assert (last.level1, last.level2, last.name) == ("满意度指标", "服务对象满意度指标", "基层党组织服务对象")
    # A row holding only the fragments adds nothing.
    assert len(projects["社区党务工作者津贴"].indicators) == 12


def test_doubled_values_are_kept_as_printed(seeds_dir: Path) -> None:
    values = {i.value for p in _read_seed(seeds_dir, "001") for i in p.indicators}
    assert {"≥9090%及以上", "≥100100%", "100等于100%"} <= values
    levels = {i.level1 for p in _read_seed(seeds_dir, "001") for i in p.indicators}
    assert "效果指标" not in levels and "效益指标" in levels


def test_symbol_columns_build_value_and_explain(seeds_dir: Path) -> None:
    first = _read_seed(seeds_dir, "003")[0]
    cost = first.indicators[3]
    assert (cost.name, cost.value, cost.explain) == ("项目或定额成本控制率", "=100%", "项目或定额成本控制率")
    assert first.indicators[4].value == "≤2.73万元"
    assert first.indicators[0].explain is not None and first.indicators[0].explain.startswith("按照机关党员")


def test_inline_items_fill_period_value(seeds_dir: Path) -> None:
    first = _read_seed(seeds_dir, "004")[0].indicators[3]
    assert (first.value, first.period_value) == ("有所改善", "困难党员 生活改善")
    assert "ZXRCBT" not in {p.name for p in _read_seed(seeds_dir, "004")}


# -- synthetic documents: the same layouts in a user's file -----------------------------------------------

INLINE_DOC = """部门名称：某区委组织部
单位：万元
项目名称（资金使用单位）\t总计\t财政拨款\t绩效目标\t绩效指标
合计\t12.50\t12.50\t\t
党员培训经费\t12.50\t12.50\t培训党员。\t1、1-产出指标；11-数量指标；培训人次；实施周期指标值：≥300人次；年度指标值：≥100人次。2、3-满意度指标；31-服务对象满意度；参训满意度；实施周期指标值:≥90%；年度指标值:≥95%。
"""

TAB_DOC = """部门项目支出预算绩效目标表
(2023 年度)
项目名称\t\t示范项目
主管部门及代码\t\t【001】某县委组织部\t实施单位\t某县委组织部
项目资金 (元)\t年度资金总额：\t\t150000\t
年度总体目标\t\t完成示范点建设。
名称\t一级指标\t二级指标\t三级指标\t指标值
绩效指标\t产出指\t数量指标（必填硬性指\t示范点\t3 个

\t标\t标)\t培训班\t2 期
\t\t时效指标（必填）\t完成时间\t2023 年底
\t\t成本指标（必填硬性指标）\t\t
\t\t\t示范点建设\t5 万元/个
效
益
指
标
\t\t社会效益指标（必填）\t群众知晓率\t≥90%
满意度指标\t服务对象满意度指标\t群众满意度\t≥95%
"""


def test_synthetic_inline_document(tmp_path: Path) -> None:
    path = tmp_path / "清单.txt"
    path.write_text(INLINE_DOC, encoding="utf-8")
    assert sniff_layout(INLINE_DOC) == "inline_list"
    [project] = read_text_document(path)
    assert (project.name, project.budget_wan, project.department, project.goal) == (
        "党员培训经费",
        12.5,
        "某区委组织部",
        "培训党员。",
    )
    assert [(i.level1, i.level2, i.name, i.value, i.period_value) for i in project.indicators] == [
        ("产出指标", "数量指标", "培训人次", "≥100人次", "≥300人次"),
        ("满意度指标", "服务对象满意度指标", "参训满意度", "≥95%", "≥90%"),
    ]
    assert project.location == "行 5" and project.indicators[1].location == "行 5"


def test_synthetic_tab_document_with_hard_cases(tmp_path: Path) -> None:
    path = tmp_path / "申报表.txt"
    path.write_text(TAB_DOC, encoding="utf-8")
    assert sniff_layout(TAB_DOC) == "tab_table"
    [project] = read_text_document(path)
    assert (project.name, project.year, project.budget_wan, project.department, project.goal) == (
        "示范项目",
        2023,
        15.0,
        "某县委组织部",
        "完成示范点建设。",
    )
    assert [(i.level1, i.level2, i.name, i.value, i.location) for i in project.indicators] == [
        ("产出指标", "数量指标", "示范点", "3 个", "行 8"),
        ("产出指标", "数量指标", "培训班", "2 期", "行 10"),
        ("产出指标", "时效指标", "完成时间", "2023 年底", "行 11"),
        ("产出指标", "成本指标", "示范点建设", "5 万元/个", "行 13"),
        ("效益指标", "社会效益指标", "群众知晓率", "≥90%", "行 18"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥95%", "行 19"),
    ]


def test_header_fields_written_with_colons() -> None:
    text = "项目名称：丁项目\n主管部门：【9】某部\n项目编码：D-1\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t人数\t3人\n"
    [project] = parse_text(text, "d.txt")
    assert (project.name, project.department, project.code, len(project.indicators)) == (
        "丁项目",
        "某部",
        "D-1",
        1,
    )


def test_vertical_label_inside_a_grid_sets_the_level() -> None:
    text = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t人数\t3人\n满\n意\n度\n指\n标\n\t\t满意率\t≥95%\n"
    [project] = parse_text("项目名称\t甲项目\n" + text, "x.txt")
    assert [(i.level1, i.name) for i in project.indicators] == [
        ("产出指标", "人数"),
        ("满意度指标", "满意率"),
    ]


def test_synthetic_symbol_and_cell_line_documents() -> None:
    symbols = (
        "项目名称\t乙项目\t项目编码\tP01\n"
        "一级指标\t二级指标\t*三级指标\t指标值\t\t\t备注\n"
        "\t\t\t*符号\t*值\t计量单位\t\n"
        "产出指标\t数量指标\t场次\t≥\t4\t次\t每季度一次\n"
        "\t质量指标\t效果\t定性\t达到验收标准\t\t\n"
    )
    assert sniff_layout(symbols) == "symbol_columns"
    [project] = parse_text(symbols, "s.txt")
    assert project.code == "P01"
    assert [(i.level2, i.value, i.explain) for i in project.indicators] == [
        ("数量指标", "≥4次", "每季度一次"),
        ("质量指标", "达到验收标准", None),
    ]
    lines = "\t项目名称\n\t丙项目\n\n\t一级指标\n\t二级指标\n\t三级指标\n\t指标值\n\n\t效果指标\n\t社会效益指标\n\t覆盖率\n\t≥90%\n"
    assert sniff_layout(lines) == "cell_lines"
    [project] = parse_text(lines, "c.txt")
    assert [(i.level1, i.level2, i.name, i.value) for i in project.indicators] == [
        ("效益指标", "社会效益指标", "覆盖率", "≥90%")
    ]


# -- bad input -------------------------------------------------------------------------------------------


def test_gbk_text_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "旧编码.txt"
    path.write_bytes(TAB_DOC.encode("gbk"))
    with pytest.raises(IngestError) as caught:
        read_text_document(path)
    assert caught.value.file == "旧编码.txt"
    assert "UTF-8" in caught.value.reason and "GB18030" in caught.value.reason


def test_binary_and_utf16_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "a.txt"
    binary.write_bytes(b"\x00\x01\x02PK")
    with pytest.raises(IngestError, match="二进制"):
        read_text_document(binary)
    utf16 = tmp_path / "b.txt"
    utf16.write_bytes(TAB_DOC.encode("utf-16"))
    with pytest.raises(IngestError, match="UTF-16"):
        read_text_document(utf16)


def test_utf8_with_bom_and_crlf_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(TAB_DOC.replace("\n", "\r\n").encode("utf-8-sig"))
    [project] = read_text_document(path)
    assert len(project.indicators) == 6 and project.indicators[0].location == "行 8"


def test_text_without_a_table_reads_as_nothing(tmp_path: Path) -> None:
    path = tmp_path / "纪要.txt"
    path.write_text("会议纪要\n请各单位于本月底前报送材料。\n", encoding="utf-8")
    assert read_text_document(path) == []
    with pytest.raises(IngestError, match="未找到"):
        read_document(path)


_TOKENS = st.sampled_from(
    [
        "\t",
        "\n",
        "项目名称",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "产出指标",
        "产出指",
        "标",
        "标)",
        "效果指标",
        "数量指标（必填",
        "社会效益指标",
        "满意度指标",
        "≥",
        "定性",
        "*符号",
        "计量单位",
        "95%",
        "1、1-产出指标；11-数量指标；",
        "年度指标值：",
        "；",
        "。",
        "(2022 年度)",
        "单位：元",
        "年度资金总额",
        "200000",
        "心",
        "体",
        "绩效目标",
        "",
        " ",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_TOKENS, st.text(max_size=6)), max_size=60))
def test_any_text_parses_or_reads_as_nothing(pieces: list[str]) -> None:
    projects = parse_text("".join(pieces), "fuzz.txt")
    assert all(isinstance(p, Project) and p.indicators for p in projects)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_raise_ingest_error(data: bytes) -> None:
    try:
        text = decode_text(data, "fuzz.txt")
    except IngestError as error:
        assert error.file == "fuzz.txt" and error.reason
    else:
        assert "\r" not in text


@pytest.mark.parametrize("module", [text_layouts, common, symbol_columns, tab_table, cell_lines, inline_list])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0
