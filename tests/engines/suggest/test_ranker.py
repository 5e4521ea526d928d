"""The learned ranker: numpy inference, Platt calibration, atomic save/load with version checks."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.engines.suggest.ranker import (
    MODEL_FEATURES,
    LinearRanker,
    fit_platt,
    load_ranker,
    train_ranker,
)
from assistant.errors import StoreError


def _toy(n: int = 400, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.random((n, len(MODEL_FEATURES)))
    y = (x[:, 0] + 0.2 * rng.standard_normal(n) > 0.6).astype(int)
    return x, y, np.arange(n) // 4


def test_training_learns_the_signal_and_calibrates():
    x, y, groups = _toy()
    ranker = train_ranker(x, y, groups)
    assert ranker.weights[0] == max(ranker.weights)  # nb_share carries the signal
    p = ranker.confidence(x)
    assert ((0 <= p) & (p <= 1)).all()
    # calibrated: mean confidence close to the base rate, and positives above negatives
    assert abs(p.mean() - y.mean()) < 0.05
    assert p[y == 1].mean() > p[y == 0].mean() + 0.3


def test_save_load_roundtrip(tmp_path):
    x, y, groups = _toy()
    ranker = train_ranker(x, y, groups)
    path = ranker.save(tmp_path / "suggest" / "ranker.npz")
    loaded = LinearRanker.load(path)
    assert loaded.features == MODEL_FEATURES
    np.testing.assert_allclose(loaded.confidence(x), ranker.confidence(x))
    assert not list(tmp_path.glob("**/*.tmp.npz"))


def test_bad_model_files_are_errors(tmp_path):
    bad = tmp_path / "ranker.npz"
    bad.write_bytes(b"not a model")
    with pytest.raises(StoreError, match="ranker.npz"):
        LinearRanker.load(bad)
    ranker = LinearRanker.heuristic()
    path = ranker.save(tmp_path / "old.npz")
    with np.load(path) as data:
        arrays = dict(data)
    arrays["version"] = np.asarray(0)
    np.savez(tmp_path / "old.npz", **arrays)
    with pytest.raises(StoreError, match="format 0"):
        LinearRanker.load(tmp_path / "old.npz")


def test_missing_model_falls_back_to_heuristic(tmp_path):
    assert load_ranker(tmp_path / "absent.npz").name == "heuristic"


def test_platt_on_separable_data_stays_finite():
    a, b = fit_platt(np.array([-2.0, -1.0, 1.0, 2.0]), np.array([0, 0, 1, 1]))
    assert np.isfinite([a, b]).all() and a > 0
    assert fit_platt(np.array([1.0, 2.0]), np.array([1, 1])) == (1.0, 0.0)


def test_missing_features_read_as_zero():
    ranker = LinearRanker.heuristic()
    x = ranker.matrix([{"nb_share": 1.0}, {}])
    assert x.shape == (2, len(MODEL_FEATURES)) and x[1].sum() == 0
    assert ranker.logits(x)[0] > ranker.logits(x)[1]


def test_interactions_are_products_of_features():
    ranker = LinearRanker.heuristic()
    x = ranker.matrix([{"top1": 1.0, "name_sim": 0.4, "nb_share": 0.5}])[0]
    column = dict(zip(ranker.features, x, strict=True))
    assert column["top1*name_sim"] == 0.4 and column["nb_share*name_sim"] == 0.2
    assert column["goal_idf*nb_share"] == 0.0


def test_a_model_saved_before_the_interactions_still_reads_its_own_features(tmp_path):
    from assistant.engines.suggest.ranker import FEATURES

    n = len(FEATURES)
    old = LinearRanker(FEATURES, np.zeros(n), np.ones(n), np.ones(n), 0.0)
    loaded = LinearRanker.load(old.save(tmp_path / "old.npz"))
    assert loaded.matrix([{"top1": 1.0, "name_sim": 0.5}]).shape == (1, n)
