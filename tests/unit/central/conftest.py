"""Fixtures of the platform-client unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from platform_fakes import ScriptedServer


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    yield scripted
    scripted.close()
