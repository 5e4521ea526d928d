"""XLSX reader: 申报表 exports and generic header tables, on workbooks written here with openpyxl,
and on the songgang exports (counts taken from walking their cells by hand, see
scripts/check_workbooks.py)."""

from __future__ import annotations

import doctest
import warnings
from pathlib import Path

import pytest
from openpyxl import Workbook

from assistant.documents import read_document, workbooks
from assistant.documents.workbooks import read_workbook
from assistant.errors import IngestError, IngestWarning
from assistant.records.levels import LEVEL1, LEVEL2_PARENT

FORM = [
    ["二级项目支出绩效目标申报表"],
    ["项目编码：", "4403062313915", None, "项目名称：", "党员教育培训经费"],
    ["申请单位：", "某街道党建服务中心", None, "一级预算单位：", "某街道办事处"],
    ["项目总金额（中期规划，万元）：", 900000, None, "本年度项目金额（万元）：", 300000],
    ["年度目标：", "全年培训党员100人次以上。"],
    ["一级指标", "二级指标", "三级指标", "目标值", "指标解释"],
]
GRID = [
    ["产出", "数量", "培训人次", "≥100人次", "全年培训人次"],
    [None, None, "培训期数", "4期", None],
    [None, "质量", "考核合格率", "≥95%", None],
    [None, "成本", "总成本", "不超过30万元", None],
    ["效益", "经济效益", "不适用", "不适用", "不适用"],
    [None, "社会效益", "党员理论水平", "明显提升", None],
    ["满意度", "服务对象满意度", "学员满意度", "≥90%", None],
    ["备注：作为导入模板，置灰信息无需录入。"],
]
MERGES = ["A1:E1", "B2:C2", "B3:C3", "B4:C4", "A7:A10", "B7:B8", "A11:A12"]


def test_doctests() -> None:
    assert doctest.testmod(workbooks).failed == 0


def write_declaration(sheet, form=FORM, grid=GRID, merges=MERGES) -> None:
    """One 申报表 sheet in the platform layout (merged 一级/二级 cells keep only their first value)."""
    for row in form + grid:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)


def save(book: Workbook, path: Path) -> Path:
    book.save(path)
    return path


@pytest.fixture()
def declaration(tmp_path: Path) -> Path:
    book = Workbook()
    write_declaration(book.active)
    book.active.title = "1.党员教育培训经费"
    rules = book.create_sheet("审核口径")
    rules.append(["编码", "审核对象", "审核意见"])
    rules.append([1, "三级指标", "表述冗长"])
    book.create_sheet("Sheet2")
    return save(book, tmp_path / "申报表.xlsx")


def read_quietly(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IngestWarning)
        return read_workbook(path)


def test_declaration_sheet_is_one_project_with_its_form_fields(declaration: Path) -> None:
    with pytest.warns(IngestWarning) as caught:
        projects = read_workbook(declaration)
    assert len(projects) == 1
    project = projects[0]
    assert project.name == "党员教育培训经费"
    assert project.code == "4403062313915"
    assert project.department == "某街道党建服务中心"  # 申请单位 preferred to 一级预算单位
    assert project.goal == "全年培训党员100人次以上。"
    assert project.budget_wan == 30.0  # 300000 under a 万元 label agrees with "不超过30万元": it is 元
    assert project.year is None  # the platform export prints no 年度
    assert project.source == "申报表.xlsx"
    assert project.location == "1.党员教育培训经费!A1:E13"  # form and grid, 备注 row excluded
    messages = [str(w.message) for w in caught]
    assert any("跳过 2 个工作表" in m and "审核口径" in m and "Sheet2" in m for m in messages)
    assert any("按元填写" in m for m in messages)


def test_merged_level_cells_are_inherited_and_not_applicable_rows_kept(declaration: Path) -> None:
    rows = [(i.level1, i.level2, i.name, i.value, i.explain) for i in read_quietly(declaration)[0].indicators]
    assert rows == [
        ("产出指标", "数量指标", "培训人次", "≥100人次", "全年培训人次"),
        ("产出指标", "数量指标", "培训期数", "4期", None),
        ("产出指标", "质量指标", "考核合格率", "≥95%", None),
        ("产出指标", "成本指标", "总成本", "不超过30万元", None),
        ("效益指标", "经济效益指标", "不适用", "不适用", "不适用"),
        ("效益指标", "社会效益指标", "党员理论水平", "明显提升", None),
        ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", None),
    ]


def test_indicator_locations_name_sheet_and_row(declaration: Path) -> None:
    locations = [i.location for i in read_quietly(declaration)[0].indicators]
    assert locations[0] == "1.党员教育培训经费!A7:E7"
    assert locations[-1] == "1.党员教育培训经费!A13:E13"


def test_merged_value_cell_is_copied_to_every_row_it_spans(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["一级指标", "二级指标", "三级指标", "指标值"])
    sheet.append(["产出指标", "数量指标", "培训人次", "≥100人次"])
    sheet.append([None, None, "培训期数", None])
    sheet.merge_cells("D2:D3")
    sheet.merge_cells("A2:A3")
    projects = read_quietly(save(book, tmp_path / "合并.xlsx"))
    assert [(i.name, i.value) for i in projects[0].indicators] == [
        ("培训人次", "≥100人次"),
        ("培训期数", "≥100人次"),
    ]


def test_budget_in_wan_stays_when_the_table_agrees(tmp_path: Path) -> None:
    form = [row[:] for row in FORM]
    form[3] = ["项目总金额（中期规划，万元）：", 90, None, "本年度项目金额（万元）：", 30]
    book = Workbook()
    write_declaration(book.active, form=form)
    assert read_quietly(save(book, tmp_path / "a.xlsx"))[0].budget_wan == 30.0


def test_zero_budget_means_not_filled(tmp_path: Path) -> None:
    form = [row[:] for row in FORM]
    form[3] = ["项目总金额（中期规划，万元）：", 0, None, "本年度项目金额（万元）：", 0]
    book = Workbook()
    write_declaration(book.active, form=form)
    assert read_quietly(save(book, tmp_path / "a.xlsx"))[0].budget_wan is None


def test_declaration_with_blank_grid_is_kept_as_an_empty_project_and_reported(tmp_path: Path) -> None:
    grid = [["产出", "数量", "", "", ""], [None, "质量", "", "", ""], ["备注：无"]]
    book = Workbook()
    write_declaration(book.active, grid=grid, merges=["A7:A8"])
    with pytest.warns(IngestWarning) as caught:
        projects = read_workbook(save(book, tmp_path / "空表.xlsx"))
    assert [(p.name, p.indicators) for p in projects] == [("党员教育培训经费", ())]
    assert any("1 个工作表的指标表为空" in str(w.message) for w in caught)


def test_generic_table_groups_rows_by_project_name(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "指标"
    sheet.append(
        ["项目名称", "部门", "年度", "资金（万元）", "一级指标", "二级指标", "三级指标名称", "指标值（年度）"]
    )
    sheet.append(["培训项目", "组织部", 2023, 12.5, "产出指标", "数量指标", "培训人次", "≥100人次"])
    sheet.append([None, None, None, None, None, "质量指标", "合格率", 0.95])
    sheet.append(["宣传项目", "宣传部", "2022年", 8, "满意度指标", "服务对象满意度指标", "满意度", "≥90%"])
    sheet["H3"].number_format = "0%"
    projects = read_quietly(save(book, tmp_path / "通用.xlsx"))
    assert [(p.name, p.department, p.year, p.budget_wan) for p in projects] == [
        ("培训项目", "组织部", 2023, 12.5),
        ("宣传项目", "宣传部", 2022, 8.0),
    ]
    first = projects[0].indicators
    assert [(i.level1, i.level2, i.name, i.value) for i in first] == [
        ("产出指标", "数量指标", "培训人次", "≥100人次"),
        ("产出指标", "质量指标", "合格率", "95%"),  # a percent-formatted number as printed
    ]
    assert projects[0].location == "指标!A2:H3"
    assert projects[1].location == "指标!A4:H4"


def test_generic_table_without_project_column_is_named_after_sheet_or_file(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["三级指标", "指标值"])
    book.active.append(["人数", "3人"])
    named = book.create_sheet("宣传项目")
    named.append(["指标名称", "目标值"])
    named.append(["场次", "4场"])
    projects = read_quietly(save(book, tmp_path / "社区活动.xlsx"))
    assert [p.name for p in projects] == ["社区活动", "宣传项目"]


def test_workbook_without_indicator_table_names_each_sheet(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "审核口径"
    book.active.append(["编码", "审核对象", "正则表达式"])
    book.active.append([0, "三级指标", ".{15,}"])
    book.active.append([1, "指标值", "^$"])
    with pytest.raises(IngestError, match="没有可识别的绩效指标表") as raised:
        read_workbook(save(book, tmp_path / "规则.xlsx"))
    assert raised.value.sheet == "审核口径"
    assert raised.value.file == "规则.xlsx"


@pytest.mark.parametrize("content", [b"not a workbook at all" * 10, b"PK\x03\x04" + bytes(range(256)) * 4])
def test_corrupt_file_raises_one_ingest_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(content)
    with pytest.raises(IngestError, match="无法作为 Excel 工作簿打开") as raised:
        read_document(path)
    assert "\n" not in str(raised.value)


def save_as_xls(source: Path, target: Path) -> Path:
    """The same cells and merged ranges written as a legacy .xls (what many platforms export)."""
    import xlwt
    from openpyxl import load_workbook

    book = load_workbook(source)
    out = xlwt.Workbook(encoding="utf-8")
    for sheet in book.worksheets:
        # .xls sheet names are limited to 31 characters, as in Excel itself
        page = out.add_sheet(sheet.title[:31], cell_overwrite_ok=True)
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    page.write(cell.row - 1, cell.column - 1, cell.value)
        for merged in sheet.merged_cells.ranges:
            page.merge(merged.min_row - 1, merged.max_row - 1, merged.min_col - 1, merged.max_col - 1)
    out.save(str(target))
    return target


def read_any(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IngestWarning)
        return read_document(path)


def _shape(projects: list) -> list:
    return [
        (
            p.name,
            p.code,
            p.department,
            p.budget_wan,
            p.goal,
            [(i.level1, i.level2, i.name, i.value, i.explain) for i in p.indicators],
        )
        for p in projects
    ]


def test_xls_is_read_like_the_same_xlsx(declaration: Path, tmp_path: Path) -> None:
    xls = save_as_xls(declaration, tmp_path / "申报表.xls")
    assert _shape(read_any(xls)) == _shape(read_quietly(declaration))
    assert read_any(xls)[0].indicators[0].location == "1.党员教育培训经费!A7:E7"


def test_songgang_workbook_as_xls_reads_the_same(songgang_workbooks: list[Path], tmp_path: Path) -> None:
    source = songgang_workbooks[0]
    titles_fit = all(
        len(title) <= 31 for title in __import__("openpyxl").load_workbook(source, read_only=True).sheetnames
    )
    if not titles_fit:
        pytest.skip("sheet names longer than .xls allows")
    xls = save_as_xls(source, tmp_path / "export.xls")
    assert _shape(read_any(xls)) == _shape(read_quietly(source))


def test_broken_xls_is_one_ingest_error(tmp_path: Path) -> None:
    path = tmp_path / "坏.xls"
    path.write_bytes(b"not a workbook")
    with pytest.raises(IngestError, match="无法作为 .xls 工作簿打开"):
        read_document(path)


def test_read_document_dispatches_xlsx(declaration: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IngestWarning)
        assert read_document(declaration)[0].name == "党员教育培训经费"


# Per workbook: (projects, indicator rows), counted from the cells: every sheet of these exports is
# one project; a row counts when its 三级指标 or 目标值 cell is non-empty (不适用 rows included).
SONGGANG_COUNTS = {
    "二级项目支出绩效目标申报表 (1).xlsx": (20, 209),
    "二级项目支出绩效目标申报表 (10).xlsx": (20, 197),
    "二级项目支出绩效目标申报表 (11).xlsx": (20, 184),
    "二级项目支出绩效目标申报表 (14).xlsx": (16, 81),
    "二级项目支出绩效目标申报表 (2).xlsx": (20, 208),
    "二级项目支出绩效目标申报表 (4).xlsx": (20, 200),
    "二级项目支出绩效目标申报表 (5).xlsx": (15, 158),
    "二级项目支出绩效目标申报表 (6).xlsx": (20, 199),
    "二级项目支出绩效目标申报表 (8).xlsx": (20, 153),
    "二级项目支出绩效目标申报表.xlsx": (20, 175),
}


@pytest.fixture(scope="module")
def songgang_projects(songgang_workbooks: list[Path]) -> dict[str, list]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IngestWarning)
        return {path.name: read_workbook(path) for path in songgang_workbooks}


def test_songgang_workbooks_are_the_expected_ones(songgang_workbooks: list[Path]) -> None:
    assert sorted(p.name for p in songgang_workbooks) == sorted(SONGGANG_COUNTS)


@pytest.mark.parametrize("name", sorted(SONGGANG_COUNTS))
def test_songgang_project_and_row_counts(songgang_projects: dict[str, list], name: str) -> None:
    projects = songgang_projects[name]
    assert (len(projects), sum(len(p.indicators) for p in projects)) == SONGGANG_COUNTS[name]


def test_songgang_records_are_complete(songgang_projects: dict[str, list]) -> None:
    projects = [p for group in songgang_projects.values() for p in group]
    assert all(p.name and p.code and p.department for p in projects)
    assert sum(p.goal is None for p in projects) == 4  # their 年度目标 cells are blank
    assert all("!A1:E" in p.location for p in projects)
    indicators = [i for p in projects for i in p.indicators]
    assert {i.level1 for i in indicators} == {"产出指标", "效益指标", "满意度指标"}
    assert {i.level2 for i in indicators} <= set(LEVEL2_PARENT) and {i.level1 for i in indicators} <= set(
        LEVEL1
    )
    assert "其他满意度指标" in {i.level2 for i in indicators}  # kept as printed
    assert sum(i.value == "不适用" for i in indicators) == 739  # 目标值 cells reading 不适用
    budgets = [p.budget_wan for p in projects if p.budget_wan is not None]
    assert len(budgets) == 144 and max(budgets) < 2000  # every amount was 元 under a 万元 label


def test_songgang_known_project(songgang_projects: dict[str, list]) -> None:
    project = songgang_projects["二级项目支出绩效目标申报表 (1).xlsx"][9]
    assert project.name == "社区工作站管理经费（沙浦社区工作站）"
    assert project.budget_wan == 79.56  # 795600 元; its cost indicator says 总成本不超过79.56万
    assert [i.name for i in project.indicators if i.level2 == "数量指标"] == [
        "保障社区工作人员用餐人数",
        "社区工作站工作人员数量",
    ]


def test_songgang_rule_sheet_is_refused(songgang_dir: Path) -> None:
    with pytest.raises(IngestError, match="没有可识别的绩效指标表"):
        read_workbook(songgang_dir / "审核口径模板.xlsx")
