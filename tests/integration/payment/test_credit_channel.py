"""信用就医: the self-pay part becomes a receivable at the gateway."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kernel.money import Money
from simulators.paygate.testing import PaygateHandle
from terminal.payment import CreditChannel, GatewayClient, PaymentDeclined, PaymentState


def test_credit_creates_a_receivable(
    client: GatewayClient, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("C")
    result = CreditChannel(client).collect(no, Money("45.60"), "PSN0001")
    assert result.state is PaymentState.PAID
    assert paygate.orders()[no]["channel"] == "credit"
    assert paygate.orders()[no]["payer_ref"] == "PSN0001"


def test_refused_credit_is_declined(
    client: GatewayClient, paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    paygate.set_rules({"mode": "decline", "channel": "credit", "reason": "CREDIT_LIMIT"})
    with pytest.raises(PaymentDeclined) as caught:
        CreditChannel(client).collect(new_no("C"), Money("45.60"), "PSN0001")
    assert caught.value.reason == "CREDIT_LIMIT"
