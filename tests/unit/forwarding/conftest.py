"""A real journal file per test, for the forwarder's unit tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from offline_store.datadir import open_journal
from offline_store.journal import Journal


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = open_journal(tmp_path / "data", create=True)
    yield opened
    opened.close()
