"""The patient scans the terminal's QR code and pays from their phone."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import requests

from kernel.money import Money
from simulators.paygate.testing import PaygateHandle
from terminal.payment import (
    GatewayClient,
    PaymentDeclined,
    PaymentRejected,
    PaymentTimeout,
    QrChannel,
    QrOrder,
)


@pytest.fixture
def channel(client: GatewayClient) -> QrChannel:
    return QrChannel(client, poll_interval=0.05, pay_timeout=5.0)


def patient_pays_after(
    paygate: PaygateHandle, seconds: float, outcome: str = "success"
) -> Callable[[QrOrder], None]:
    def show(order: QrOrder) -> None:
        threading.Timer(seconds, paygate.pay, args=(order.order_no, outcome)).start()

    return show


def test_qr_payment_completes_when_the_patient_pays(
    channel: QrChannel, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    shown: list[QrOrder] = []
    pay = patient_pays_after(paygate, 0.2)

    def show(order: QrOrder) -> None:
        shown.append(order)
        pay(order)

    result = channel.collect(new_no("Q"), Money("30.00"), show)
    assert result.paid and result.amount == Money("30.00")
    assert shown[0].qr_url == result.qr_url
    scanned = requests.get(shown[0].qr_url, timeout=5).json()
    assert scanned["amount"] == "30.00" and scanned["state"] == "SUCCESS"


def test_unpaid_qr_order_times_out_and_is_closed(
    channel: QrChannel, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("Q")
    with pytest.raises(PaymentTimeout):
        channel.collect(no, Money("30.00"), lambda order: None, timeout=0.3)
    assert paygate.orders()[no]["state"] == "CLOSED"
    refused = requests.post(paygate.url + "/pay/_sim/pay", json={"out_trade_no": no}, timeout=5)
    assert refused.json()["error"]["code"] == "ORDER_CLOSED"


def test_patient_whose_wallet_refuses_is_declined(
    channel: QrChannel, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    with pytest.raises(PaymentDeclined):
        channel.collect(new_no("Q"), Money("30.00"), patient_pays_after(paygate, 0.1, "decline"))


def test_wait_after_a_restart_finds_the_payment_made_meanwhile(
    channel: QrChannel, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("Q")
    channel.create(no, Money("5.00"))
    paygate.pay(no)
    assert channel.wait(no).paid
    assert channel.create(no, Money("5.00")).order_no == no


def test_a_closed_order_number_is_not_reused(
    channel: QrChannel, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("Q")
    channel.create(no, Money("5.00"))
    channel.close(no)
    with pytest.raises(PaymentRejected) as caught:
        channel.create(no, Money("5.00"))
    assert caught.value.gateway_code == "ORDER_CLOSED"
