"""Bootstrap intervals for the quality figures: every mean we report comes with its 95% interval."""

from __future__ import annotations

from collections.abc import Sequence


def bootstrap_ci(
    values: Sequence[float], *, rounds: int = 2000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """The percentile bootstrap interval of the mean of ``values`` (resampling the items, e.g. projects).

    Example:
        >>> low, high = bootstrap_ci([0.0, 1.0] * 50)
        >>> 0.39 < low < 0.5 < high < 0.61
        True
    """
    import numpy as np  # lazily: the CLI builds its parser (and imports this module) for every command

    data = np.asarray(values, dtype=np.float64)
    if data.size == 0:
        return 0.0, 0.0
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, data.size, size=(rounds, data.size))].mean(axis=1)
    tail = (1.0 - level) / 2.0
    return float(np.quantile(means, tail)), float(np.quantile(means, 1.0 - tail))


def mean_ci(values: Sequence[float]) -> str:
    """``0.412 [0.371, 0.455]``: a mean with its 95% bootstrap interval, as the reports print it."""
    if not len(values):
        return "–"
    low, high = bootstrap_ci(values)
    return f"{sum(values) / len(values):.3f} [{low:.3f}, {high:.3f}]"
