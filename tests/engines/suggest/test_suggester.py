"""The suggest engine end to end on an in-memory corpus with fakes (no model, no store)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.engines.suggest.adapt import to_wan
from assistant.engines.suggest.corpus import REQUIRED_GROUPS, Corpus, slot_group
from assistant.engines.suggest.ranker import FEATURES, LinearRanker
from assistant.engines.suggest.sources import unsourced_numbers
from assistant.engines.suggest.suggester import Suggester, build_retriever, validate_draft
from assistant.errors import InputError, StoreError
from assistant.records.library import IndicatorLibrary
from assistant.records.schema import ProjectDraft
from assistant.records.values import parse_value
from assistant.text.similarity import dice

from .fakes import KeywordEmbedder, StrictReviewer, training_projects

GROUPS = [g for g, _ in REQUIRED_GROUPS]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus(training_projects())


def make(corpus: Corpus, **kwargs) -> Suggester:
    """A suggester over the corpus alone (the indicator library has tests of its own)."""
    kwargs.setdefault("ranker", LinearRanker.heuristic())
    kwargs.setdefault("library", IndicatorLibrary((), ()))
    kwargs.setdefault("reviewer", StrictReviewer())
    kwargs.setdefault("embedder", KeywordEmbedder())
    return Suggester(corpus=corpus, **kwargs)


def test_complete_table_with_goal_count(corpus):
    draft = ProjectDraft("党员培训经费", goal="培训1期40人", budget_wan=6, year=2025)
    rows = make(corpus).suggest(draft)
    assert {slot_group(s.level2) for s in rows} >= set(GROUPS)
    # the past template 培训人次 takes the goal's count (in its own unit), with the goal as evidence
    (adapted,) = [s for s in rows if s.evidence and s.evidence[0].source == "年度目标" and "40" in s.value]
    assert (adapted.level2, adapted.name, adapted.value) == ("数量指标", "培训人次", "≥40人次")
    assert adapted.evidence[0].value == "培训1期40人" and adapted.range.low == 40.0
    assert [s.name for s in rows if slot_group(s.level2) == "数量"] == ["培训人次", "培训期数"]
    # the past deadline carries this project's year
    deadline = next(s for s in rows if s.level2 == "时效指标")
    assert deadline.value == "2025年12月底前"
    # confidences are calibrated probabilities, rows ranked best first
    confidences = [s.confidence for s in rows]
    assert all(0 <= c <= 1 for c in confidences)


def test_no_vague_value_and_every_value_reviewed(corpus):
    reviewer = StrictReviewer()
    rows = make(corpus, reviewer=reviewer).suggest(
        ProjectDraft("社区饭堂运营经费", goal="保障用餐", budget_wan=40)
    )
    assert rows and all(s.review is not None for s in rows)
    assert all(s.review.label == "clear" for s in rows if not s.is_placeholder)
    assert all(not any(w in s.value for w in ("明显", "良好", "提高", "及时")) for s in rows)
    assert {s.value for s in rows} <= {i.value for i in reviewer.seen}
    # 用餐环境改善 was only ever "明显": kept as a placeholder saying what to fill in, with no
    # invented share (the old "≥90%" of the slot) and no name made up to pass review (…认可度)
    effect = [s for s in rows if slot_group(s.level2) == "效益"]
    assert effect and all(not unsourced_numbers(s) for s in rows)
    assert not any(s.name.endswith("认可度") for s in rows)
    alternatives = (
        make(corpus, reviewer=reviewer)
        .draft(ProjectDraft("社区工作站饭堂经费", goal="保障用餐"))
        .alternatives
    )
    statement = [s for s in [*rows, *alternatives] if s.name == "用餐环境改善"]
    assert statement and all(s.value == "≥【待填：目标值】%" for s in statement)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(budget=st.floats(min_value=0.01, max_value=5000, allow_nan=False), spend=st.integers(1, 900))
def test_costs_never_above_budget(corpus, budget, spend):
    goal = f"食堂运转，花费{spend}万元，每人每天补助{spend * 10}元"
    rows = make(corpus).suggest(ProjectDraft("社区工作站经费", goal=goal, budget_wan=budget))
    costs = [s for s in rows if slot_group(s.level2) == "成本"]
    assert costs
    for s in costs:
        parsed = parse_value(s.value)
        amount = to_wan(parsed.high if parsed.high is not None else parsed.low, parsed.unit)
        if amount is not None:
            assert amount <= budget + 1e-9, (s.name, s.value, budget)
        if s.range is not None and to_wan(1.0, s.range.unit) is not None:
            assert to_wan(s.range.high, s.range.unit) <= budget + 1e-9


def test_costs_scale_with_the_budget(corpus):
    small = make(corpus).suggest(ProjectDraft("社区工作站管理经费", budget_wan=10))
    large = make(corpus).suggest(ProjectDraft("社区工作站管理经费", budget_wan=100))
    total = [s for s in small if s.name == "总成本"][0], [s for s in large if s.name == "总成本"][0]
    assert (total[0].value, total[1].value) == ("≤10万元", "≤100万元")


def test_no_duplicates_and_k_caps(corpus):
    suggester = make(corpus)
    draft = ProjectDraft("党员干部培训经费", goal="培训党员200人次")
    rows = suggester.suggest(draft)
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            assert not (slot_group(a.level2) == slot_group(b.level2) and dice(a.name, b.name) >= 0.6)
    assert len(suggester.suggest(draft, k=3)) == 3
    assert len(suggester.suggest(draft, k=10)) == min(10, len(suggester.suggest(draft, k=50)))
    six = suggester.suggest(draft, k=6)
    assert {slot_group(s.level2) for s in six} == set(GROUPS)  # k ≥ 6 keeps a complete table


class OrderRanker(LinearRanker):
    """A fake ranker scoring by one feature only (goal coverage)."""

    def __init__(self) -> None:
        weights = np.array([1.0 if f == "goal_cov" else 0.0 for f in FEATURES])
        super().__init__(FEATURES, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), weights, 0.0)


def test_ranking_order_follows_the_ranker(corpus):
    rows = make(corpus, ranker=OrderRanker()).suggest(
        ProjectDraft("档案整理经费", goal="档案整理数量与档案归档")
    )
    scores = [s.confidence for s in rows]
    assert scores == sorted(scores, reverse=True)
    assert rows[0].name in {"档案整理数量", "档案整理完成时间", "档案整理成本"}


def test_batch_keeps_input_order(corpus):
    suggester = make(corpus)
    drafts = [
        ProjectDraft("路灯维护经费", budget_wan=20),
        ProjectDraft("党员培训", budget_wan=5),
        ProjectDraft("档案管理"),
    ]
    batch = list(suggester.suggest_batch(drafts, k=8))
    assert [r for r in batch] == [suggester.suggest(d, k=8) for d in drafts]
    assert batch[0][0].evidence and "路灯" in "".join(e.project for s in batch[0] for e in s.evidence)


@pytest.mark.parametrize("mode", ["bigram", "bm25", "dense", "hybrid"])
def test_every_retrieval_mode_gives_a_complete_table(corpus, mode):
    rows = make(corpus, retrieval=mode).suggest(ProjectDraft("路灯维护经费", budget_wan=20, year=2024))
    assert {slot_group(s.level2) for s in rows} >= set(GROUPS)
    assert any("路灯" in s.name or s.name == "亮灯率" for s in rows)


def test_leave_one_out_hides_the_project(corpus):
    suggester = make(corpus)
    draft = ProjectDraft("档案管理经费", goal="档案整理与数字化", budget_wan=5)
    hidden = suggester.suggest_excluding(draft, exclude=frozenset({6}))
    assert all(e.project != "档案管理经费" for s in hidden for e in s.evidence if e.kind == "corpus")


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (ProjectDraft(""), "项目名称为空"),
        (ProjectDraft("   "), "项目名称为空"),
        (ProjectDraft("x", goal="培" * 100_000), "年度目标过长：100000 字"),
        (ProjectDraft("x", budget_wan=-5), "预算无效"),
        (ProjectDraft("x", budget_wan=float("nan")), "预算无效"),
        (ProjectDraft("x", budget_wan=1e12), "预算不合理"),
        (ProjectDraft("x", year=20250), "年度无效"),
    ],
)
def test_bad_drafts_are_input_errors(draft, message):
    with pytest.raises(InputError, match=message):
        validate_draft(draft)


def test_bad_k_and_empty_corpus(corpus):
    with pytest.raises(InputError, match="--k"):
        make(corpus).suggest(ProjectDraft("x"), k=0)
    with pytest.raises(StoreError, match="没有可用的历史指标"):
        make(Corpus([])).suggest(ProjectDraft("党员培训"))


def test_retrievers(corpus):
    bm25 = build_retriever(corpus, "bigram")
    assert bm25.projects("路灯维护", 1)[0][0] == 5
    dense = build_retriever(corpus, "dense", KeywordEmbedder())
    assert corpus.projects[dense.projects("食堂用餐", 1)[0][0]].name.startswith("社区工作站")
    rows = bm25.indicators("亮灯率", 3)
    assert corpus.rows[rows[0][0]].name == "亮灯率"


def test_rows_that_name_nothing_never_reach_a_table(corpus):
    from assistant.records.schema import Indicator, Project

    slips = Project(
        name="党员培训经费（二）",
        goal="培训党员",
        indicators=(
            Indicator("产出指标", "数量指标", "项目", "≥2个"),
            Indicator("产出指标", "时效指标", "2023年12月30日前完成", "2023年12月30日前完成"),
            Indicator("产出指标", "质量指标", "培训合格率", "≥95%"),
            Indicator("产出指标", "时效指标", "补助资金及时拨付率", "2020年12月底前"),
            Indicator("产出指标", "时效指标", "后勤服务", "2020年12月底前"),
        ),
    )
    suggester = make(Corpus([*training_projects(), slips]))
    draft = ProjectDraft("党员培训经费", goal="培训党员", budget_wan=6, year=2025)
    result = suggester.draft(draft)
    names = {s.name for s in (*result.table, *result.alternatives)}
    assert "培训合格率" in names  # the slip's project is drawn from
    assert not names & {"项目", "2023年12月30日前完成", "后勤服务"}
    # a rate's name with a deadline's value is no target
    assert all(
        "%" in s.value or "待填" in s.value
        for s in (*result.table, *result.alternatives)
        if s.name.endswith("率")
    )
    assert len({s.name for s in result.table}) == len(result.table)
