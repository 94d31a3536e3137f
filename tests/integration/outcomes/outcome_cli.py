"""Helpers of the tests of this folder: the terminal's command line as a technician runs it (a
real `medterm` process) against both simulators as real processes, and the journal it leaves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def latest_transaction(data_dir: Path) -> tuple[Any, list[Any]]:
    """The newest transaction of the journal and its payments, read from the real file."""
    journal = open_journal(data_dir)
    try:
        tx = max(journal.transactions(), key=lambda t: t.created_at)
        return tx, journal.payments_of(tx.tx_id)
    finally:
        journal.close()
