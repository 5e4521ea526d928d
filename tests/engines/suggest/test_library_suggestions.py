"""Suggestions from the indicator library: domains with their reason, goal facts, rows named from
the goal for every slot, values from a source or a 【待填】 placeholder, and the drafts of issue 8."""

from __future__ import annotations

import pytest

from assistant.documents.library import load_library
from assistant.engines.suggest.corpus import Corpus, slot_group
from assistant.engines.suggest.domains import detect_domains
from assistant.engines.suggest.from_library import placeholder, propose
from assistant.engines.suggest.goal import read_goal, split_activity
from assistant.engines.suggest.sources import unsourced_numbers
from assistant.engines.suggest.suggester import Suggester
from assistant.records.library import DEFAULT_LIBRARY_DIR, LibraryTemplate
from assistant.records.schema import Evidence, ProjectDraft, Suggestion

from .fakes import project, training_projects

WATER = ProjectDraft(
    "农村饮水安全工程维修养护", "维修养护农村集中供水工程15处，保障3.2万农村人口饮水安全", 150, 2025
)
TEACHERS = ProjectDraft("中小学教师培训", "培训中小学教师800人次", 40, 2025)
ELDERLY = ProjectDraft("社区居家养老服务补贴", "为辖区200名高龄、失能老人提供居家养老上门服务", 60, 2025)


@pytest.fixture(scope="module")
def library():
    return load_library([DEFAULT_LIBRARY_DIR])


@pytest.fixture(scope="module")
def suggester(library):
    # a corpus of party-building and community projects: nothing close to water, schools or care
    return Suggester(corpus=Corpus(training_projects()), embedder=False, library=library)


@pytest.mark.parametrize(
    ("draft", "domain", "word"),
    [(WATER, "水利", "饮水"), (TEACHERS, "教育", "教师"), (ELDERLY, "民政", "养老")],
)
def test_domain_is_found_with_its_reason(library, draft, domain, word):
    matches = detect_domains(draft.name, draft.goal, draft.department, library.domains)
    assert matches[0].domain == domain and word in matches[0].reason and "名称含" in matches[0].reason


def test_department_decides_and_no_words_means_no_domain(library):
    (match, *_) = detect_domains("专项经费", None, "某县水务局", library.domains)
    assert match.domain == "水利" and match.reason.startswith("部门含")
    assert detect_domains("某某经费", "做好各项工作", None, library.domains) == []


def test_a_channel_for_money_or_waste_is_no_water_channel(library):
    goal = "规范整合和利用现有再生资源回收渠道，拓宽资金渠道"
    assert "水利" not in [
        m.domain for m in detect_domains("再生资源回收市场管理经费", goal, None, library.domains)
    ]


def test_a_word_inside_a_longer_word_of_another_domain_does_not_count(library):
    # 档案 (the archives domain) inside 健康档案 (health): the project is a health one
    matches = detect_domains("居民健康档案管理", "为辖区居民建立健康档案", None, library.domains)
    assert [m.domain for m in matches][:1] == ["卫生健康"]


def test_goal_facts_object_activity_and_beneficiaries():
    water = read_goal(WATER.name, WATER.goal)
    assert (water.object, water.activity, water.count.number, water.count.unit) == (
        "农村集中供水工程",
        "维修养护",
        15.0,
        "处",
    )
    assert (water.beneficiaries, water.beneficiary_count) == ("农村人口", 32000.0)
    elderly = read_goal(ELDERLY.name, ELDERLY.goal)
    assert elderly.beneficiaries == "高龄、失能老人" and elderly.beneficiary_count == 200.0
    assert split_activity("档案数字化") == ("数字化", "档案")
    empty = read_goal("某某经费", None)
    assert empty.count is None and empty.beneficiary_count is None


def test_unit_cost_is_budget_over_the_goal_count_with_the_arithmetic():
    template = LibraryTemplate("水利", "产出指标", "成本指标", "{对象}单位成本", "万元/个", "≤", "预算")
    proposal = propose(template, WATER, read_goal(WATER.name, WATER.goal), "受益群众", None)
    assert (proposal.name, proposal.value) == ("农村集中供水工程单位成本", "≤10万元/处")
    assert proposal.evidence[0].kind == "budget" and "150万元 ÷ 15处" in proposal.evidence[0].value


def test_a_completion_rate_is_the_goals_plan_finished():
    template = LibraryTemplate("共性", "产出指标", "质量指标", "{活动}完成率", "%", "≥", "历史")
    proposal = propose(template, WATER, read_goal(WATER.name, WATER.goal), "受益群众", Corpus([]))
    assert (proposal.name, proposal.value, proposal.kind) == ("维修养护完成率", "100%", "goal")
    assert "15处" in proposal.evidence[0].value and not unsourced_numbers(
        Suggestion("产出指标", "质量指标", proposal.name, proposal.value, None, 0.1, proposal.evidence)
    )


def test_no_source_gives_a_placeholder_saying_what_and_in_which_unit():
    template = LibraryTemplate("水利", "产出指标", "质量指标", "工程验收合格率", "%", "≥", "历史")
    proposal = propose(template, WATER, read_goal(WATER.name, WATER.goal), "受益群众", Corpus([]))
    assert proposal.value == "≥【待填：目标值】%" and proposal.is_placeholder
    assert [e.kind for e in proposal.evidence] == ["library"]
    assert placeholder("≤", "日期") == "【待填：完成时间，如××年××月底前】"


def test_a_standard_gives_its_own_value_and_names_itself():
    template = LibraryTemplate(
        "水利", "产出指标", "质量指标", "出厂水浑浊度", "NTU", "≤", "标准", "≤1NTU", "GB 5749-2022"
    )
    proposal = propose(template, WATER, read_goal(WATER.name, WATER.goal), "受益群众", None)
    assert proposal.value == "≤1NTU" and proposal.evidence[0].kind == "library"
    assert "GB 5749-2022" in proposal.evidence[0].value


def test_every_number_has_a_source_or_is_caught():
    goal = Evidence("项目", "年度目标", "培训教师800人次", "年度目标", kind="goal")
    past = Evidence("历史项目", "满意度", "12 个历史目标，85–100%，中位 95%", "语料库", kind="corpus")
    row = lambda value, *evidence: Suggestion("产出指标", "数量指标", "x", value, None, 0.5, evidence)  # noqa: E731
    assert unsourced_numbers(row("≥800人次", goal)) == []
    assert unsourced_numbers(row("≥90%", past)) == []  # inside the reported range of past targets
    assert unsourced_numbers(row("≥95%", goal)) == ["95"]
    assert unsourced_numbers(row("≥【待填：目标值】%")) == []
    assert unsourced_numbers(row("4个", Evidence("p", "n", "树立四个意识", "s"))) == []  # 四 is 4


@pytest.mark.parametrize("draft", [WATER, TEACHERS, ELDERLY], ids=["water", "teachers", "elderly"])
def test_issue_drafts_are_tables_a_reviewer_would_pass(suggester, draft):
    result = suggester.draft(draft)
    table = result.table
    assert {slot_group(s.level2) for s in table} >= {"数量", "质量", "时效", "成本", "效益", "满意度"}
    assert len(table) + len(result.alternatives) >= 10
    for s in [*table, *result.alternatives]:
        assert not unsourced_numbers(s), (s.name, s.value, s.evidence)
        assert s.is_placeholder or s.review.label == "clear", (s.name, s.value)
        assert not s.name.endswith("认可度")
    assert [f.code for f in result.findings if f.code != "MISSING_SLOT"] == []
    # every table row passes review as it stands: the goal's plan gives the completion rate (100%)
    assert all(s.review.verdict == "ok" and not s.is_placeholder for s in table), [
        (s.name, s.value) for s in table if s.review.verdict != "ok"
    ]
    assert result.domains and result.notes  # the domain, and that the corpus has nothing close
    assert "没有相近的项目" in result.notes[0]


def test_water_draft_carries_the_goal_the_budget_and_the_beneficiaries(suggester):
    values = {s.value: s for s in suggester.draft(WATER).table}
    assert "≥15处" in values and values["≥15处"].evidence[0].kind == "goal"
    assert "≥3.2万人" in values and slot_group(values["≥3.2万人"].level2) == "效益"
    assert "≤10万元/处" in values and values["≤10万元/处"].evidence[0].kind == "budget"
    assert "2025年12月底前" in values


def test_an_empty_or_nonsense_goal_still_gives_a_library_table(suggester):
    for draft in (ProjectDraft("某某经费"), ProjectDraft("阿巴阿巴", goal="！！！")):
        result = suggester.draft(draft)
        assert {slot_group(s.level2) for s in result.table} >= {
            "数量",
            "质量",
            "时效",
            "成本",
            "效益",
            "满意度",
        }
        assert any("未能" in note and "领域" in note for note in result.notes)
        assert all(not unsourced_numbers(s) for s in result.table)


def test_the_same_project_of_an_earlier_year_comes_first(library):
    projects = training_projects()
    earlier = next(p for p in projects if p.name == "路灯维护经费")
    suggester = Suggester(corpus=Corpus(projects), embedder=False, library=library)
    draft = ProjectDraft(earlier.name, earlier.goal, earlier.budget_wan, (earlier.year or 2023) + 1)
    table = suggester.draft(draft).table
    own = {i.name for i in earlier.indicators}
    first = [s for s in table if s.name in own]
    assert first and all(s.confidence >= 0.3 for s in first)
    assert all(s.evidence[0].project == earlier.name for s in first if s.evidence[0].kind == "corpus")


def test_a_count_of_people_goes_only_to_rows_about_those_people(suggester):
    # 800 teachers trained: no row of 受益学生 may claim them
    result = suggester.draft(TEACHERS)
    rows = {s.name: s.value for s in (*result.table, *result.alternatives)}
    assert any("800" in v for n, v in rows.items() if "教师" in n)
    assert not any("800" in v for n, v in rows.items() if "学生" in n), rows


def test_standard_health_indicators_with_a_number_in_their_name_are_offered(suggester):
    draft = ProjectDraft(
        "基本公共卫生服务项目",
        "为辖区65岁及以上老年人提供健康体检，开展0-6岁儿童健康管理，2型糖尿病患者规范管理",
        2000,
        2025,
        "区卫生健康局",
    )
    result = suggester.draft(draft)
    names = {s.name for s in (*result.table, *result.alternatives)}
    assert names & {"65岁及以上老年人健康管理人数", "0—6岁儿童健康管理率", "2型糖尿病患者规范管理率"}, names


def test_a_unit_cost_needs_a_count_the_goal_states(suggester):
    # 工商联单位成本 measures nothing: without a stated count there is no unit to divide the budget by
    template = LibraryTemplate("共性", "产出指标", "成本指标", "{对象}单位成本", "万元/个", "≤", "预算")
    vague = ProjectDraft("工商联工作经费", "通过外出培训及交流活动，让会员开拓视野", 20, 2025)
    assert propose(template, vague, read_goal(vague.name, vague.goal), "会员", None) is None
    names = {s.name for s in (*suggester.draft(vague).table, *suggester.draft(vague).alternatives)}
    assert not any(n.endswith("单位成本") and "工商联" in n for n in names), names


def test_an_activity_is_read_only_from_a_verb_or_a_service():
    assert read_goal("社区工作站经费", "为居民提供更好的生活环境，方便居民生活").activity == ""
    assert read_goal("残疾人康复", "为经济困难的残疾人提供基本康复服务").activity == "基本康复服务"
    assert read_goal("法律援助经费", "为困难群众提供法律援助").activity == "法律援助"
    assert read_goal("长者饭堂", "为辖区老人提供助餐服务及文体活动").activity == "助餐服务"


def test_money_handed_out_is_not_seedlings_handed_out(suggester):
    # 发放李子苗 hands out seedlings: no 补助资金 rows for a greening project
    draft = ProjectDraft(
        "乡村绿化美化项目", "在约3500米公路沿线进行绿化和美化，同时向周边沿线村民发放李子苗", 150, 2025
    )
    result = suggester.draft(draft)
    assert not any("补助资金" in s.name for s in (*result.table, *result.alternatives))
    subsidy = ProjectDraft("老党员生活补贴", "为辖区120名老党员发放生活补贴", 30, 2025)
    assert any(
        "补助资金" in s.name
        for s in (*suggester.draft(subsidy).table, *suggester.draft(subsidy).alternatives)
    )


def test_rows_sit_in_a_slot_that_fits_them(library):
    # a past drafter's slips: a cohesion row under 生态效益, a satisfaction under 可持续影响
    rows = [
        ("产出指标", "数量指标", "党组织书记培训人次", "≥120人次"),
        ("效益指标", "生态效益指标", "社区党组织凝聚力", "≥95%"),
        ("效益指标", "可持续影响指标", "村干部满意度", "≥95%"),
        ("效益指标", "生态效益指标", "社区绿化覆盖率", "≥40%"),
    ]
    past = [
        project(f"社区党组织书记培训经费{i}", "培训社区党组织书记120人次", 10, rows, 2020 + i)
        for i in range(3)
    ]
    suggester = Suggester(corpus=Corpus(past), embedder=False, library=library)
    result = suggester.draft(ProjectDraft("社区党组织书记培训经费", "培训社区党组织书记120人次", 10, 2025))
    offered = {(s.level2, s.name) for s in (*result.table, *result.alternatives)}
    assert ("党组织书记培训人次" in {n for _, n in offered}) and ("生态效益指标", "社区绿化覆盖率") in offered
    assert not {n for _, n in offered} & {"社区党组织凝聚力", "村干部满意度"}, offered


def test_a_stated_count_gives_the_cost_row_per_unit_not_the_budget_again(suggester):
    draft = ProjectDraft(
        "65岁以上老年人免费健康体检",
        "为辖区6000名65岁以上老年人提供一次免费健康体检",
        90,
        2025,
        "区卫生健康局",
    )
    result = suggester.draft(draft)
    (cost,) = [s for s in result.table if slot_group(s.level2) == "成本"]
    assert (cost.name, cost.value) == ("人均体检成本", "≤150元/人")
    assert "90万元 ÷ 6000" in cost.evidence[0].value
    # people are counted per person by a 人均 row, never as "65岁以上老年人单位成本 万元/个"
    assert not any(s.name.endswith("老年人单位成本") for s in (*result.table, *result.alternatives))


def test_a_row_the_table_checks_flag_gives_way_to_the_next_of_its_slot(suggester, monkeypatch):
    import assistant.engines.suggest.suggester as module
    from assistant.records.schema import Finding

    first = suggester.draft(WATER).table
    (quality,) = [s for s in first if slot_group(s.level2) == "质量"]
    checks = module.draft_findings

    def flag_quality_row(draft, table):
        return [
            *checks(draft, table),
            *(Finding("UNRELATED", "…", indicator=s.name) for s in table if s.name == quality.name),
        ]

    monkeypatch.setattr(module, "draft_findings", flag_quality_row)
    table = suggester.draft(WATER).table
    assert quality.name not in {s.name for s in table}
    assert any(slot_group(s.level2) == "质量" for s in table)  # the slot is still filled
