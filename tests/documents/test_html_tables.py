"""HTML reader: tables with rowspan/colspan expanded into a grid, the text around them as the form."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from assistant.documents import html_tables, read_document
from assistant.documents.html_tables import read_html, table_grid
from assistant.errors import IngestError

PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>公开</title>
<script>var x = "项目名称：脚本";</script></head><body>
<h2>2022年度项目支出绩效目标表</h2>
<p>项目名称：<span>社区宣传经费</span></p>
<p>主管部门：<b>区委宣传部</b>　年度资金总额：8万元</p>
<table border="1">
<tr><th rowspan="2">一级指标</th><th rowspan="2">二级指标</th><th rowspan="2">三级指标</th><th colspan="2">指标值</th></tr>
<tr><th>年度</th><th>中长期</th></tr>
<tr><td rowspan="2">产出指标</td><td>数量指标</td><td>宣传册</td><td>5000册</td><td>15000册</td></tr>
<tr><td>时效指标</td><td>完成时间</td><td>2022年12月底前</td><td>2024年底</td></tr>
<tr><td>效益指标</td><td>社会效益指标</td><td>居民<br>知晓率</td><td>≥80%</td>
    <td><table><tr><td>嵌套</td></tr></table>≥90%</td></tr>
<tr><td colspan="5">备注：无</td></tr>
</table>
<p>发布日期：2022-03-01</p>
</body></html>"""


def write(path: Path, html: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(html.replace("{charset}", encoding).encode(encoding))
    return path


def test_doctests() -> None:
    assert doctest.testmod(html_tables).failed == 0


def test_rowspan_colspan_table_with_text_form(tmp_path: Path) -> None:
    (project,) = read_html(write(tmp_path / "公开.html", PAGE))
    assert (project.name, project.department, project.year, project.budget_wan) == (
        "社区宣传经费",
        "区委宣传部",
        2022,
        8.0,
    )
    assert [(i.level1, i.level2, i.name, i.value, i.period_value) for i in project.indicators] == [
        ("产出指标", "数量指标", "宣传册", "5000册", "15000册"),
        ("产出指标", "时效指标", "完成时间", "2022年12月底前", "2024年底"),  # rowspan copied down
        ("效益指标", "社会效益指标", "居民\n知晓率", "≥80%", "≥90%"),  # nested table text left out
    ]
    assert [i.location for i in project.indicators] == ["表1 行3", "表1 行4", "表1 行5"]
    assert project.location == "正文–表1"


def test_declared_gbk_page_is_decoded(tmp_path: Path) -> None:
    (project,) = read_document(write(tmp_path / "gbk.htm", PAGE, encoding="gbk"))
    assert project.name == "社区宣传经费" and len(project.indicators) == 3


def test_table_grid_expands_spans() -> None:
    html = (
        "<table><tr><td rowspan=3>A</td><td colspan=2>B</td></tr>"
        "<tr><td>c</td><td rowspan=0>d</td></tr><tr><td>e</td></tr></table>"
    )
    assert table_grid(BeautifulSoup(html, "lxml").table) == [
        ["A", "B", "B"],
        ["A", "c", "d"],
        ["A", "e", "d"],
    ]


def test_page_without_indicator_table_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path / "新闻.html",
        "<html><body><p>会议召开</p><table><tr><td>姓名</td></tr></table></body></html>",
    )
    with pytest.raises(IngestError, match="没有可识别的绩效指标表") as raised:
        read_html(path)
    assert raised.value.file == "新闻.html"


def test_binary_file_named_html_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "坏.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    with pytest.raises(IngestError, match="二进制"):
        read_html(path)


def test_flattened_text_page_goes_to_the_text_layout_reader(tmp_path: Path) -> None:
    body = "<pre>项目名称\t培训项目\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人次\t≥100人次\n</pre>"
    projects = read_html(write(tmp_path / "纯文本.html", f"<html><body>{body}</body></html>"))
    assert [(p.name, [(i.name, i.value) for i in p.indicators]) for p in projects] == [
        ("培训项目", [("培训人次", "≥100人次")])
    ]


def test_absurdly_nested_page_is_refused_not_crashed(tmp_path: Path) -> None:
    path = write(
        tmp_path / "深.html", "<html><body>" + "<div>" * 5000 + "x" + "</div>" * 5000 + "</body></html>"
    )
    with pytest.raises(IngestError, match="嵌套层级过深"):
        read_html(path)
