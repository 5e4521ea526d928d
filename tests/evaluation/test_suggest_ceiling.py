"""The ceiling analysis: its pure parts exactly, and its bounds ordered as they must be."""

from __future__ import annotations

import numpy as np

from assistant.engines.suggest.candidates import Candidate
from assistant.evaluation.suggest_ceiling import best_span_dice, greedy_cover, measure, top_distinct
from assistant.evaluation.suggest_eval import Config, Evaluator
from tests.engines.suggest.fakes import training_projects


def test_best_span_finds_the_name_inside_the_goal():
    assert best_span_dice("健康讲座场次", "为老人开展健康讲座12场次") == 0.75
    assert best_span_dice("培训合格率", "改造路灯120盏") == 0.0


def test_greedy_cover_takes_the_largest_gains_first():
    covers = [{0}, {0, 1, 2}, {3}, {2, 3}]
    assert greedy_cover(covers, 1) == {0, 1, 2}
    assert greedy_cover(covers, 2) == {0, 1, 2, 3}
    assert greedy_cover([set(), set()], 3) == set()


def test_top_distinct_skips_duplicates_of_better_candidates():
    cands = [
        Candidate("产出指标", "数量指标", "培训人次", 0, []),
        Candidate("产出指标", "数量指标", "培训人数", 1, []),  # the same indicator (Dice 0.67)
        Candidate("产出指标", "质量指标", "培训合格率", 2, []),
    ]
    picks = top_distinct(cands, np.asarray([0.9, 0.8, 0.1]), 2)
    assert [c.name for c in picks] == ["培训人次", "培训合格率"]


def test_bounds_are_ordered_and_the_ranker_is_below_its_oracle():
    evaluator = Evaluator(training_projects(), folds=2)
    ceiling = measure(evaluator)
    assert ceiling.indicators > 0
    assert 0.0 <= ceiling.goal_only <= 1.0 - ceiling.other_projects
    assert ceiling.oracle[5] <= ceiling.oracle[10] <= ceiling.pool + 1e-9
    for k in (5, 10):
        assert 0.0 < ceiling.ranked[k] <= ceiling.oracle[k] + 1e-9
    engine = evaluator.run(Config("engine", retrieval="bigram"))
    assert engine.recall10 <= ceiling.pool + 1e-9
