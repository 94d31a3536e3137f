"""Fixtures of the command-line tests (helpers: cli_helpers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import Store, make_store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A terminal's data directory with a real journal: a transaction and a dead letter."""
    return make_store(tmp_path / "terminal")
