"""Reciprocal-rank fusion by hand."""

from __future__ import annotations

import pytest

from assistant.store.hybrid import reciprocal_rank_fusion


def test_rrf_matches_the_formula() -> None:
    fused = reciprocal_rank_fusion(
        [[("a", 9.0), ("b", 5.0)], [("b", 0.9), ("c", 0.8), ("a", 0.1)]], 10, constant=60
    )
    assert fused == [
        ("b", pytest.approx(1 / 62 + 1 / 61)),
        ("a", pytest.approx(1 / 61 + 1 / 63)),
        ("c", pytest.approx(1 / 62)),
    ]


def test_ties_keep_first_appearance_and_k_caps() -> None:
    fused = reciprocal_rank_fusion([[("x", 1.0)], [("y", 1.0)]], 1)
    assert fused == [("x", pytest.approx(1 / 61))]
    assert reciprocal_rank_fusion([[("x", 1.0)]], 0) == []
    assert reciprocal_rank_fusion([], 5) == []
