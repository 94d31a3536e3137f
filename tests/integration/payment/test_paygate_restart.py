"""The gateway's ledger is its SQLite file: a restart, even a kill, loses no order or refund."""

from __future__ import annotations

from pathlib import Path

from simulators.paygate.testing import start_paygate
from terminal.domain.money import Money
from terminal.payment import GatewayClient, PaymentCodeChannel, PaymentState

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
