"""Fixtures for the journal's unit tests: a real journal file and a controllable clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from journal_helpers import FakeClock

from offline_store.journal import Journal


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def journal_paths(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "journal.db", tmp_path / "keys" / "journal.key"


@pytest.fixture
def journal(journal_paths: tuple[Path, Path], clock: FakeClock) -> Iterator[Journal]:
    db_path, key_path = journal_paths
    opened = Journal.open(db_path, key_path, clock=clock)
    yield opened
    opened.close()
