"""Both simulators as real processes, and terminals wired to them as the demo wires them."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from simulators.central.testing import DEFAULT_WORLD, RunningSimulator
from simulators.paygate.testing import PaygateHandle
from terminal.app import Terminal, load_catalogue
from terminal.cli.checkout import DEMO_PAYMENT_CODE, ChannelCollector
from terminal.cli.options import DEMO_CONFIGS, terminal_config

MakeTerminal = Callable[..., Terminal]


@pytest.fixture(autouse=True)
def _no_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "platform" in request.fixturenames:
        request.getfixturevalue("platform").control("DELETE", "/_sim/faults")
    if "gateway" in request.fixturenames:
        request.getfixturevalue("gateway").clear_rules()


def open_terminal(
    data_dir: Path,
    platform: RunningSimulator,
    gateway: PaygateHandle,
    *,
    kind: str = "hospital",
    offline_mode: str | None = None,
    read_timeout: float = 10.0,
) -> Terminal:
    args = argparse.Namespace(
        config=DEMO_CONFIGS[kind],
        pharmacy=kind == "pharmacy",
        platform=platform.url,
        gateway=gateway.url,
        data_dir=data_dir,
        offline_mode=offline_mode,
    )
    config = terminal_config(args)
    config = replace(config, platform=replace(config.platform, read_timeout=read_timeout))
    return Terminal.open(
        config,
        his_url=platform.url,
        catalogue=load_catalogue(DEFAULT_WORLD),
    )


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
