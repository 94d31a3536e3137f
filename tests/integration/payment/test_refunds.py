"""Refunds through the gateway channels: partial, full, idempotent, never more than was paid."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kernel.money import Money, money_sum
from simulators.paygate.testing import PaygateHandle
from terminal.payment import (
    GatewayClient,
    PaymentAmbiguous,
    PaymentCodeChannel,
    PaymentRejected,
    RefundRefused,
)

WECHAT_CODE = "104567890123456789"


@pytest.fixture
def channel(client: GatewayClient) -> PaymentCodeChannel:
    return PaymentCodeChannel(client, poll_interval=0.05)


@pytest.fixture
def paid_order(channel: PaymentCodeChannel, new_no: Callable[[str], str]) -> str:
    no = new_no("F")
    channel.charge(no, Money("50.00"), WECHAT_CODE)
    return no


def refunded_at_gateway(paygate: PaygateHandle, order_no: str) -> Money:
    refunds = paygate.refunds().values()
    return money_sum(Money(r["amount"]) for r in refunds if r["out_trade_no"] == order_no)


def test_partial_refunds_add_up_to_a_full_refund(
    channel: PaymentCodeChannel,
    paygate: PaygateHandle,
    paid_order: str,
    new_no: Callable[[str], str],
) -> None:
    channel.refund(paid_order, new_no("R"), Money("20.00"))
    channel.refund(paid_order, new_no("R"), Money("30.00"))
    assert channel.query(paid_order).refunded == Money("50.00")
    assert refunded_at_gateway(paygate, paid_order) == Money("50.00")


def test_refund_repeated_with_the_same_number_refunds_once(
    channel: PaymentCodeChannel,
    paygate: PaygateHandle,
    paid_order: str,
    new_no: Callable[[str], str],
) -> None:
    refund_no = new_no("R")
    first = channel.refund(paid_order, refund_no, Money("12.00"))
    again = channel.refund(paid_order, refund_no, Money("12.00"))
    assert first == again
    assert refunded_at_gateway(paygate, paid_order) == Money("12.00")


def test_refund_beyond_what_is_left_is_refused(
    channel: PaymentCodeChannel,
    paygate: PaygateHandle,
    paid_order: str,
    new_no: Callable[[str], str],
) -> None:
    channel.refund(paid_order, new_no("R"), Money("49.99"))
    with pytest.raises(RefundRefused):
        channel.refund(paid_order, new_no("R"), Money("0.02"))
    assert refunded_at_gateway(paygate, paid_order) == Money("49.99")


def test_same_refund_number_with_another_amount_is_rejected(
    channel: PaymentCodeChannel, paid_order: str, new_no: Callable[[str], str]
) -> None:
    refund_no = new_no("R")
    channel.refund(paid_order, refund_no, Money("1.00"))
    with pytest.raises(PaymentRejected) as caught:
        channel.refund(paid_order, refund_no, Money("2.00"))
    assert caught.value.gateway_code == "REFUND_CONFLICT"


def test_zero_refund_is_refused_locally(channel: PaymentCodeChannel, paid_order: str) -> None:
    with pytest.raises(RefundRefused):
        channel.refund(paid_order, "RZERO00001", Money("0.00"))


def test_refund_without_an_answer_is_repeated_safely(
    channel: PaymentCodeChannel,
    paygate: PaygateHandle,
    paid_order: str,
    new_no: Callable[[str], str],
) -> None:
    refund_no = new_no("R")
    paygate.set_rules({"mode": "timeout", "op": "refund", "ms": 30_000})
    with pytest.raises(PaymentAmbiguous):
        channel.refund(paid_order, refund_no, Money("10.00"))
    assert channel.refund(paid_order, refund_no, Money("10.00")).amount == Money("10.00")
    assert refunded_at_gateway(paygate, paid_order) == Money("10.00")
