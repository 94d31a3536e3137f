"""A platform that refuses the terminal's sign-in is a misconfiguration, not an outage (issue 11,
class 3): no money is taken, the terminal stops selling with the platform's reason, `queue
status` shows it, the forwarder stops instead of retrying forever, and a successful sign-in is
what lifts the stop. Through `medterm` processes and both simulators."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from outcome_cli import checkout, medterm, queue_status, terminal_args

from offline_store.datadir import open_journal
from simulators.central.testing import RunningSimulator
from simulators.paygate.testing import PaygateHandle

WRONG_CODE = {"MEDTERM__TERMINAL__FIXMEDINS_CODE": "H44030009999"}
REASON = "定点机构编码未知"  # the simulator's own words for an unknown institution
Terminal = tuple[Path, dict[str, str]]  # its data directory and its environment


@pytest.fixture
def stopped_terminal(
    platform: RunningSimulator, gateway: PaygateHandle, own_terminal: Terminal
) -> Terminal:
    """A terminal whose sign-in the platform has refused once (its configuration wrong)."""
    data_dir, env = own_terminal
    checkout(data_dir, platform, gateway, env={**env, **WRONG_CODE})
    return own_terminal


def transactions(data_dir: Path) -> list[str]:
    journal = open_journal(data_dir)
    try:
        return [tx.state.value for tx in journal.transactions()]
    finally:
        journal.close()


def go_offline(platform: RunningSimulator) -> None:
    platform.control("POST", "/_sim/faults", {"rules": [{"mode": "offline", "probability": 1}]})


def test_a_refused_sign_in_takes_no_money_and_says_why(
    platform: RunningSimulator,
    gateway: PaygateHandle,
    own_terminal: Terminal,
) -> None:
    data_dir, env = own_terminal
    orders_before = set(gateway.orders())

    ran = checkout(data_dir, platform, gateway, env={**env, **WRONG_CODE})

    assert ran.status == 2, ran.out
    assert "[E110]" in ran.err and REASON in ran.err, ran.err
    assert "offline" not in ran.out + ran.err
    assert set(gateway.orders()) == orders_before, "no money was taken"
    assert transactions(data_dir) == ["cancelled"]
    assert queue_status(data_dir)["pending"] == 0, "nothing queued for a platform that refuses"


def test_after_a_refusal_selling_stays_stopped_and_queue_status_says_why(
    platform: RunningSimulator, gateway: PaygateHandle, stopped_terminal: Terminal
) -> None:
    data_dir, env = stopped_terminal

    again = checkout(data_dir, platform, gateway, env={**env, **WRONG_CODE})

    assert again.status == 2
    assert "[E230]" in again.err and REASON in again.err, again.err
    assert transactions(data_dir) == ["cancelled"], "the refused sale never started"
    stop = queue_status(data_dir)["selling_stopped"]
    assert stop["code"] == "E110" and REASON in stop["reason"]
    shown = medterm("queue", "status", "--data-dir", str(data_dir))
    assert "SELLING STOPPED" in shown.out and REASON in shown.out


def test_a_stopped_terminal_does_not_sell_offline_when_the_platform_is_unreachable(
    platform: RunningSimulator, gateway: PaygateHandle, stopped_terminal: Terminal
) -> None:
    data_dir, env = stopped_terminal
    orders_before = set(gateway.orders())
    go_offline(platform)

    ran = checkout(data_dir, platform, gateway, env=env)  # configuration fixed, link down

    assert ran.status == 2
    assert "[E230]" in ran.err and "could not be asked again" in ran.err, ran.err
    assert set(gateway.orders()) == orders_before
    assert queue_status(data_dir)["selling_stopped"] is not None


def test_a_successful_sign_in_lifts_the_stop(
    platform: RunningSimulator, gateway: PaygateHandle, stopped_terminal: Terminal
) -> None:
    data_dir, env = stopped_terminal

    fixed = checkout(data_dir, platform, gateway, env=env)

    assert fixed.status == 0, fixed.err
    assert fixed.json()["state"] == "completed"
    assert queue_status(data_dir)["selling_stopped"] is None


def test_the_forwarder_stops_at_a_refused_sign_in_with_the_reason_and_keeps_the_queue(
    platform: RunningSimulator,
    gateway: PaygateHandle,
    own_terminal: Terminal,
) -> None:
    data_dir, env = own_terminal
    go_offline(platform)
    sold = checkout(data_dir, platform, gateway, env=env)
    assert sold.status == 0 and sold.json()["offline"], sold.err
    queued = queue_status(data_dir)["pending"]
    platform.control("DELETE", "/_sim/faults")
    drain = ("queue", "drain", *terminal_args(data_dir, platform, gateway), "--timeout", "60")

    started = time.monotonic()
    refused = medterm(*drain, env={**env, **WRONG_CODE})

    assert time.monotonic() - started < 30, "a refused sign-in is not retried until the timeout"
    assert refused.status == 2
    assert "forwarding stopped" in refused.err and REASON in refused.err, refused.err
    status = queue_status(data_dir)
    assert (status["pending"], status["dead_letters_open"]) == (queued, 0)
    assert REASON in status["selling_stopped"]["reason"]
    forwarded = medterm(*drain, env=env)
    assert forwarded.status == 0, forwarded.err
    assert queue_status(data_dir)["selling_stopped"] is None
