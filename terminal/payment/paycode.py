"""The shop scans the customer's payment code (付款码): charge at once, or wait while the
customer confirms with their password (USERPAYING), then close the order if they never do."""

from __future__ import annotations

import re
import threading

from kernel.money import Money
from terminal.payment.channel import GatewayChannel, settled
from terminal.payment.errors import InvalidPaymentCode, PaymentRejected
from terminal.payment.gateway import GatewayClient
from terminal.payment.results import ChannelKind, PaymentResult, PaymentState

# credentials.md §3: 18 digits, WeChat Pay 10-15, Alipay 25-30.
_PAYMENT_CODE = re.compile(r"(1[0-5]|2[5-9]|30)[0-9]{16}")


def is_payment_code(text: str) -> bool:
    return bool(_PAYMENT_CODE.fullmatch(text))


class PaymentCodeChannel(GatewayChannel):
    kind = ChannelKind.PAYMENT_CODE

    def __init__(
        self, client: GatewayClient, *, poll_interval: float = 2.0, pay_timeout: float = 60.0
    ) -> None:
        super().__init__(client, poll_interval=poll_interval, pay_timeout=pay_timeout)

    def charge(
        self,
        order_no: str,
        amount: Money,
        auth_code: str,
        *,
        description: str = "",
        cancel: threading.Event | None = None,
    ) -> PaymentResult:
        """Charge the scanned code; returns the PAID result or raises PaymentDeclined,
        PaymentTimeout (order closed), PaymentCancelled (order closed), PaymentAmbiguous
        (resolve with `query(order_no)`), GatewayUnavailable or InvalidPaymentCode."""
        if not is_payment_code(auth_code):
            raise InvalidPaymentCode("expected 18 digits starting 10-15 or 25-30")
        order = self.client.create_order(
            order_no, amount, "paycode", auth_code=auth_code, description=description
        )
        first = self._result(order)
        if first.state is PaymentState.CLOSED:
            raise PaymentRejected(
                f"{order_no} was closed earlier: charge under a new order number",
                gateway_code="ORDER_CLOSED",
            )
        return (
            self._await_outcome(first, None, cancel)
            if first.state is PaymentState.PENDING
            else settled(first)
        )
