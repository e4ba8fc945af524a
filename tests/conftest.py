"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """The team's real export files (``../shared/fixtures``); skip when absent."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(f"real export fixtures not found at {SHARED_FIXTURES}")
    return SHARED_FIXTURES


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Small hand-written fixtures kept in the repository (tests/data)."""
    return DATA
