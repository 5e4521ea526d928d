"""A small learned ranker: logistic regression over candidate features, Platt-calibrated.

Training (:func:`train_ranker`, needs scikit-learn) uses leave-one-project-out targets: for every
past project, the candidates generated *without* it are labelled 1 when they match one of its true
indicators in the same slot (:func:`~assistant.text.similarity.names_match`). Inference is numpy only: standardise,
dot product, sigmoid, then a Platt map fitted on held-out folds so that ``confidence`` reads as a
probability that the suggestion is one the drafter would have written.

The model is a ``.npz`` of plain arrays (feature names, mean, scale, weights, bias, Platt a/b and a
format version) under ``models/suggest/ranker.npz``; a version or feature mismatch is an error
naming the file, never a silent misread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.atomic import atomic_path
from assistant.errors import StoreError

FORMAT_VERSION = 1
FEATURES: tuple[str, ...] = (
    "nb_share",  # rank-weighted share of neighbour projects using the template
    "sim_share",  # the same share weighted by name similarity to the draft
    "slot_share",  # nb_share among the neighbours that fill this slot at all
    "top1",  # the nearest neighbour uses it
    "nb_top",  # 1/(1+rank) of the nearest neighbour using it
    "nb_count",  # share of neighbours using it
    "name_sim",  # best name similarity between the draft and a neighbour using it
    "hit_best",  # 1/(1+rank) of its best direct indicator hit
    "prior",  # share of past projects (with this slot) using it
    "goal_cov",  # share of its name's bigrams found in the draft's name + goal
    "goal_idf",  # the same share, bigrams weighted by rarity (IDF over past names)
    "name_idf",  # IDF-weighted share found in the draft's name alone
    "mention",  # its value comes from a count/amount/rate in the goal
    "goal_only",  # a new indicator named from the goal's own object
    "measurable",  # share of its past values that are measurable
    "slot_rank",  # 1/(1+rank) within its slot by neighbour share
    "support",  # log-scaled number of supporting past rows
    "earlier_year",  # one of its rows is in the same project's earlier-year table
    "library_match",  # best name similarity to an indicator-library template for the draft's domains
)
#: Products a linear model cannot form itself: a neighbour's vote is worth more when the neighbour is
#: named like the draft. (Chosen on cross-validated leave-one-out candidates: R@10 of the top ten by
#: score 0.419 → 0.431; a development figure, the pairs were picked on it.)
INTERACTIONS: tuple[tuple[str, str], ...] = (
    ("top1", "name_sim"),
    ("nb_share", "name_sim"),
    ("nb_top", "name_sim"),
    ("slot_share", "name_sim"),
    ("goal_idf", "nb_share"),
)
#: The model's inputs, in order: every feature, then every interaction (named ``a*b``).
MODEL_FEATURES: tuple[str, ...] = FEATURES + tuple(f"{a}*{b}" for a, b in INTERACTIONS)


def feature_vector(features: dict[str, float], names: Sequence[str] = MODEL_FEATURES) -> list[float]:
    """A candidate's features in the order of ``names`` (missing → 0; ``a*b`` is their product).

    Example:
        >>> feature_vector({"top1": 1.0, "name_sim": 0.5}, ("top1", "name_sim", "top1*name_sim", "prior"))
        [1.0, 0.5, 0.5, 0.0]
    """
    out = []
    for name in names:
        a, star, b = name.partition("*")
        out.append(features.get(a, 0.0) * features.get(b, 0.0) if star else features.get(name, 0.0))
    return out


def default_model_path() -> Path:
    """``<repo>/models/suggest/ranker.npz``."""
    return Path(__file__).resolve().parents[3] / "models" / "suggest" / "ranker.npz"


@dataclass(frozen=True)
class LinearRanker:
    """Standardised logistic scorer with a Platt calibration map (numpy inference)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    platt_a: float = 1.0
    platt_b: float = 0.0
    name: str = "learned"

    def matrix(self, rows: Sequence[dict[str, float]]) -> np.ndarray:
        """Feature dicts → an (n, d) array in this ranker's feature order (missing → 0)."""
        return np.asarray([feature_vector(r, self.features) for r in rows], dtype=np.float64).reshape(
            len(rows), len(self.features)
        )

    def logits(self, x: np.ndarray) -> np.ndarray:
        """Uncalibrated scores (higher is better)."""
        return ((x - self.mean) / self.scale) @ self.weights + self.bias

    def confidence(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probabilities in [0, 1]."""
        z = self.platt_a * self.logits(x) + self.platt_b
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))

    def save(self, path: Path | str) -> Path:
        """Write the model atomically (temp file + rename)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp, open(tmp, "wb") as handle:
            np.savez(
                handle,
                version=np.asarray(FORMAT_VERSION),
                features=np.asarray(self.features),
                mean=self.mean,
                scale=self.scale,
                weights=self.weights,
                bias=np.asarray(self.bias),
                platt=np.asarray([self.platt_a, self.platt_b]),
            )
        return path

    @classmethod
    def load(cls, path: Path | str) -> LinearRanker:
        """Read a saved model; a wrong version or feature set raises :class:`StoreError`."""
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                version = int(data["version"])
                features = tuple(str(f) for f in data["features"])
                if version != FORMAT_VERSION:
                    raise StoreError(
                        f"{path}: ranker format {version}, expected {FORMAT_VERSION}; retrain it"
                    )
                platt = data["platt"]
                return cls(
                    features=features,
                    mean=data["mean"].astype(np.float64),
                    scale=data["scale"].astype(np.float64),
                    weights=data["weights"].astype(np.float64),
                    bias=float(data["bias"]),
                    platt_a=float(platt[0]),
                    platt_b=float(platt[1]),
                )
        except (OSError, KeyError, ValueError) as error:
            raise StoreError(f"{path}: not a readable ranker model ({error}); retrain it") from error

    @classmethod
    def heuristic(cls) -> LinearRanker:
        """Hand-set weights (the "without ranker" ablation and the fallback when no model is saved)."""
        weights = {
            "nb_share": 2.0,
            "nb_top": 1.5,
            "name_sim": 1.0,
            "prior": 0.5,
            "goal_cov": 0.5,
            "mention": 0.5,
            "measurable": 0.3,
        }
        w = np.asarray([weights.get(f, 0.0) for f in MODEL_FEATURES])
        return cls(
            features=MODEL_FEATURES,
            mean=np.zeros(len(MODEL_FEATURES)),
            scale=np.ones(len(MODEL_FEATURES)),
            weights=w,
            bias=-2.5,
            name="heuristic",
        )


def load_ranker(path: Path | str | None = None) -> LinearRanker:
    """The saved model at ``path`` (default :func:`default_model_path`), else the heuristic one."""
    path = Path(path) if path else default_model_path()
    if not path.exists():
        return LinearRanker.heuristic()
    return LinearRanker.load(path)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def fit_platt(logits: np.ndarray, labels: np.ndarray, iterations: int = 200) -> tuple[float, float]:
    """Platt scaling: fit ``p = σ(a·z + b)`` by Newton's method on held-out logits.

    Uses Platt's smoothed targets so a perfectly separable fold does not blow up ``a``.
    """
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    positives, negatives = y.sum(), len(y) - y.sum()
    if positives == 0 or negatives == 0:
        return 1.0, 0.0
    t = np.where(y > 0, (positives + 1) / (positives + 2), 1 / (negatives + 2))
    a, b = 1.0, 0.0
    for _ in range(iterations):
        p = _sigmoid(a * z + b)
        g = np.array([np.sum((p - t) * z), np.sum(p - t)])
        w = p * (1 - p) + 1e-9
        h = np.array([[np.sum(w * z * z), np.sum(w * z)], [np.sum(w * z), np.sum(w)]]) + 1e-6 * np.eye(2)
        step = np.linalg.solve(h, g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-8:
            break
    return float(a), float(b)


def train_ranker(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, *, folds: int = 5, c: float = 1.0, seed: int = 0
) -> LinearRanker:
    """Fit the logistic ranker on all rows and its Platt map on out-of-fold logits.

    ``groups`` (the held-out project of each row) keep one project's candidates in one fold, so the
    calibration is measured on projects the model did not see.
    """
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0

    def fit(rows: np.ndarray) -> tuple[np.ndarray, float]:
        model = LogisticRegression(C=c, max_iter=2000, class_weight=None)
        model.fit((x[rows] - mean) / scale, y[rows])
        return model.coef_[0].astype(np.float64), float(model.intercept_[0])

    unique = np.unique(groups)
    rng = np.random.default_rng(seed)
    fold_of = dict(zip(unique.tolist(), rng.permutation(len(unique)) % max(folds, 2), strict=True))
    fold = np.asarray([fold_of[g] for g in groups.tolist()])
    held_logits = np.zeros(len(y))
    for f in range(max(folds, 2)):
        train, test = fold != f, fold == f
        if test.sum() == 0 or len(np.unique(y[train])) < 2:
            continue
        w, b = fit(np.flatnonzero(train))
        held_logits[test] = ((x[test] - mean) / scale) @ w + b
    if len(np.unique(y)) < 2:
        return LinearRanker.heuristic()
    weights, bias = fit(np.arange(len(y)))
    a, b = fit_platt(held_logits, y)
    return LinearRanker(
        features=MODEL_FEATURES, mean=mean, scale=scale, weights=weights, bias=bias, platt_a=a, platt_b=b
    )
