"""The shop scans the customer's payment code, against the real gateway process."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from kernel.money import Money
from simulators.paygate.testing import PaygateHandle
from terminal.payment import (
    GatewayClient,
    InvalidPaymentCode,
    PaymentCancelled,
    PaymentCodeChannel,
    PaymentDeclined,
    PaymentState,
    PaymentTimeout,
)

WECHAT_CODE = "134567890123456789"


@pytest.fixture
def channel(client: GatewayClient) -> PaymentCodeChannel:
    return PaymentCodeChannel(client, poll_interval=0.05, pay_timeout=5.0)


def test_charge_is_paid_at_once(
    channel: PaymentCodeChannel, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("P")
    result = channel.charge(no, Money("12.50"), WECHAT_CODE)
    assert result.state is PaymentState.PAID and result.amount == Money("12.50")
    assert paygate.orders()[no]["state"] == "SUCCESS"
    assert paygate.orders()[no]["payer"] == "wechat"


def test_charge_waits_while_the_customer_enters_their_password(
    channel: PaymentCodeChannel, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    paygate.set_rules({"mode": "userpaying", "ms": 300})
    started = time.monotonic()
    result = channel.charge(new_no("P"), Money("8.00"), WECHAT_CODE)
    assert result.paid
    assert time.monotonic() - started >= 0.3


def test_charge_that_stays_userpaying_times_out_and_closes_the_order(
    channel: PaymentCodeChannel, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("P")
    paygate.set_rules({"mode": "userpaying", "ms": 60_000})
    impatient = PaymentCodeChannel(channel.client, poll_interval=0.05, pay_timeout=0.5)
    with pytest.raises(PaymentTimeout):
        impatient.charge(no, Money("8.00"), WECHAT_CODE)
    assert paygate.orders()[no]["state"] == "CLOSED"


def test_declined_charge_raises_declined_with_the_reason(
    channel: PaymentCodeChannel, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("P")
    paygate.set_rules({"mode": "decline", "channel": "paycode", "reason": "NOTENOUGH"})
    with pytest.raises(PaymentDeclined) as caught:
        channel.charge(no, Money("8.00"), WECHAT_CODE)
    assert caught.value.reason == "NOTENOUGH"
    assert paygate.orders()[no]["state"] == "PAYERROR"


def test_customer_who_cancels_on_the_phone_is_declined(
    channel: PaymentCodeChannel, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    paygate.set_rules({"mode": "userpaying", "ms": 200, "outcome": "decline"})
    with pytest.raises(PaymentDeclined):
        channel.charge(new_no("P"), Money("8.00"), WECHAT_CODE)


def test_cashier_cancel_while_waiting_closes_the_order(
    channel: PaymentCodeChannel, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("P")
    paygate.set_rules({"mode": "userpaying", "ms": 60_000})
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    with pytest.raises(PaymentCancelled):
        channel.charge(no, Money("8.00"), WECHAT_CODE, cancel=cancel)
    assert paygate.orders()[no]["state"] == "CLOSED"


def test_invalid_code_is_refused_without_asking_the_gateway(
    channel: PaymentCodeChannel, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("P")
    with pytest.raises(InvalidPaymentCode):
        channel.charge(no, Money("8.00"), "6901234567892")
    assert no not in paygate.orders()


def test_repeating_a_charge_after_a_crash_takes_the_money_once(
    channel: PaymentCodeChannel, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("P")
    before = len(paygate.orders())
    first = channel.charge(no, Money("8.00"), WECHAT_CODE)
    again = channel.charge(no, Money("8.00"), WECHAT_CODE)
    assert first.gateway_trade_no == again.gateway_trade_no
    assert len(paygate.orders()) == before + 1
