"""Shared fixtures: paths to the seeds and to the songgang workbooks (skipped cleanly when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT / "corpus" / "raw"
SHARED_DIR = Path(os.environ.get("ASSISTANT_SHARED", ROOT.parent / "shared"))
SONGGANG_DIR = SHARED_DIR / "data" / "songgang"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def songgang_dir() -> Path:
    if not SONGGANG_DIR.is_dir() or not any(SONGGANG_DIR.glob("*.xlsx")):
        pytest.skip(f"songgang workbooks not found at {SONGGANG_DIR}")
    return SONGGANG_DIR


@pytest.fixture(scope="session")
def songgang_workbooks(songgang_dir: Path) -> list[Path]:
    """The 申报表 exports (the rule sheet 审核口径模板.xlsx excluded)."""
    return sorted(p for p in songgang_dir.glob("*.xlsx") if "审核口径" not in p.name)
