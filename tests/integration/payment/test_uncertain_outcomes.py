"""No answer, a late answer, a 500, no gateway at all: each is typed, and an unknown outcome
is resolved by querying the same order number, so the patient is never charged twice."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import pytest

from kernel.money import Money
from simulators.paygate.testing import PaygateHandle
from terminal.payment import (
    CreditChannel,
    GatewayClient,
    GatewayUnavailable,
    PaymentAmbiguous,
    PaymentCodeChannel,
    PaymentState,
)

ALIPAY_CODE = "284567890123456789"


def test_late_answer_within_the_read_timeout_is_a_normal_payment(
    client: GatewayClient, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    paygate.set_rules({"mode": "late", "op": "create", "ms": 400})
    started = time.monotonic()
    result = PaymentCodeChannel(client).charge(new_no("L"), Money("9.90"), ALIPAY_CODE)
    assert result.paid
    assert time.monotonic() - started >= 0.4


def test_no_answer_is_ambiguous_and_the_query_finds_the_payment(
    client: GatewayClient, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("A")
    paygate.set_rules({"mode": "timeout", "op": "create", "ms": 30_000})
    channel = PaymentCodeChannel(client)
    with pytest.raises(PaymentAmbiguous):
        channel.charge(no, Money("9.90"), ALIPAY_CODE)
    resolved = channel.query(no)
    assert resolved.state is PaymentState.PAID and resolved.amount == Money("9.90")


def test_answer_later_than_the_read_timeout_is_ambiguous_then_resolved(
    client: GatewayClient,
    paygate: PaygateHandle,
    new_no: Callable[[str], str],
    read_timeout: float,
) -> None:
    no = new_no("A")
    ms = int(read_timeout * 1000) + 500
    paygate.set_rules({"mode": "late", "channel": "credit", "op": "create", "ms": ms})
    channel = CreditChannel(client)
    with pytest.raises(PaymentAmbiguous):
        channel.collect(no, Money("9.90"), "PSN0002")
    assert channel.query(no).paid


def test_ambiguous_request_that_never_executed_is_absent_and_safe_to_repeat(
    client: GatewayClient, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("A")
    paygate.set_rules({"mode": "timeout", "op": "create", "ms": 30_000, "execute": False})
    channel = PaymentCodeChannel(client)
    with pytest.raises(PaymentAmbiguous):
        channel.charge(no, Money("9.90"), ALIPAY_CODE)
    assert channel.query(no).state is PaymentState.ABSENT
    assert channel.charge(no, Money("9.90"), ALIPAY_CODE).paid
    assert paygate.orders()[no]["state"] == "SUCCESS"


def test_gateway_500_is_ambiguous_and_the_retry_charges_once(
    client: GatewayClient, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("A")
    paygate.set_rules({"mode": "error500", "op": "create"})
    channel = PaymentCodeChannel(client)
    with pytest.raises(PaymentAmbiguous):
        channel.charge(no, Money("9.90"), ALIPAY_CODE)
    assert channel.charge(no, Money("9.90"), ALIPAY_CODE).paid
    assert paygate.orders()[no]["amount"] == "9.90"


def test_query_rides_over_a_transient_500(
    client: GatewayClient, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("A")
    channel = PaymentCodeChannel(client)
    channel.charge(no, Money("9.90"), ALIPAY_CODE)
    paygate.set_rules({"mode": "error500", "op": "query", "count": 2})
    assert channel.query(no).paid


def test_no_gateway_at_all_is_unavailable() -> None:
    # A bound port that does not listen refuses connections, and no other process can take
    # it while we hold it (a killed gateway's port could be reused by a parallel test).
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        client = GatewayClient(f"http://127.0.0.1:{holder.getsockname()[1]}", query_attempts=2)
        channel = PaymentCodeChannel(client)
        with pytest.raises(GatewayUnavailable):
            channel.charge("DOWN000001", Money("1.00"), ALIPAY_CODE)
        with pytest.raises(GatewayUnavailable):
            channel.query("DOWN000001")
        client.close()
