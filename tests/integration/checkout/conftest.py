"""Both simulators as real processes, and terminals wired to them as the demo wires them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from terminals import open_terminal

from simulators.central.testing import RunningSimulator
from simulators.paygate.testing import PaygateHandle
from terminal.app import Terminal
from terminal.cli.checkout import DEMO_PAYMENT_CODE, ChannelCollector

MakeTerminal = Callable[..., Terminal]


@pytest.fixture(autouse=True)
def _no_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "platform" in request.fixturenames:
        request.getfixturevalue("platform").control("DELETE", "/_sim/faults")
    if "gateway" in request.fixturenames:
        request.getfixturevalue("gateway").clear_rules()


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One journal per kind of terminal for the module: like one real terminal, its msgid
    counter carries on from test to test (two journals of one slot against one platform in
    the same second would make the same msgids, as two misconfigured terminals would)."""
    return tmp_path_factory.mktemp("terminals")


@pytest.fixture
def make_terminal(
    data_root: Path, platform: RunningSimulator, gateway: PaygateHandle
) -> Iterator[MakeTerminal]:
    opened: list[Terminal] = []

    def make(*, kind: str = "hospital", **options: object) -> Terminal:
        terminal = open_terminal(data_root / kind, platform, gateway, kind=kind, **options)  # type: ignore[arg-type]
        opened.append(terminal)
        return terminal

    yield make
    for terminal in opened:
        terminal.close()


def paycode(terminal: Terminal) -> ChannelCollector:
    return ChannelCollector(terminal, "paycode", DEMO_PAYMENT_CODE, payer_ref="test")
