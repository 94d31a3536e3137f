"""Cash: the cashier's confirmation, recorded like any other payment."""

from __future__ import annotations

import pytest

from kernel.money import Money
from terminal.payment import (
    CashChannel,
    CashShort,
    ChannelKind,
    PaymentRejected,
    PaymentState,
    RefundRefused,
)


def test_cash_collect_records_the_change() -> None:
    result = CashChannel().collect("K0000001", Money("37.40"), tendered=Money("50.00"))
    assert result.state is PaymentState.PAID and result.channel is ChannelKind.CASH
    assert result.change == Money("12.60")


def test_cash_short_of_the_amount_is_refused() -> None:
    channel = CashChannel()
    with pytest.raises(CashShort):
        channel.collect("K0000001", Money("37.40"), tendered=Money("37.39"))
    assert channel.query("K0000001").state is PaymentState.ABSENT


def test_confirming_twice_records_one_payment() -> None:
    channel = CashChannel()
    first = channel.collect("K0000001", Money("10.00"), tendered=Money("10.00"))
    assert channel.collect("K0000001", Money("10.00"), tendered=Money("20.00")) == first


def test_same_order_for_another_amount_is_rejected() -> None:
    channel = CashChannel()
    channel.collect("K0000001", Money("10.00"), tendered=Money("10.00"))
    with pytest.raises(PaymentRejected):
        channel.collect("K0000001", Money("11.00"), tendered=Money("20.00"))


def test_cash_refunds_are_idempotent_and_never_exceed_the_payment() -> None:
    channel = CashChannel()
    channel.collect("K0000001", Money("10.00"), tendered=Money("10.00"))
    first = channel.refund("K0000001", "KR000001", Money("4.00"))
    assert channel.refund("K0000001", "KR000001", Money("4.00")) == first
    with pytest.raises(RefundRefused):
        channel.refund("K0000001", "KR000002", Money("6.01"))
    channel.refund("K0000001", "KR000003", Money("6.00"))
    assert channel.query("K0000001").refunded == Money("10.00")


def test_refund_of_an_unknown_cash_payment_is_refused() -> None:
    with pytest.raises(RefundRefused):
        CashChannel().refund("K0000009", "KR000001", Money("1.00"))


def test_closing_cash_changes_nothing() -> None:
    channel = CashChannel()
    paid = channel.collect("K0000001", Money("10.00"), tendered=Money("10.00"))
    assert channel.close("K0000001") == paid
