"""`medterm checkout` when the platform refuses: the person reads the platform's own reason
(for an e-voucher used already, the reason is the whole point), and no log line carries it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from simulators.central.testing import RunningSimulator
from simulators.paygate.testing import PaygateHandle
from terminal.cli import main

WITH_ORDERS = "44030000000000000015"  # has unpaid hospital orders
REASON = "电子凭证已使用"  # the simulator's 1162 refusal of a voucher decoded before


def test_a_reused_e_voucher_prints_the_platforms_reason_and_logs_none_of_it(
    platform: RunningSimulator,
    gateway: PaygateHandle,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    qr = platform.control("POST", "/_sim/voucher", {"psn_no": WITH_ORDERS, "ttl": 120})["qr"]
    argv = ["checkout", "--voucher", qr, "--platform", platform.url, "--gateway", gateway.url]
    argv += ["--data-dir", str(tmp_path), "--create-journal"]
    assert main(argv) == 0
    capsys.readouterr()
    caplog.set_level(logging.DEBUG)

    assert main(argv) == 2

    stderr = capsys.readouterr().err
    assert "[E101]" in stderr
    assert f"platform's message: {REASON}" in stderr
    refusal_logged = [r for r in caplog.records if "1162" in r.getMessage()]
    assert refusal_logged, "the refused 1162 is logged (without its message)"
    assert REASON not in caplog.text
