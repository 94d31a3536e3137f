"""The gateway's ledger is its SQLite file: a restart, even a kill, loses no order or refund."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from kernel.money import Money
from simulators.paygate.testing import start_paygate
from terminal.payment import GatewayClient, PaymentAmbiguous, PaymentCodeChannel, PaymentState

PAYCODE = "284567890123456789"


def test_orders_and_refunds_survive_a_kill_and_restart(tmp_path: Path) -> None:
    gateway = start_paygate(tmp_path)
    client = GatewayClient(gateway.url)
    channel = PaymentCodeChannel(client)
    paid = channel.charge("RST0000001", Money("20.00"), PAYCODE)
    channel.refund("RST0000001", "RSTR000001", Money("5.00"))
    client.close()
    gateway.kill()

    gateway = start_paygate(tmp_path)
    try:
        client = GatewayClient(gateway.url)
        again = PaymentCodeChannel(client).query("RST0000001")
        assert again.state is PaymentState.PAID
        assert again.gateway_trade_no == paid.gateway_trade_no
        assert again.refunded == Money("5.00")
        assert set(gateway.refunds()) == {"RSTR000001"}
        client.close()
    finally:
        gateway.stop()


def test_gateway_dying_while_the_customer_confirms_is_ambiguous_and_resolved_after_restart(
    tmp_path: Path,
) -> None:
    gateway = start_paygate(tmp_path)
    gateway.set_rules({"mode": "userpaying", "ms": 1500})
    client = GatewayClient(gateway.url, query_attempts=1)
    channel = PaymentCodeChannel(client, poll_interval=0.05, pay_timeout=0.5)
    killer = threading.Timer(0.2, gateway.kill)
    killer.start()
    with pytest.raises(PaymentAmbiguous):
        channel.charge("DIE0000001", Money("7.00"), PAYCODE)
    killer.join()
    client.close()

    gateway = start_paygate(tmp_path)
    try:
        client = GatewayClient(gateway.url)
        time.sleep(1.5)  # the customer's confirmation lands while the terminal was blind
        assert PaymentCodeChannel(client).query("DIE0000001").state is PaymentState.PAID
        client.close()
    finally:
        gateway.stop()
