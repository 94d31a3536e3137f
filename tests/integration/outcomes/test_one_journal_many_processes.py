"""Several `medterm load` processes on one data directory (issue 11, class 5): recovery at the
start of each takes over only the transactions whose owner is gone, so no process finishes,
cancels or refunds a sale another is still running; a killed process's sale is taken over."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from outcome_cli import COMMAND_TIMEOUT, medterm, terminal_args

from offline_store.datadir import open_journal
from simulators.central.testing import DEFAULT_WORLD, RunningSimulator
from simulators.paygate.testing import PaygateHandle

FINAL = {"completed", "cancelled"}
# Seeds whose checkouts all complete on the default world when run alone (some people of the
# world are refused by design, e.g. a suspended insurance): any other outcome is the test's.


def start_load(
    data_dir: Path,
    platform: RunningSimulator,
    gateway: PaygateHandle,
    env: dict[str, str],
    count: int,
    seed: int,
) -> subprocess.Popen[str]:
    argv = [
        sys.executable,
        "-m",
        "terminal.cli",
        "load",
        *terminal_args(data_dir, platform, gateway),
        "--create-journal",
        "--world",
        str(DEFAULT_WORLD),
        "--transactions",
        str(count),
        "--seed",
        str(seed),
        "--progress",
        "--json",
    ]
    return subprocess.Popen(
        argv, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_progress(load: subprocess.Popen[str], lines: int) -> None:
    """Block until the load has printed `lines` progress lines (checkouts ended)."""
    assert load.stdout is not None
    for _ in range(lines):
        assert load.stdout.readline(), "the load ended early"


def summary(load: subprocess.Popen[str]) -> dict[str, Any]:
    """The load's JSON summary, after its progress lines."""
    out, err = load.communicate(timeout=COMMAND_TIMEOUT)
    assert load.returncode == 0, err
    return dict(json.loads(out[out.index("{") :]))


def states(data_dir: Path) -> list[str]:
    journal = open_journal(data_dir)
    try:
        return [tx.state.value for tx in journal.transactions()]
    finally:
        journal.close()


def test_three_loads_on_one_journal_never_take_over_each_others_sales(
    platform: RunningSimulator, gateway: PaygateHandle, own_terminal: tuple[Path, dict[str, str]]
) -> None:
    data_dir, env = own_terminal
    first = start_load(data_dir, platform, gateway, env, 12, seed=2)
    wait_progress(first, 1)  # running: each later load's recovery sees its live sale
    others = [start_load(data_dir, platform, gateway, env, 6, seed=n) for n in (3, 5)]

    results = [summary(load) for load in (first, *others)]

    for result, count in zip(results, (12, 6, 6), strict=True):
        assert result["outcomes"] == {"completed": count}, result
        assert set(result["recovered"]) <= {"left to their running owner"}, result
    assert states(data_dir) == ["completed"] * 24
    verify = medterm("journal", "verify", "--data-dir", str(data_dir))
    assert verify.status == 0, verify.out + verify.err


def test_a_killed_load_s_sale_is_taken_over_while_a_live_one_s_is_left_alone(
    platform: RunningSimulator, gateway: PaygateHandle, own_terminal: tuple[Path, dict[str, str]]
) -> None:
    data_dir, env = own_terminal
    killed = start_load(data_dir, platform, gateway, env, 500, seed=6)
    wait_progress(killed, 2)
    live = start_load(data_dir, platform, gateway, env, 30, seed=10)
    wait_progress(live, 1)
    killed.send_signal(signal.SIGKILL)
    killed.communicate(timeout=COMMAND_TIMEOUT)

    recovery = medterm(
        "load",
        *terminal_args(data_dir, platform, gateway),
        "--world",
        str(DEFAULT_WORLD),
        "--transactions",
        "0",
        "--json",
        env=env,
    )
    while_live = states(data_dir)

    assert recovery.status == 0, recovery.err
    assert "left for later" not in recovery.json()["recovered"]
    assert summary(live)["outcomes"] == {"completed": 30}, "the live load lost nothing"
    assert sum(state not in FINAL for state in while_live) <= 1, "only the live sale is open"
    assert set(states(data_dir)) <= FINAL, "the killed load's sale was taken over"
    verify = medterm("journal", "verify", "--data-dir", str(data_dir))
    assert verify.status == 0, verify.out + verify.err
