"""The suggest evaluation on the fake corpus: matching rule, metrics, baselines, cross-fitted ranker."""

from __future__ import annotations

import pytest

from assistant.engines.suggest.training import matches
from assistant.evaluation.suggest_eval import Config, Evaluator, Row, coverage, format_table, score_rows
from assistant.records.build import make_indicator
from assistant.records.schema import ValueRange
from tests.engines.suggest.fakes import training_projects


def _truth(level2: str, name: str, value: str):
    from assistant.engines.suggest.corpus import Corpus
    from assistant.records.schema import Project

    corpus = Corpus([Project("p", (make_indicator("", level2, name, value),))])
    return corpus.rows[0]


def test_matching_rule():
    truth = _truth("服务对象满意度指标", "工作人员对用餐环境的满意度", "≥95%")
    assert matches("服务对象满意度指标", "社区工作人员对饭堂环境满意度", truth)
    assert not matches("质量指标", "社区工作人员对饭堂环境满意度", truth)  # another slot
    cost = _truth("经济成本指标", "总成本", "≤5万元")
    assert matches("成本指标", "经费总成本", cost)  # cost labels form one slot


def test_recall_units_and_ranges():
    truth = [_truth("数量指标", "培训人数", "≥60人"), _truth("质量指标", "培训合格率", "≥95%")]
    rows = [
        Row("数量指标", "培训人数", "≥40人", ValueRange("≥", 40.0, 80.0, "人")),
        Row("时效指标", "完成时间", "2025年12月底前", None),
    ]
    recall, pairs = score_rows(rows, truth, 10)
    assert recall == 0.5 and [t.name for t, _ in pairs] == ["培训人数"]
    assert score_rows(rows, truth, 1)[0] == 0.5 and score_rows(rows[1:], truth, 1)[0] == 0.0
    assert coverage(rows) == pytest.approx(2 / 6)


@pytest.fixture(scope="module")
def evaluator() -> Evaluator:
    return Evaluator(training_projects(), folds=2)


@pytest.mark.parametrize(
    "config",
    [
        Config("engine", retrieval="bigram"),
        Config("heuristic", retrieval="bigram", ranker="heuristic"),
        Config("most-frequent", kind="most-frequent"),
        Config("copy", kind="copy-bm25"),
    ],
    ids=lambda c: c.name,
)
def test_systems_produce_bounded_metrics(evaluator, config):
    result = evaluator.run(config)
    assert result.projects == 7
    for value in (result.recall5, result.recall10, result.coverage, result.unit, result.in_range):
        assert 0.0 <= value <= 1.0
    assert result.recall5 <= result.recall10
    if config.kind == "engine":
        assert result.vague == 0 and result.coverage == 1.0
        # near-duplicate projects in the fake corpus: the engine finds most true indicators
        assert result.recall10 >= 0.6
    assert config.name in format_table([result])


def test_held_out_project_is_absent_not_masked():
    """Leave-one-project-out drafts each project from a corpus rebuilt without it: its templates,
    statistics and index are those of the other projects alone (a masked project would still shape
    the template clusters, the bigram IDF and the BM25 index)."""
    from assistant.engines.suggest.corpus import Corpus
    from assistant.engines.suggest.ranker import LinearRanker
    from assistant.engines.suggest.suggester import Suggester
    from assistant.engines.suggest.training import draft_of
    from assistant.records.library import IndicatorLibrary

    projects = training_projects()
    evaluator = Evaluator(projects, folds=2)
    held_out = evaluator.held_out_corpus(6)
    assert [p.name for p in held_out.projects] == [p.name for i, p in enumerate(projects) if i != 6]
    absent = Corpus([p for i, p in enumerate(projects) if i != 6])
    assert held_out.bigram_idf() == absent.bigram_idf() != Corpus(projects).bigram_idf()
    make = lambda corpus: Suggester(  # noqa: E731
        corpus=corpus, embedder=False, ranker=LinearRanker.heuristic(), library=IndicatorLibrary((), ())
    )
    draft = draft_of(projects[6])
    assert [c.features for c in make(held_out).candidates(draft)] == [
        c.features for c in make(absent).candidates(draft)
    ]
