"""A real simulator process per test (fresh database), and a client for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from simulators.central.testing import PlatformClient, RunningSimulator, start_simulator


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[RunningSimulator]:
    running = start_simulator(tmp_path)
    yield running
    running.stop()


@pytest.fixture
def client(sim: RunningSimulator) -> PlatformClient:
    return PlatformClient(sim.url)
