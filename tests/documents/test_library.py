"""The indicator library files: the shipped ones load and are sound; a bad user file is refused with
the file, the line and the fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from assistant.documents.library import is_library_file, library_dirs, load_library, read_library_file
from assistant.errors import InputError
from assistant.records.library import DEFAULT_LIBRARY_DIR, DOMAIN_HEADER, GENERIC_DOMAIN, INDICATOR_HEADER
from assistant.records.values import parse_value
from assistant.text.similarity import is_indicator_name

REQUIRED_DOMAINS = {
    "水利", "农业农村", "教育", "卫生健康", "民政", "残联", "文化旅游", "体育", "交通", "生态环境", "林业园林",
    "住建城管", "市场监管", "政法", "应急管理", "档案", "科技信息化", "人社就业", "党建组织", "行政运行",
}  # fmt: skip
GROUPS = {"数量指标", "质量指标", "时效指标", "成本指标"}


@pytest.fixture(scope="module")
def shipped():
    return load_library([DEFAULT_LIBRARY_DIR])


def test_shipped_library_covers_every_domain_and_slot(shipped):
    assert {d.name for d in shipped.domains} >= REQUIRED_DOMAINS
    for domain in [GENERIC_DOMAIN, *REQUIRED_DOMAINS]:
        templates = shipped.for_domain(domain)
        slots = {t.level2 for t in templates}
        assert slots >= GROUPS, domain
        assert "服务对象满意度指标" in slots and slots & {
            "社会效益指标",
            "经济效益指标",
            "生态效益指标",
            "可持续影响指标",
        }


def test_only_named_standards_carry_a_number_and_it_parses(shipped):
    for t in shipped.templates:
        assert bool(t.reference) == (t.source == "标准"), t.origin
        if t.source == "标准":
            assert t.basis, t.origin
            parsed = parse_value(t.reference)
            assert parsed.low is not None, (t.origin, t.reference)


def test_every_shipped_template_fits_its_slot(shipped):
    # the suggester drops names that do not fit their slot (a satisfaction outside 满意度, a 生态效益
    # row naming nothing ecological): none of the library's own rows may be one of them
    for t in shipped.templates:
        name = re.sub(r"\{[^}]*\}", "对象", t.name)
        assert is_indicator_name(name, t.level2), t.origin


def write_csv(path: Path, header: tuple[str, ...], *rows: str) -> Path:
    path.write_text(",".join(header) + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_user_library_extends_the_shipped_one(tmp_path):
    store = tmp_path / "store"
    (store / "library").mkdir(parents=True)
    write_csv(store / "library" / "domains_extra.csv", DOMAIN_HEADER, "殡葬,殡葬|公墓|骨灰,民政局,群众")
    write_csv(
        store / "library" / "indicators_extra.csv",
        INDICATOR_HEADER,
        "殡葬,产出指标,数量指标,{对象}{活动}数量,个,≥,目标,,,完成数量,",
        "殡葬,产出指标,质量指标,遗体火化率,%,≥,标准,≥100%,某省殡葬管理条例,火化数/死亡数,火化",
    )
    library = load_library(library_dirs(store))
    assert library.domain("殡葬") is not None
    assert [t.name for t in library.for_domain("殡葬")] == ["{对象}{活动}数量", "遗体火化率"]
    assert len(library.templates) == len(load_library([DEFAULT_LIBRARY_DIR]).templates) + 2


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("水利,产出指标,数量指标,数量,个,≥,目标,,,解释", "应有 11 列"),
        ("火星,产出指标,数量指标,数量,个,≥,目标,,,解释,", "领域“火星”未在领域表中"),
        ("水利,产出,数量指标,数量,个,≥,目标,,,解释,", "一级指标“产出”无效"),
        ("水利,产出指标,数量,数量,个,≥,目标,,,解释,", "二级指标“数量”无效"),
        ("水利,产出指标,数量指标,{项目}数量,个,≥,目标,,,解释,", "占位符 {项目} 无效"),
        ("水利,产出指标,数量指标,数量,个,>>,目标,,,解释,", "比较符“>>”无效"),
        ("水利,产出指标,数量指标,数量,个,≥,猜测,,,解释,", "取值方式“猜测”无效"),
        ("水利,产出指标,质量指标,达标率,%,≥,标准,,,解释,", "须填写参考值和依据"),
        ("水利,产出指标,质量指标,达标率,%,≥,历史,≥95%,,解释,", "只有取值方式为“标准”"),
    ],
)
def test_a_bad_row_names_file_line_and_fix(tmp_path, row, message):
    path = write_csv(
        tmp_path / "bad.csv", INDICATOR_HEADER, "共性,产出指标,数量指标,完成数量,个,≥,目标,,,完成数量,", row
    )
    with pytest.raises(InputError) as error:
        read_library_file(path, {"水利"})
    assert str(error.value).startswith("bad.csv 第3行: ") and message in str(error.value)


def test_an_xlsx_library_file_reads_like_csv(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(list(INDICATOR_HEADER))
    sheet.append(["共性", "产出指标", "数量指标", "{对象}数量", "个", "≥", "目标", None, None, "数量", None])
    path = tmp_path / "lib.xlsx"
    book.save(path)
    assert is_library_file(path)
    (template,) = read_library_file(path)
    assert (template.name, template.slots, template.origin) == ("{对象}数量", ("对象",), "lib.xlsx:2")


def test_other_tables_are_not_library_files(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("项目名称,三级指标,指标值\n甲,培训人数,≥40人\n", encoding="utf-8")
    assert not is_library_file(path)
    with pytest.raises(InputError, match="表头不是指标库格式"):
        read_library_file(path)
