"""Table-level findings: missing slots, costs past the budget, duplicates, no goal, unrelated indicators."""

from __future__ import annotations

from assistant.engines.review import Reviewer
from assistant.records.build import make_indicator
from assistant.records.schema import Project

FULL = [
    ("数量指标", "培训人次", "≥100人次"),
    ("质量指标", "培训合格率", "≥95%"),
    ("时效指标", "完成时限", "2023年12月底前"),
    ("成本指标", "培训成本", "≤10万元"),
    ("社会效益指标", "党员培训覆盖率", "≥90%"),
    ("服务对象满意度指标", "参训党员满意度", "≥90%"),
]
GOAL = "2023年开展党员培训100人次，提升党员培训覆盖率"


def review(rows, **fields):
    indicators = tuple(make_indicator("", level2, name, value) for level2, name, value in rows)
    p = Project(
        fields.pop("name", "党员培训经费"), indicators, **{"goal": GOAL, "budget_wan": 20.0, **fields}
    )
    return Reviewer().review_project(p).findings


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def test_complete_table_has_no_findings() -> None:
    assert review(FULL) == ()


def test_missing_or_not_applicable_slots() -> None:
    rows = [r for r in FULL if r[0] != "时效指标"] + [("服务对象满意度指标", "不适用", "不适用")]
    rows = [r for r in rows if r[0] != "服务对象满意度指标"] + [("服务对象满意度指标", "不适用", "不适用")]
    findings = review(rows)
    assert codes(findings) == ["MISSING_SLOT", "MISSING_SLOT"]
    assert "时效指标" in findings[0].message and "满意度" in findings[1].message
    assert (
        "不适用"
        in review([r for r in FULL if r[0] != "成本指标"] + [("成本指标", "不适用", "不适用")])[0].message
    )


def test_blank_table_is_one_no_indicators_finding() -> None:
    assert codes(review([])) == ["NO_INDICATORS"]
    blank = [(level2, "", "") for level2, _, _ in FULL] + [("质量指标", "不适用", "不适用")]
    assert codes(review(blank)) == ["NO_INDICATORS"]
    assert codes(review(FULL[:1])) == ["MISSING_SLOT"] * 5  # one filled indicator: the slots are listed


def test_cost_above_budget_and_sum_above_budget() -> None:
    over = review([r for r in FULL if r[0] != "成本指标"] + [("成本指标", "培训总成本", "不超过25万元")])
    assert codes(over) == ["COST_OVER_BUDGET"] and "25万元" in over[0].message and "20万元" in over[0].message
    summed = review(
        [r for r in FULL if r[0] != "成本指标"]
        + [("成本指标", "师资费", "≤12万元"), ("成本指标", "场地费", "≤150000元")]
    )
    assert codes(summed) == ["COST_OVER_BUDGET"] and "合计27万元" in summed[0].message
    per_unit = review([r for r in FULL if r[0] != "成本指标"] + [("成本指标", "人均培训费", "≤500元/人")])
    assert per_unit == ()
    rounded = review([r for r in FULL if r[0] != "成本指标"] + [("成本指标", "总成本", "≤20.1万元")])
    assert rounded == ()  # a budget rounded up by less than 1% is tolerated


def test_duplicates() -> None:
    dup = review(FULL + [("社会效益指标", "培训合格率", "≥95%")])
    assert (
        codes(dup) == ["DUPLICATE"] and "指标值也相同" in dup[0].message and dup[0].indicator == "培训合格率"
    )
    # the count and the cost of one thing are complementary, not duplicates
    assert review(FULL + [("数量指标", "培训成本", "2期")]) == ()


def test_no_goal() -> None:
    assert codes(review(FULL, goal=None)) == ["NO_GOAL"]
    assert codes(review(FULL, goal="培训")) == ["NO_GOAL"]


def test_unrelated_indicator_only_when_clearly_unrelated() -> None:
    findings = review(FULL + [("社会效益指标", "道路交通亡人事故下降", "≥10%")])
    assert codes(findings) == ["UNRELATED"] and findings[0].indicator == "道路交通亡人事故下降"
    # generic process indicators and ones sharing words with the goal are never flagged
    assert (
        review(FULL + [("时效指标", "资金支付及时率", "100%"), ("社会效益指标", "党员素质提升率", "≥80%")])
        == ()
    )


def test_other_satisfaction_rows_keep_their_label_and_fill_the_satisfaction_slot() -> None:
    from assistant.records.build import make_indicator
    from assistant.records.levels import normalise_level2

    assert normalise_level2("其他满意度指标") == "其他满意度指标"
    assert normalise_level2("服务对象满意度") == "服务对象满意度指标"
    row = make_indicator("满意度指标", "其他满意度指标", "社区居民满意度", "≥90%")
    assert (row.level1, row.level2) == ("满意度指标", "其他满意度指标")
    rows = [
        make_indicator("产出指标", slot, "指标", value)
        for slot, value in (
            ("数量指标", "5个"),
            ("质量指标", "100%"),
            ("时效指标", "2024年12月底前"),
            ("成本指标", "≤5万元"),
        )
    ]
    rows.append(make_indicator("效益指标", "社会效益指标", "受益人数", "≥100人"))
    project = Project("项目", (*rows, row), goal="全年完成5个社区的服务")
    review = Reviewer().review_project(project)
    assert not [f for f in review.findings if "满意度" in f.message]
