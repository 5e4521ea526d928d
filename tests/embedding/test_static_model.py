"""Our static word model: segmentation back-off, SIF, atomic build, idempotent default, numpy twin = ST."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.embedding import build as build_module
from assistant.embedding.build import (
    build_static_model,
    ensure_default_model,
    is_valid_static_model,
    sif_vectors,
)
from assistant.embedding.cnsyn_vectors import WordVectors
from assistant.embedding.loader import StaticEmbedder, clear_embedder_cache, load_embedder
from assistant.embedding.static import CONFIG_FILE, VocabularySegmenter
from assistant.text.tokenizer import default_tokenizer


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_embedder_cache()
    yield
    clear_embedder_cache()


def test_segmenter_backs_off_to_vocabulary_words() -> None:
    segmenter = VocabularySegmenter(default_tokenizer(), {"资金", "及时", "拨付", "率", "群"})
    assert segmenter.segment("资金及时拨付率") == ["资金", "及时", "拨付", "率"]
    assert segmenter.segment("群众，资金！") == ["群", "资金"]  # 众 unknown: dropped
    assert segmenter.segment("") == []
    assert segmenter.join("资金拨付") == "资金 拨付"


def test_sif_down_weights_frequent_words_and_removes_the_common_direction() -> None:
    rng = np.random.default_rng(0)
    common = np.ones(8, dtype=np.float32)
    vectors = (rng.standard_normal((50, 8)) * 0.2 + common).astype(np.float32)
    words = [f"w{i}" for i in range(50)]
    frequencies = {w: (1000 if i < 5 else 1) for i, w in enumerate(words)}
    plain = sif_vectors(vectors, words, frequencies, a=1e-3, remove_common_component=False)
    assert np.linalg.norm(plain[0]) < np.linalg.norm(plain[10])
    cleaned = sif_vectors(vectors, words, frequencies, a=1e-3)
    direction = common / np.linalg.norm(common)
    assert abs(float(np.mean(cleaned @ direction))) < 0.2 * abs(float(np.mean(plain @ direction)))


def test_build_writes_a_valid_model_that_both_backends_read_alike(
    tmp_path, tiny_vectors: WordVectors
) -> None:
    directory = tmp_path / "tiny"
    report = build_static_model(directory, name="tiny", variant="raw", vectors=tiny_vectors)
    assert report.vocabulary == len(tiny_vectors.words) and report.dimension == 4
    assert is_valid_static_model(directory)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left behind
    config = json.loads((directory / CONFIG_FILE).read_text(encoding="utf-8"))
    assert config["segmentation"] == "jieba" and config["details"]["variant"] == "raw"

    fast = load_embedder(str(directory))
    assert isinstance(fast, StaticEmbedder) and fast.name == "tiny"
    slow = load_embedder(str(directory), backend="sentence-transformers")
    texts = ["资金及时拨付率", "资金发放及时率", "党员培训合格率", "路灯维护", "", "完全未知"]
    a, b = fast.encode(texts), slow.encode(texts)
    np.testing.assert_allclose(a, b, atol=1e-6)
    assert a.dtype == np.float32 and a.shape == (6, 4)
    np.testing.assert_allclose(np.linalg.norm(a[:4], axis=1), 1.0, atol=1e-6)
    assert not a[4].any() and not a[5].any()  # nothing known: a zero vector, not NaN
    scores = a[1:4] @ a[0]
    assert scores.argmax() == 0  # 资金发放及时率 is the nearest to 资金及时拨付率


def test_rebuilding_replaces_the_model_atomically(tmp_path, tiny_vectors: WordVectors) -> None:
    directory = tmp_path / "m"
    build_static_model(directory, name="m", variant="raw", vectors=tiny_vectors)
    first = (directory / "model.safetensors").read_bytes()
    build_static_model(directory, name="m", variant="sif", vectors=tiny_vectors)
    assert is_valid_static_model(directory)
    assert (directory / "model.safetensors").read_bytes() != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]


def test_default_model_is_built_once_and_rebuilt_when_broken(tmp_path, monkeypatch, tiny_vectors) -> None:
    monkeypatch.setenv("ASSISTANT_MODELS", str(tmp_path))
    monkeypatch.setattr(build_module, "read_cnsyn_vectors", lambda: tiny_vectors)
    directory, report = ensure_default_model()
    assert report is not None and directory == tmp_path / build_module.DEFAULT_MODEL_NAME
    assert ensure_default_model() == (directory, None)  # idempotent: kept as is
    (directory / CONFIG_FILE).write_text("{broken", encoding="utf-8")
    assert not is_valid_static_model(directory)
    _, again = ensure_default_model()
    assert again is not None and is_valid_static_model(directory)
    embedder = load_embedder(None)
    assert embedder.name == build_module.DEFAULT_MODEL_NAME and embedder.dimension == 4
    assert load_embedder(None) is embedder  # cached per process
