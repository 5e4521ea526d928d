"""Domain tuning: deterministic, touches only the corpus's words, pulls paired texts together."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file

from assistant.embedding.build import build_static_model, is_valid_static_model
from assistant.embedding.cnsyn_vectors import WordVectors
from assistant.embedding.loader import clear_embedder_cache, load_embedder
from assistant.embedding.static import StaticModelConfig
from assistant.embedding.train import TuningConfig, training_pairs, tune_static_model
from assistant.errors import AssistantError
from assistant.records.build import make_indicator
from assistant.records.schema import Project


def _project(name: str, rows: list[tuple[str, str]]) -> Project:
    return Project(name=name, indicators=tuple(make_indicator("", l2, n, "≥1") for l2, n in rows))


PROJECTS = [
    _project(
        "党员培训", [("数量指标", "党员培训"), ("质量指标", "培训合格率"), ("时效指标", "资金拨付及时率")]
    ),
    _project("党建培训", [("数量指标", "党建培训"), ("质量指标", "合格率"), ("时效指标", "资金发放及时率")]),
    _project("路灯维护", [("数量指标", "路灯维护"), ("质量指标", "照明合格率"), ("时效指标", "维护及时率")]),
    _project("路灯照明", [("数量指标", "照明维护"), ("质量指标", "路灯合格率"), ("时效指标", "及时率")]),
]


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory: pytest.TempPathFactory, tiny_vectors: WordVectors) -> Path:
    directory = tmp_path_factory.mktemp("base") / "tiny"
    build_static_model(directory, name="tiny", variant="raw", vectors=tiny_vectors)
    return directory


def test_training_pairs_link_projects_to_indicators_and_similar_projects() -> None:
    vectors = np.array([[1, 0], [1, 0], [0, 1], [0, 1]], dtype=np.float32)
    pairs = training_pairs(PROJECTS, vectors, neighbours=1, neighbour_threshold=0.9)
    assert ("党员培训", "培训合格率") in pairs
    assert ("资金拨付及时率", "资金发放及时率") in pairs  # same slot, nearest project
    assert ("资金拨付及时率", "维护及时率") not in pairs  # not a similar project
    assert len(pairs) == len(set(pairs))


@pytest.mark.slow
def test_tuning_is_deterministic_and_sparse(tmp_path: Path, base_dir: Path) -> None:
    config = TuningConfig(epochs=5, learning_rate=0.05, batch_size=4, neighbour_threshold=0.5)
    first = tune_static_model(base_dir, PROJECTS, tmp_path / "a", name="tuned", config=config)
    second = tune_static_model(base_dir, PROJECTS, tmp_path / "b", config=config)
    assert (second.pairs, second.steps) == (first.pairs, first.steps)
    assert first.pairs > 0 and first.steps > 0
    assert is_valid_static_model(tmp_path / "a")
    config_a = StaticModelConfig.load(tmp_path / "a")
    assert config_a is not None and config_a.name == "tuned" and config_a.details["tuned_from"] == "tiny"

    base = load_file(str(base_dir / "model.safetensors"))["embedding.weight"]
    a = load_file(str(tmp_path / "a" / "model.safetensors"))["embedding.weight"]
    b = load_file(str(tmp_path / "b" / "model.safetensors"))["embedding.weight"]
    np.testing.assert_array_equal(a, b)  # same seed, same corpus → same weights
    changed = {i for i in range(len(base)) if not np.allclose(a[i], base[i])}
    assert changed  # it learned something …
    clear_embedder_cache()
    before, after = load_embedder(str(base_dir)), load_embedder(str(tmp_path / "a"))
    assert all(before._model.vocab[w] not in changed for w in ("群众", "满意度"))  # … only for corpus words

    anchors = ["党员培训", "路灯维护", "资金拨付及时率"]
    positives = ["培训合格率", "照明合格率", "资金发放及时率"]

    def accuracy(embedder) -> float:
        """How often an anchor's own positive is its nearest among all positives (the loss's task)."""
        scores = embedder.encode(anchors) @ embedder.encode(positives).T
        return float(np.mean(scores.argmax(axis=1) == np.arange(len(anchors))))

    assert accuracy(after) >= accuracy(before)
    assert accuracy(after) == 1.0


def test_only_static_models_can_be_tuned(tmp_path: Path) -> None:
    with pytest.raises(AssistantError, match="静态词向量模型"):
        tune_static_model(tmp_path, PROJECTS, tmp_path / "out")


def test_a_corpus_without_pairs_is_a_clear_error(tmp_path: Path, base_dir: Path) -> None:
    with pytest.raises(AssistantError, match="语料太少"):
        tune_static_model(base_dir, [], tmp_path / "out")
