"""The fast reliability cases of scripts/chaos.py, through the real command line (slow ones: the script)."""

from __future__ import annotations

import pytest

from tests.reliability.chaos import CASES, FAST, run_case


@pytest.mark.parametrize("key", FAST)
def test_fast_reliability_case_holds(key: str) -> None:
    result = run_case(key)
    assert result.held, f"{result.name}: {result.outcome}"


def test_every_fast_case_is_a_case() -> None:
    assert set(FAST) <= set(CASES) and len(CASES) >= 12
