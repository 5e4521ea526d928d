"""Adaptation to the new project: counts from the goal, deadlines in its year, amounts in 万元."""

from __future__ import annotations

import pytest

from assistant.engines.suggest.adapt import (
    adapt_deadline,
    cn_number,
    deadline_for,
    extract_mentions,
    mention_slot,
    mention_value,
    to_wan,
)


def test_training_goal_gives_40_people():
    mentions = extract_mentions("培训1期40人")
    assert [(m.kind, m.name, m.number, m.unit) for m in mentions] == [
        ("count", "培训期数", 1.0, "期"),
        ("count", "培训人数", 40.0, "人"),
    ]
    assert mention_value(mentions[1]) == "≥40人"
    assert mention_slot(mentions[1]) == ("产出指标", "数量指标")


def test_spaced_goal_text_as_published():
    mentions = extract_mentions("社区党组织书记赴外培训 1 期 40 人, 每人每天培训费用 600 元")
    values = {m.name: mention_value(m) for m in mentions}
    assert values["社区党组织书记赴外培训人数"] == "≥40人"
    assert values["培训费用"] == "≤600元/人/天"
    assert mention_slot(next(m for m in mentions if m.kind == "money")) == ("产出指标", "成本指标")


def test_object_named_from_the_goal():
    (mention,) = extract_mentions("将辖区钠灯改造成LED节能灯120盏")
    assert mention.name == "辖区钠灯改造成LED节能灯盏数"
    assert mention_value(mention) == "≥120盏"


def test_object_after_the_number_and_clause_carry_over():
    assert [m.name for m in extract_mentions("完成 6694 人党员冬季轮训及党组织建设工作")] == [
        "党员冬季轮训人数"
    ]
    names = [(m.name, m.number) for m in extract_mentions("村党组织书记赴外培训1期，每期50人")]
    assert names[-1] == ("村党组织书记赴外培训人数", 50.0)


def test_a_list_of_who_is_one_object_and_a_list_of_counts_is_not():
    assert [
        (m.name, m.number) for m in extract_mentions("为辖区200名高龄、失能老人提供居家养老上门服务")
    ] == [("高龄、失能老人人数", 200.0)]
    assert [(m.name, m.number) for m in extract_mentions("维修水库12座、山塘5座")] == [
        ("维修水库数量", 12.0),
        ("山塘数量", 5.0),
    ]


@pytest.mark.parametrize(
    "goal",
    ["按照市委统一部署", "2019年内完成", "每年有上千人参与", "3个月内完成", "深宝文发[2017]82号"],
)
def test_no_false_counts(goal):
    assert [m for m in extract_mentions(goal) if m.kind == "count"] == []


def test_rate_and_bare_wan():
    (rate,) = extract_mentions("保证工作经费支出率达98%")
    assert (rate.kind, rate.name, mention_value(rate)) == ("rate", "工作经费支出率", "≥98%")
    assert [m.kind for m in extract_mentions("辐射辖区50万居民")] == []


def test_empty_and_huge_goals():
    assert extract_mentions(None) == [] and extract_mentions("") == []
    assert len(extract_mentions("培训1期40人；" * 5000)) <= 12


def test_deadlines_take_the_project_year():
    assert adapt_deadline("2022年12月底前", 2025) == "2025年12月底前"
    assert adapt_deadline("11月底前完成", 2025) == "2025年11月底前完成"
    assert adapt_deadline("每年11-12月", 2025) == "每年11-12月"
    assert adapt_deadline("2022年12月底前", None) == "12月底前"  # no stale year when the year is unknown
    assert adapt_deadline("2023年1月1日至2023年12月31日", None) == "1月1日至12月31日"
    assert deadline_for(2024) == "2024年12月底前"


def test_numbers_and_money():
    assert [cn_number(x) for x in ("40", "两", "十二", "三百五十", "四十")] == [40.0, 2.0, 12.0, 350.0, 40.0]
    assert to_wan(48960, "元") == pytest.approx(4.896)
    assert to_wan(2, "亿元") == 20000.0
    assert to_wan(3, "人") is None


def test_layout_words_are_no_objects_and_rate_nouns_stay_whole():
    goal = "达成以下目标：目标1：聘用人员1人，出差8人 目标2：聘用人员在岗率100%"
    assert [m.name for m in extract_mentions(goal)] == ["聘用人员人数", "出差人数", "聘用人员在岗率"]


def test_an_age_qualifies_the_people_counted():
    from assistant.engines.suggest.goal import read_goal

    goal = "为辖区6000名65岁以上老年人提供一次免费健康体检"
    assert [(m.name, m.number) for m in extract_mentions(goal)] == [("65岁以上老年人人数", 6000.0)]
    facts = read_goal("老年人免费健康体检", goal)
    assert (facts.beneficiaries, facts.beneficiary_count) == ("65岁以上老年人", 6000.0)


def test_beneficiaries_are_people_not_the_verb_before_them():
    from assistant.engines.suggest.goal import read_goal

    assert read_goal("干部培训经费", "培训30名提高科级干部").beneficiaries == "科级干部"
    assert read_goal("养老服务", "为200名高龄、失能老人服务").beneficiaries == "高龄、失能老人"


@pytest.mark.parametrize(
    ("goal", "who", "count"),
    [
        ("惠及500名服务对象", "服务对象", 500.0),
        ("服务3000名60周岁以上老人", "60周岁以上老人", 3000.0),
        ("为3000名0-6岁儿童提供免费体检", "0-6岁儿童", 3000.0),
        ("规范管理200名2型糖尿病患者", "", None),  # 2型 is no count of patients
    ],
)
def test_who_is_served_and_how_many(goal, who, count):
    from assistant.engines.suggest.goal import read_goal

    facts = read_goal("项目", goal)
    assert (facts.beneficiaries, facts.beneficiary_count) == (who, count)


def test_a_list_of_who_ends_before_their_verb_and_actions_keep_their_part():
    assert [m.name for m in extract_mentions("为200名高龄、失能老人享受居家养老服务补贴")] == [
        "高龄、失能老人人数"
    ]
    assert [(m.kind, m.name) for m in extract_mentions("培训200人、建立健康档案")] == [
        ("count", "培训人数"),
        ("action", "健康档案建档率"),
    ]


def test_the_same_people_by_another_word():
    from assistant.engines.suggest.goal import same_people

    assert same_people("受益老人人数", "65岁以上老年人") and same_people("服务群众人数", "辖区居民")
    assert not same_people("受益学生人数", "中小学教师")


def test_a_measure_word_takes_what_is_measured_before_it():
    # 红火蚁扑杀的范围约0.5万亩: the area is of 红火蚁扑杀, not of 范围
    assert [(m.name, m.number) for m in extract_mentions("红火蚁扑杀的范围约0.5万亩以上")] == [
        ("红火蚁扑杀面积", 5000.0)
    ]
    assert [m.name for m in extract_mentions("完成造林面积1200亩")] == ["造林面积"]
    assert [m.number for m in extract_mentions("的面积" * 1200 + "100亩")] == [100.0]  # looked back once
