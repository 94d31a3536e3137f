"""A real simulator process and a real journal per test, for the forwarder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from simulators.central.queued_purchases import QueuingTerminal
from simulators.central.testing import RunningSimulator, start_simulator


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[RunningSimulator]:
    running = start_simulator(tmp_path)
    yield running
    running.stop()


@pytest.fixture
def terminal(sim: RunningSimulator, tmp_path: Path) -> Iterator[QueuingTerminal]:
    opened = QueuingTerminal.open(sim.url, tmp_path / "data")
    yield opened
    opened.close()
