"""Fixtures of the tests of this folder: what a careless setting or a hostile network does to
money, through real `medterm` processes and both simulators (helpers in outcome_cli.py)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulators.central.testing import RunningSimulator
from simulators.paygate.testing import PaygateHandle


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One terminal's data directory for the module: its msgid counter carries on from test to
    test, as a real terminal's does (two fresh journals of one slot against one platform in
    the same second would make the same msgids, and the platform would refuse the second)."""
    return tmp_path_factory.mktemp("terminal") / "data"


_SLOTS = itertools.count(2)  # slot 1 is the demo configuration's, used by `data_dir`


@pytest.fixture
def own_terminal(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A terminal of its own for one test: its data directory and its msgid slot (fresh
    journals on one slot would make the same msgids within a second)."""
    slot = next(_SLOTS)
    assert slot <= 9, "the demo configuration has one slot digit"
    return tmp_path / "data", {"MEDTERM__TERMINAL__SLOT": str(slot)}


@pytest.fixture(autouse=True)
def _no_faults(platform: RunningSimulator, gateway: PaygateHandle) -> Iterator[None]:
    yield
    platform.control("DELETE", "/_sim/faults")
    gateway.clear_rules()
