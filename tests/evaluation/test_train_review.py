"""Training data for the review model: gold labels first, weak rule labels otherwise; the build."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.engines.review.learned import VaguenessModel
from assistant.evaluation import train_review
from assistant.evaluation.train_review import Example, build_review_model, gather_examples, weak_label
from assistant.records.build import make_indicator
from assistant.records.schema import Project


def _project(source: str, rows: list[tuple[str, str, str]]) -> Project:
    indicators = tuple(
        make_indicator("", level2, name, value, location=f"行 {i + 1}")
        for i, (level2, name, value) in enumerate(rows)
    )
    return Project("p", indicators, source=source)


def test_weak_labels_only_where_the_rules_are_confident() -> None:
    assert weak_label(make_indicator("", "社会效益指标", "社会影响", "明显")) == 1
    assert weak_label(make_indicator("", "服务对象满意度指标", "满意度", "≥95%")) == 0
    assert weak_label(make_indicator("", "经济效益指标", "不适用", "不适用")) is None


def test_gold_labels_win_and_duplicates_merge_with_their_sources() -> None:
    a = _project("a.txt", [("社会效益指标", "社会影响", "明显"), ("质量指标", "合格率", "100%")])
    b = _project("b.txt", [("社会效益指标", "社会影响", "明显")])
    gold = {("line", "a.txt", "2", "0"): "vague"}  # a (deliberately wrong) gold label beats the rules
    examples = gather_examples([a, b], gold)
    by_value = {(e.value, e.gold): e for e in examples}
    assert by_value[("100%", True)].label == 1
    weak = by_value[("明显", False)]
    assert weak.label == 1 and weak.sources == ("a.txt", "b.txt")
    assert weak.weight() == pytest.approx(train_review.WEAK_WEIGHT * (1 + 0.6931), rel=1e-3)
    assert weak.weight(frozenset({"a.txt", "b.txt"})) == 0.0
    assert gather_examples([a], gold, weak=None) == [
        Example("合格率", "100%", "质量指标", 1, True, ("a.txt",))
    ]


def test_build_writes_a_loadable_model_from_the_seeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_SHARED", str(tmp_path / "no-shared"))  # seeds only: fast and offline
    folder = build_review_model(tmp_path / "models", use_word_vectors=False)
    assert folder == tmp_path / "models" / "review"
    model = VaguenessModel.load(folder)
    assert model.meta["gold_rows"] > 200 and model.meta["sources"] == sorted(
        p.name for p in train_review.SEEDS_DIR.glob("*.txt")
    )
    p = model.defect_probability(
        ["群众满意度", "社会效益"], ["≥95%", "明显提升"], ["服务对象满意度指标", "社会效益指标"]
    )
    assert p[0] < 0.5 < p[1]
