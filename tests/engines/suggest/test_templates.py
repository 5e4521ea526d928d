"""Template merging and the name-similarity rule shared with the evaluation."""

from __future__ import annotations

import pytest

from assistant.engines.suggest.templates import cluster_names
from assistant.text.similarity import coverage, dice, names_match, normalise_name, text_bigrams


def test_dice_values():
    assert dice("培训人次", "培训人数") == pytest.approx(2 / 3)
    assert dice("总成本", "经费总成本") == pytest.approx(2 / 3)
    assert dice("", "培训") == 0.0
    assert dice("满意度", "满意度") == 1.0


def test_match_rule_threshold():
    assert names_match("社区工作人员对饭堂环境满意度", "工作人员对用餐环境的满意度")  # 0.56
    assert not names_match("受益群众满意度", "服务对象满意度")  # 0.33
    assert not names_match("总成本", "出具评估报告总成本")  # 0.40


def test_normalise_strips_numbering_and_punctuation():
    assert normalise_name("1、线上、线下 培训人数（人次）") == "线上线下培训人数人次"
    assert normalise_name("ＬＥＤ灯") == "led灯"


def test_cluster_examples():
    names = ["培训人次", "培训人数", "受益群众满意度", "群众满意度", "总成本", "经费总成本", "总经费成本"]
    assert cluster_names(names, [5, 2, 3, 1, 4, 2, 1]) == [0, 0, 2, 2, 1, 1, 3]


def test_cluster_same_normalised_name_and_no_chaining():
    # the same name written twice always shares a template
    labels = cluster_names(["培训合格率", "培训合格率。", "培训人员合格率"], [3, 1, 1])
    assert labels[0] == labels[1] == labels[2]
    # members are compared with the leader only: B is 0.6 from A, C is 0.6 from B but not from A
    labels = cluster_names(["abcdef", "abcdxy", "abxyzw"], [3, 2, 1])
    assert labels[0] == labels[1] and labels[2] != labels[0]


def test_cluster_is_order_independent():
    names = ["培训人次", "培训人数", "亮灯率", "路灯亮灯率"]
    counts = [2, 1, 1, 3]
    forward = cluster_names(names, counts)
    backward = cluster_names(names[::-1], counts[::-1])[::-1]
    assert [forward[0] == forward[1], forward[2] == forward[3]] == [
        backward[0] == backward[1],
        backward[2] == backward[3],
    ]


def test_coverage():
    assert coverage("培训人数", text_bigrams("组织培训40人，培训人数不少于40")) == 1.0
    assert coverage("亮灯率", text_bigrams("培训")) == 0.0
