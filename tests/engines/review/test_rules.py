"""The rule layer: golden Chinese cases with exact spans, context (not keywords), and a fuzz test."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.engines.review.rules import analyse, analyse_name, default_matcher, measure_kind, unit_for
from assistant.engines.review.scan import scan
from assistant.engines.review.scoring import decide
from assistant.text.normalise import fold_width as normalise

DEFECT = ("block", "weak", "soft")


def value_reasons(name: str, value: str, level2: str = "") -> list[tuple[str, int, int]]:
    return [(h.code, h.start, h.end) for h in analyse(name, value, level2).hits if h.field == "value"]


def label_of(name: str, value: str, level2: str = "") -> tuple[str, str]:
    a = analyse(name, value, level2)
    label, _, verdict = decide(a.hits, a.core)
    return label, verdict


# (name, value, level2, expected value reasons with exact spans)
GOLDEN = [
    ("党代表室建设完善率", "≥9090%及以上", "质量指标", [("MALFORMED", 1, 5)]),
    ("帮助困难党员覆盖率", "≥100100%", "数量指标", [("MALFORMED", 1, 7)]),
    ("党代表调研次数", "≥33次以上", "数量指标", [("MALFORMED", 1, 3)]),
    ("困难党员、老党员关爱帮扶", "50万%", "成本指标", [("MALFORMED", 2, 4)]),
    ("覆盖率", "≥100百分比", "质量指标", [("MALFORMED", 4, 7)]),
    ("经费足额拨付率", "100等于100%", "质量指标", [("MALFORMED", 0, 9)]),
    ("远教站点设利用率", "≥90每月90%以上", "数量指标", [("MALFORMED", 1, 3)]),
    ("困难党员创业、就业帮扶", "依申报情况定", "数量指标", [("DEFERRED", 0, 6)]),
    ("困难党员创业、就业帮扶", "依申报情况酌情审定补助资金", "成本指标", [("DEFERRED", 0, 9)]),
    ("完成时间", "以签订的协议或合同为准", "时效指标", [("DEFERRED", 0, 11)]),
    ("完成时限", "及时", "时效指标", [("VAGUE_TIME", 0, 2)]),
    ("完成时间", "各阶段按规定时间节点完成", "时效指标", [("VAGUE_TIME", 3, 10)]),
    ("补贴发放及时性", "补贴发放及时", "质量指标", [("VAGUE_TIME", 4, 6)]),
    ("组织工作质量", "组织工作质量得到提升", "质量指标", [("RESTATEMENT", 0, 6), ("DIRECTION", 6, 10)]),
    ("党建工作", "党建工作得到加强", "社会效益指标", [("RESTATEMENT", 0, 4), ("DIRECTION", 4, 8)]),
    (
        "提升基层党组织建设水平，提高群众向心力",
        "提高群众向心力",
        "社会效益指标",
        [("RESTATEMENT", 0, 7), ("DIRECTION", 0, 2)],
    ),
    ("产业发展", "促进产业发展", "社会效益指标", [("DIRECTION", 0, 2)]),
    ("社区治安", "得到长久提升", "社会效益指标", [("DIRECTION", 0, 6)]),
    ("群众满意度", "群众满意度高", "服务对象满意度指标", [("RESTATEMENT", 0, 5), ("DEGREE", 5, 6)]),
    ("干部选拔工作完成率", "≥100按计划完成", "数量指标", [("MALFORMED", 0, 9), ("VAGUE_TIME", 4, 7)]),
    ("1个", "朗下社区", "数量指标", [("MALFORMED", 0, 4)]),
    ("项目完成及时性", "按合同时间要求", "时效指标", [("DEFERRED", 0, 7)]),
    ("本年度完成", "完成", "时效指标", [("VAGUE_TIME", 0, 2)]),
    ("对用餐环境的改善", "明显", "社会效益指标", [("DEGREE", 0, 2)]),
    ("群众满意度", "基本满意", "服务对象满意度指标", [("DEGREE", 0, 4)]),
    ("社区治安", "得到提升", "社会效益指标", [("DIRECTION", 0, 4)]),
    (
        "党内关爱扶助效率提升",
        "推动党内关爱辅助进一步提升",
        "社会效益指标",
        [("DIRECTION", 0, 2), ("DIRECTION", 8, 13)],
    ),
    ("居民生活水平", "生活水平不断提高", "社会效益指标", [("RESTATEMENT", 0, 4), ("DIRECTION", 4, 8)]),
    ("基层党组织", "推动基层党组织全面进步", "社会效益指标", [("DIRECTION", 0, 2), ("DIRECTION", 7, 11)]),
    ("图书服务水平", "图书服务水平", "社会效益指标", [("RESTATEMENT", 0, 6)]),
    ("离退休干部党组织建设工作", "11", "经济效益指标", [("MISSING_UNIT", 0, 2)]),
    ("保洁服务质量", "按服务合同进行", "质量指标", [("DEFERRED", 0, 7)]),
    ("服务质量", "按照街道要求落实", "质量指标", [("DEFERRED", 0, 8)]),
    ("合同", "按期签订服务合同并备案", "质量指标", [("VAGUE_TIME", 0, 2)]),
    ("矛盾纠纷化解", "矛盾纠纷得到化解", "社会效益指标", [("RESTATEMENT", 0, 4), ("DIRECTION", 4, 8)]),
    ("长效管理机制", "建立长效管理机制", "可持续影响指标", [("RESTATEMENT", 0, 8)]),
    ("辖区治安状况", "总体平稳", "社会效益指标", [("DEGREE", 2, 4)]),
    ("合格率", "≥85", "质量指标", [("MISSING_UNIT", 1, 3)]),
    ("群众借阅服务", "惠民利民", "质量指标", [("NO_MEASURE", 0, 4)]),
    ("培训人数", "", "数量指标", [("EMPTY", 0, 0)]),
]

# Clear values (issue #11): implied units warn, unit words, comparators and service windows pass.
GOLDEN_CLEAR = [
    ("党代表调研次数", "11", "数量指标", [("IMPLIED_UNIT", 0, 2)]),
    ("设备采购成本", "40000", "成本指标", [("IMPLIED_UNIT", 0, 5)]),
    ("村干部学历提升", "5000-10000/人", "成本指标", [("IMPLIED_UNIT", 0, 10)]),
    ("宣传品种类", "1种", "数量指标", []),
    ("维修楼栋", "1栋", "数量指标", []),
    ("发放大米", "500公斤", "数量指标", []),
    ("调处矛盾纠纷", "≥30宗", "数量指标", []),
    ("验收合格率", "≧95%", "质量指标", []),
    ("应急响应时间", "30分钟内到达现场", "时效指标", []),
    ("夜间值守时段", "每晚22时至次日6时", "时效指标", []),
    ("场馆开放时间", "每周二至周日9:00-17:00", "时效指标", []),
    ("养护质量", "符合《城镇道路养护技术规范》要求", "质量指标", [("BINARY", 0, 2)]),
    ("食堂生鲜干货质量", "生鲜干货质量合格", "质量指标", [("BINARY", 4, 8)]),
    ("孕产妇死亡率", "≤12/10万", "社会效益指标", []),  # a rate per population, not a bare 12
    ("农产品检测批次", "2批次/千人", "数量指标", []),
]


@pytest.mark.parametrize(
    ("name", "value", "level2", "expected"), GOLDEN_CLEAR, ids=[g[1] for g in GOLDEN_CLEAR]
)
def test_golden_clear_values_warn_at_most(name: str, value: str, level2: str, expected: list) -> None:
    assert value_reasons(name, value, level2) == expected
    label, verdict = label_of(name, value, level2)
    assert label == "clear"
    assert verdict == ("warn" if expected else "ok")


def test_implied_unit_message_names_the_unit() -> None:
    hit = analyse("社区党务工作者人数", "28", "数量指标").hits[0]
    assert hit.code == "IMPLIED_UNIT" and hit.severity == "warn" and "“人”" in hit.message


@pytest.mark.parametrize(
    ("name", "value", "level2", "expected"), GOLDEN, ids=[g[1] or "empty" for g in GOLDEN]
)
def test_golden_reasons_and_spans(name: str, value: str, level2: str, expected: list) -> None:
    assert value_reasons(name, value, level2) == expected
    label, verdict = label_of(name, value, level2)
    assert label == ("malformed" if expected[0][0] == "MALFORMED" else "vague")
    assert verdict == ("warn" if {c for c, *_ in expected} == {"MISSING_UNIT"} else "block")


@pytest.mark.parametrize(
    ("name", "value", "level2"),
    [
        ("良好率", "良好率≥95%", "质量指标"),
        ("群众满意度", "满意度≥90%", "服务对象满意度指标"),
        ("按期完成率", "按期完成率100%", "时效指标"),
        ("群众满意度", "95%满意", "服务对象满意度指标"),
        ("群众满意度", "大于等于95%满意度", "服务对象满意度指标"),
        ("道路交通亡人事故", "道路交通亡人事故降低10%", "社会效益指标"),
        ("满意度", "提高到95%", "服务对象满意度指标"),
        ("完成时限", "2022年12月底前", "时效指标"),
        ("完成时限", "2022 年底", "时效指标"),
        ("完成时限", "每年11-12月组织申报, 次年发放", "时效指标"),
        ("审批时限", "≤3个工作日", "时效指标"),
        ("保洁及时性", "半小时内", "时效指标"),
        ("送货时效", "每天早上六点半前送达", "时效指标"),
        ("培训人次", "约6.6万人次", "数量指标"),
        ("需保洁的党群服务中心数量", "两栋", "数量指标"),
        ("总成本", "总成本不超过0.3万元", "成本指标"),
        ("重大安全事故发生率", "0", "质量指标"),
        ("受益群众满意度", "≥99.99%", "服务对象满意度指标"),
        ("活动次数", "≥5次😀", "数量指标"),
        ("Number of trainings", "at least 5 sessions", "数量指标"),
        ("参保情况", "基本医疗保险参保率≥95%", "社会效益指标"),  # 基本 belongs to the metric name
        ("补贴发放", "及时（24小时内）", "时效指标"),  # the vague word beside a real limit is idle
        ("培训人数", "共计100余人", "数量指标"),
    ],
)
def test_measurable_values_are_clear_and_ok(name: str, value: str, level2: str) -> None:
    assert label_of(name, value, level2) == ("clear", "ok"), analyse(name, value, level2).hits


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("达到验收顺利通过", "BINARY"),
        ("验收合格", "BINARY"),
        ("年内完成", "UNDATED"),
        ("培训次数≥4次，培训人数≥600人", "MULTI"),
    ],
)
def test_weaker_forms_are_clear_with_a_warning(value: str, code: str) -> None:
    a = analyse("指标", value, "质量指标" if code != "UNDATED" else "时效指标")
    assert decide(a.hits, a.core)[0::2] == ("clear", "warn")
    assert code in {h.code for h in a.hits}


def test_vague_word_in_name_is_less_serious_than_in_value() -> None:
    in_name = analyse("对用餐环境的改善", "≥90%", "社会效益指标")
    in_value = analyse("用餐环境满意度", "有所改善", "社会效益指标")
    assert [(h.code, h.field, h.start, h.end, h.severity) for h in in_name.hits] == [
        ("DIRECTION", "name", 6, 8, "warn")
    ]
    assert decide(in_name.hits, in_name.core)[0::2] == ("clear", "warn")
    assert decide(in_value.hits, in_value.core)[0::2] == ("vague", "block")
    assert decide(in_name.hits, in_name.core)[1] > decide(in_value.hits, in_value.core)[1]


def test_metric_names_in_names_are_not_flagged() -> None:
    assert analyse_name("资金发放及时率", default_matcher()) == ()
    assert analyse_name("出具物业评估报告及时性", default_matcher()) == ()
    assert analyse_name("电脑设备维护及时性", default_matcher()) == ()  # 维护 = maintenance here


def test_numerals_inside_words_are_not_counts() -> None:
    # 统一部署 contains 一部 but no count: the deferral is still a defect
    assert label_of("换届工作", "根据上级统一部署完成", "时效指标") == ("vague", "block")


def test_markup_is_masked_and_markup_only_is_malformed() -> None:
    assert label_of("覆盖率", "<p>≥95%</p>", "质量指标") == ("clear", "ok")
    assert value_reasons("x", "<script>alert(1)</script>", "数量指标") == [("MALFORMED", 0, 25)]


def test_very_long_value_is_malformed_not_slow() -> None:
    a = analyse("培训", "提升" * 500_000, "数量指标")
    assert [(h.code, h.start, h.end) for h in a.hits] == [("MALFORMED", 0, 1_000_000)]


def test_rate_named_value_with_count_unit_or_over_100_is_malformed() -> None:
    assert value_reasons("干部培训完成率", "≥903次及以上", "数量指标") == [("MALFORMED", 1, 8)]
    assert value_reasons("群众满意度", "120%", "服务对象满意度指标") == [("MALFORMED", 0, 4)]


def test_measure_kind_and_unit_for() -> None:
    assert measure_kind("群众满意度", "服务对象满意度指标") == "rate"
    assert measure_kind("审批办结时间", "时效指标") == "duration"
    assert measure_kind("完成时限", "时效指标") == "time"
    assert measure_kind("培训成本", "成本指标") == "cost"
    assert measure_kind("补助资金发放人数", "数量指标") == "count"
    assert unit_for("党代表调研次数") == "次"
    assert unit_for("帮助困难党员覆盖率") == "%"
    assert unit_for("会议") is None


def test_normalise_keeps_every_index() -> None:
    text = "≧９５％\x00以上\u3000"
    assert len(normalise(text)) == len(text)
    assert normalise(text).startswith("≥95%")
    assert scan("≧９５％").quantities[0].low == 95.0


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("≥≤<>=%万元人次个年月日底前内及时明显提升依申报情况定不适用0123456789.-/ 、，《》<p>")
        ),
        max_size=30,
    ),
    st.text(max_size=12),
    st.sampled_from(
        ["", "数量指标", "质量指标", "时效指标", "成本指标", "社会效益指标", "服务对象满意度指标"]
    ),
)
def test_any_input_gives_a_decision_and_spans_inside_the_field(value: str, name: str, level2: str) -> None:
    a = analyse(name, value, level2)
    label, score, verdict = decide(a.hits, a.core)
    assert (
        label in ("clear", "vague", "malformed", "na")
        and 0 <= score <= 100
        and verdict in ("ok", "warn", "block")
    )
    for h in a.hits:
        text = value if h.field == "value" else name
        assert 0 <= h.start <= h.end <= len(text), (h, text)
        assert h.message
