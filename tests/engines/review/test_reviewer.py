"""The Reviewer: public API, rewrites from evidence and project text, config, caching."""

from __future__ import annotations

import re

import pytest

from assistant.engines.review import ProjectsEvidence, ReviewConfig, Reviewer
from assistant.engines.review.lexicon import PLACEHOLDER_TARGET
from assistant.records.build import make_indicator
from assistant.records.schema import Indicator, IndicatorReview, Project, ProjectReview


def ind(level2: str, name: str, value: str, explain: str | None = None) -> Indicator:
    return make_indicator("", level2, name, value, explain=explain)


def project(*indicators: Indicator, **fields) -> Project:
    return Project(fields.pop("name", "社区饭堂"), tuple(indicators), **fields)


def test_review_indicator_contract_types() -> None:
    r = Reviewer().review_indicator(ind("社会效益指标", "对用餐环境的改善", "明显"))
    assert isinstance(r, IndicatorReview)
    assert (r.label, r.verdict) == ("vague", "block")
    assert [(x.code, x.field, x.start, x.end) for x in r.reasons] == [
        ("DEGREE", "value", 0, 2),
        ("DIRECTION", "name", 6, 8),
    ]
    assert all(x.message for x in r.reasons)
    assert r.rewrite == f"达标率≥{PLACEHOLDER_TARGET}%"  # a proxy named after the subject (环境)


def test_clear_value_has_no_reasons_and_no_rewrite() -> None:
    r = Reviewer().review_indicator(ind("质量指标", "良好率", "良好率≥95%"))
    assert (r.label, r.score, r.verdict, r.reasons, r.rewrite) == ("clear", 100, "ok", (), None)


def test_na_slot() -> None:
    r = Reviewer().review_indicator(ind("经济效益指标", "不适用", "不适用"))
    assert (r.label, r.verdict, r.reasons, r.rewrite) == ("na", "ok", (), None)


def test_review_project_keeps_document_order_and_adds_findings() -> None:
    p = project(
        ind("数量指标", "培训人次", "≥100人次"),
        ind("质量指标", "培训合格率", "≥9090%及以上"),
        ind("时效指标", "完成时限", "及时"),
        goal="培训党员100人次",
        year=2023,
    )
    pr = Reviewer().review_project(p)
    assert isinstance(pr, ProjectReview)
    assert [r.indicator.name for r in pr.indicators] == ["培训人次", "培训合格率", "完成时限"]
    assert [r.label for r in pr.indicators] == ["clear", "malformed", "vague"]
    assert {f.code for f in pr.findings} == {"MISSING_SLOT"}
    assert pr.indicators[1].rewrite == "≥90%"
    assert pr.indicators[2].rewrite == "2023年【待填：月份】月底前"


def test_review_projects_matches_review_project_across_batches() -> None:
    projects = [
        project(
            ind("质量指标", f"指标{i}", "全部完成"),
            ind("社会效益指标", "效益", "惠民利民"),
            name=f"项目{i}",
        )
        for i in range(30)
    ]
    many = list(Reviewer(batch_size=25).review_projects(projects))
    assert [pr.project.name for pr in many] == [p.name for p in projects]
    single = [Reviewer().review_project(p) for p in projects]
    assert [[(r.label, r.score, r.verdict, r.reasons) for r in pr.indicators] for pr in many] == [
        [(r.label, r.score, r.verdict, r.reasons) for r in pr.indicators] for pr in single
    ]


def test_rewrite_takes_n_from_similar_past_indicators() -> None:
    past = [
        project(ind("服务对象满意度指标", "群众满意度", "≥95%"), name="甲"),
        project(ind("服务对象满意度指标", "群众满意度", "≥95%"), name="乙"),
        project(ind("服务对象满意度指标", "社区群众满意度", "≥90%"), name="丙"),
        project(ind("服务对象满意度指标", "群众满意度", "基本满意"), name="丁"),  # vague: never copied
        project(ind("时效指标", "补贴发放完成时间", "2022年11月底前"), name="戊"),
        project(ind("时效指标", "审批办结时间", "≤5个工作日"), name="己"),
    ]
    reviewer = Reviewer(evidence=ProjectsEvidence(past))
    assert reviewer.review_indicator(ind("服务对象满意度指标", "群众满意度", "基本满意")).rewrite == "≥95%"
    p = project(ind("时效指标", "补贴发放完成时间", "及时"), year=2024)
    assert reviewer.review_project(p).indicators[0].rewrite == "2024年11月底前"
    assert reviewer.review_indicator(ind("时效指标", "审批办结时间", "尽快")).rewrite == "≤5个工作日"


def test_rewrite_takes_n_from_the_project_text() -> None:
    reviewer = Reviewer()
    cost = project(ind("成本指标", "项目总成本", "依申报情况定"), budget_wan=69.0)
    assert reviewer.review_project(cost).indicators[0].rewrite == "≤69万元"
    count = project(ind("数量指标", "党建综合体数量", "视情况而定"), goal="2019年内在龙安镇建设1个党建综合体")
    assert reviewer.review_project(count).indicators[0].rewrite == "≥1个"
    # 50万% fixed to 50万元 only when the budget allows it; otherwise the budget bounds the cost
    assert (
        reviewer.review_project(project(ind("成本指标", "关爱帮扶", "50万%"), budget_wan=69.0))
        .indicators[0]
        .rewrite
        == "≤50万元"
    )
    over = project(ind("成本指标", "关爱帮扶", "50万%"), ind("成本指标", "慰问", "10万元"), budget_wan=30.0)
    assert reviewer.review_project(over).indicators[0].rewrite == f"≤{PLACEHOLDER_TARGET}万元"


@pytest.mark.parametrize(
    ("level2", "name", "value"),
    [
        ("服务对象满意度指标", "群众满意度", "基本满意"),
        ("社会效益指标", "居民生活", "生活水平不断提高"),
        ("时效指标", "完成时限", "及时"),
        ("成本指标", "培训费用", "据实结算"),
        ("数量指标", "培训人数", "视情况定"),
        ("质量指标", "宣传效果", "良好"),
    ],
)
def test_rewrite_never_invents_a_number(level2: str, name: str, value: str) -> None:
    r = Reviewer().review_indicator(ind(level2, name, value))
    assert r.rewrite and "【待填" in r.rewrite
    assert not re.search(r"\d", r.rewrite), r.rewrite


def test_config_custom_terms_allow_lists_and_suppressions() -> None:
    config = ReviewConfig.from_mapping(
        {
            "terms": {"DEGREE": ["惠民利民"]},
            "department": [{"match": "城管", "allow": ["良好"]}],
            "suppress": [
                {"indicator": "对用餐环境的改善", "code": "DEGREE", "justification": "定性口径已获批准"}
            ],
        }
    )
    reviewer = Reviewer(config)
    custom = reviewer.review_indicator(ind("质量指标", "借阅服务", "惠民利民"))
    assert [(x.code, x.start, x.end) for x in custom.reasons] == [("DEGREE", 0, 4)]
    city = project(ind("质量指标", "绿化质量", "良好"), department="宝安区城管局")
    other = project(ind("质量指标", "绿化质量", "良好"), department="组织部")
    assert reviewer.review_project(city).indicators[0].label == "clear"
    assert reviewer.review_project(other).indicators[0].label == "vague"
    suppressed = reviewer.review_indicator(ind("社会效益指标", "对用餐环境的改善", "明显"))
    assert suppressed.label == "clear" and [x.code for x in suppressed.reasons] == ["DIRECTION"]


def test_graded_scale_with_defined_grades_is_accepted() -> None:
    explain = "优：满意度≥90%；良：80%-90%；中：60%-80%；差：低于60%"
    r = Reviewer().review_indicator(ind("社会效益指标", "服务效果", "良好", explain=explain))
    assert (r.label, r.verdict, [x.code for x in r.reasons]) == ("clear", "warn", ["GRADED"])
    assert Reviewer().review_indicator(ind("社会效益指标", "服务效果", "良好")).label == "vague"


def test_cached_results_are_identical_to_fresh_ones() -> None:
    reviewer = Reviewer()
    rows = [ind("质量指标", "合格率", v) for v in ("≥95%", "明显", "≥9090%及以上", "及时", "≥95%", "明显")]
    first = [reviewer.review_indicator(i) for i in rows]
    again = [reviewer.review_indicator(i) for i in rows]
    fresh = [Reviewer().review_indicator(i) for i in rows]
    assert first == again == fresh


def test_store_backs_the_rewrites_and_is_read_lazily(tmp_path) -> None:
    from assistant.store.database import Store

    store = Store.open(tmp_path / "store")
    store.add_projects(
        [project(ind("服务对象满意度指标", "群众满意度", "≥90%"), name="往年项目", source="old.csv")]
    )
    reviewer = Reviewer(store=store)
    assert reviewer.review_indicator(ind("数量指标", "培训人次", "≥100人次")).rewrite is None
    assert reviewer._evidence is None  # a clear value never touches the store
    assert reviewer.review_indicator(ind("服务对象满意度指标", "群众满意度", "满意")).rewrite == "≥90%"


def test_clear_caches_gives_identical_results() -> None:
    from assistant.engines.review import clear_caches

    rows = [ind("质量指标", "合格率", v) for v in ("≥95%", "明显", "≥9090%及以上", "及时")]
    before = [Reviewer().review_indicator(i) for i in rows]
    clear_caches()
    assert [Reviewer().review_indicator(i) for i in rows] == before


@pytest.mark.parametrize(
    ("level2", "name", "value", "rewrite"),
    [
        # a benefit statement is not a rate: the rewrite names a measurable proxy, target left open
        (
            "社会效益指标",
            "为党员群众提供综合性服务的支撑平台",
            "良好",
            f"服务对象满意度≥{PLACEHOLDER_TARGET}%",
        ),
        ("社会效益指标", "提升干部队伍综合素质", "明显", f"培训考核合格率≥{PLACEHOLDER_TARGET}%"),
        ("社会效益指标", "保障辖区安全稳定程度", "明显", f"安全事故发生数≤{PLACEHOLDER_TARGET}起"),
        ("质量指标", "宣传效果", "良好", f"知晓率≥{PLACEHOLDER_TARGET}%"),
        ("质量指标", "彩旗制作质量", "良好", f"合格率≥{PLACEHOLDER_TARGET}%"),
        ("质量指标", "星光老年之家设施建设状况", "良好", f"验收合格率≥{PLACEHOLDER_TARGET}%"),
        # a rate-like name keeps the plain ≥N% form
        ("社会效益指标", "政策知晓率", "明显", f"≥{PLACEHOLDER_TARGET}%"),
        # response-type 及时性 is measured in working days, not a calendar deadline
        ("时效指标", "问题解决的及时性", "及时", "≤【待填：天数】个工作日"),
        ("时效指标", "活动举行的及时性", "及时", "【待填：年份】年【待填：月份】月底前"),
        # the number already written in a rate value is kept (no placeholder, nothing invented)
        ("数量指标", "干部选拔工作完成率", "≥100按计划完成", "≥100%"),
        # a direction becomes base → target of a measure; a proxy moves its own good way
        ("社会效益指标", "市民交通安全意识", "得到提高", "知晓率由【待填：基期值】%提高到【待填：目标值】%"),
        (
            "质量指标",
            "培训后交通安全情况",
            "相对减少",
            "安全事故发生数由【待填：基期值】起降低到【待填：目标值】起",
        ),
        (
            "社会效益指标",
            "社区党组织凝聚力",
            "提升",
            "【待填：量化口径】由【待填：基期值】【待填：单位】提高到【待填：目标值】【待填：单位】",
        ),
        # a count gets a unit read off the name (帮扶 → 人)
        ("数量指标", "困难党员创业、就业帮扶", "依申报情况定", f"≥{PLACEHOLDER_TARGET}人"),
    ],
)
def test_rewrite_form_fits_the_slot_and_the_name(level2: str, name: str, value: str, rewrite: str) -> None:
    assert Reviewer().review_indicator(ind(level2, name, value)).rewrite == rewrite


@pytest.mark.parametrize("value", ["\x01\x02\x03", "\u200b", " \t "])
def test_invisible_value_is_an_empty_slot_not_na(value: str) -> None:
    r = Reviewer().review_indicator(ind("质量指标", "验收合格率", value))
    assert (r.label, r.verdict, [x.code for x in r.reasons]) == ("vague", "block", ["EMPTY"])
    assert Reviewer().review_indicator(ind("质量指标", "验收合格率", "不适用")).label == "na"


def test_suppression_clears_its_code_and_a_retired_code_still_loads() -> None:
    row = ind("社会效益指标", "为党员群众提供便利快捷的服务", "较好")
    assert Reviewer().review_indicator(row).label == "vague"
    config = ReviewConfig.from_mapping(
        {"suppress": [{"indicator": row.name, "code": "DEGREE", "justification": "定性口径已获批准"}]}
    )
    assert Reviewer(config).review_indicator(row).label == "clear"
    # a decision saved on the removed learned model's code still loads and changes nothing
    binary = ind("质量指标", "档案归档", "整理完成")
    retired = ReviewConfig.from_mapping(
        {
            "suppress": [
                {"indicator": "档案归档", "code": "LEARNED_VAGUE", "justification": "按要求即合同条款"}
            ]
        }
    )
    assert Reviewer(retired).review_indicator(binary) == Reviewer().review_indicator(binary)


def test_rewrite_reads_the_target_of_a_past_doubled_value() -> None:
    """≥9595%及以上 in the store is a flattened ≥95%: it counts as evidence, a vague past value does not."""
    past = [
        project(ind("服务对象满意度指标", "群众满意度", v), name=str(i))
        for i, v in enumerate(["≥9595%及以上", "≥9595%", "≥9090%及以上", "基本满意"])
    ] + [project(ind("服务对象满意度指标", "受益群众满意度", "≥99.99%"), name="x")]
    reviewer = Reviewer(evidence=ProjectsEvidence(past))
    assert (
        reviewer.review_indicator(ind("服务对象满意度指标", "参与群众满意度", "基本满意")).rewrite == "≥95%"
    )


@pytest.mark.parametrize(
    ("level2", "name", "value", "expected"),
    [
        (
            "社会效益指标",
            "老年人生活质量",
            "得到提高",
            "生活质量满意度由【待填：基期值】%提高到【待填：目标值】%",
        ),
        ("社会效益指标", "降低地面坍塌隐患事故率", "有效降低", "≤【待填：目标值】%"),
        (
            "社会效益指标",
            "矛盾纠纷化解",
            "得到化解",
            "矛盾纠纷化解率由【待填：基期值】%提高到【待填：目标值】%",
        ),
        (
            "生态效益指标",
            "空气质量",
            "持续向好",
            "空气质量优良天数比例由【待填：基期值】%提高到【待填：目标值】%",
        ),
        ("数量指标", "培训场次", "及时开展", "≥【待填：目标值】场"),
        ("数量指标", "社区党务工作者人数", "28", "28人"),
        ("成本指标", "村干部学历提升", "5000-10000/人", "5000-10000元/人"),
        ("社会效益指标", "社区治理水平", "社区治理水平", "【待填：量化口径】≥【待填：目标值】【待填：单位】"),
    ],
)
def test_rewrites_keep_the_indicators_own_measure(level2: str, name: str, value: str, expected: str) -> None:
    level1 = "产出指标" if level2 in ("数量指标", "成本指标") else "效益指标"
    assert Reviewer().review_indicator(make_indicator(level1, level2, name, value)).rewrite == expected


def test_a_count_row_never_gets_a_deadline() -> None:
    review = Reviewer().review_indicator(make_indicator("产出指标", "数量指标", "项目完成数量", "年内完成"))
    assert review.label == "clear" and "月底前" not in (review.rewrite or "")
