"""The terminal's command line as a technician runs it (a real `medterm` process) against both
simulators as real processes: what a careless setting or a hostile network does to money."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from offline_store.datadir import open_journal
from simulators.central.testing import DEFAULT_WORLD, RunningSimulator
from simulators.paygate.testing import PaygateHandle
from terminal.cli.options import DEMO_CONFIGS

COMMAND_TIMEOUT = 120.0
# 张伟 of the default world (worked example 1) and a catalogue item of it.
CERTNO = "440300198503121010"
ITEM = "X1:10.00:1"


@dataclass(frozen=True)
class Ran:
    status: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def medterm(*argv: str, env: Mapping[str, str] | None = None) -> Ran:
    """One `python -m terminal.cli ...` process, bounded in time."""
    done = subprocess.run(
        [sys.executable, "-m", "terminal.cli", *argv],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def terminal_args(
    data_dir: Path, platform: RunningSimulator, gateway: PaygateHandle
) -> tuple[str, ...]:
    """The demo kiosk's configuration, pointed at these simulators and this data directory."""
    return (
        "--config",
        str(DEMO_CONFIGS["hospital"]),
        "--platform",
        platform.url,
        "--gateway",
        gateway.url,
        "--data-dir",
        str(data_dir),
    )


def checkout(
    data_dir: Path,
    platform: RunningSimulator,
    gateway: PaygateHandle,
    *extra: str,
    env: Mapping[str, str] | None = None,
) -> Ran:
    return medterm(
        "checkout",
        *terminal_args(data_dir, platform, gateway),
        "--create-journal",
        "--certno",
        CERTNO,
        "--item",
        ITEM,
        "--catalogue",
        str(DEFAULT_WORLD),
        "--no-account",  # the whole person's part is self-pay: money moves at the gateway
        "--json",
        *extra,
        env=env,
    )


def queue_status(data_dir: Path) -> dict[str, Any]:
    ran = medterm("queue", "status", "--data-dir", str(data_dir), "--json")
    assert ran.status == 0, ran.err
    return dict(ran.json())


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One terminal's data directory for the module: its msgid counter carries on from test to
    test, as a real terminal's does (two fresh journals of one slot against one platform in
    the same second would make the same msgids, and the platform would refuse the second)."""
    return tmp_path_factory.mktemp("terminal") / "data"


def latest_transaction(data_dir: Path) -> tuple[Any, list[Any]]:
    """The newest transaction of the journal and its payments, read from the real file."""
    journal = open_journal(data_dir)
    try:
        tx = max(journal.transactions(), key=lambda t: t.created_at)
        return tx, journal.payments_of(tx.tx_id)
    finally:
        journal.close()


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
