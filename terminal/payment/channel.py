"""The `PaymentChannel` protocol, and the part every gateway-backed channel shares.

Every operation takes the terminal's order number, assigned by the caller and journalled
BEFORE the call: after a crash the same number is queried, closed or refunded, so a retry can
never charge the patient twice. How money is taken differs per channel (`CashChannel.collect`,
`PaymentCodeChannel.charge`, `QrChannel.create`/`wait`, `CreditChannel.collect`); how an
order is resolved, closed and refunded is this protocol, which recovery uses for all of them.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

from kernel.money import ZERO, Money
from terminal.payment.errors import (
    GatewayUnavailable,
    PaymentAmbiguous,
    PaymentCancelled,
    PaymentDeclined,
    PaymentError,
    PaymentRejected,
    PaymentTimeout,
    RefundRefused,
    UnknownPayment,
)
from terminal.payment.gateway import GatewayClient, GatewayOrder
from terminal.payment.results import ChannelKind, PaymentResult, PaymentState, RefundResult


class PaymentChannel(Protocol):
    kind: ChannelKind

    def query(self, order_no: str) -> PaymentResult:
        """The order's state now (ABSENT if the channel never received it)."""
        ...

    def close(self, order_no: str) -> PaymentResult:
        """Make an unpaid order unpayable; a paid order is returned as PAID, untouched."""
        ...

    def refund(
        self, order_no: str, refund_no: str, amount: Money, reason: str = ""
    ) -> RefundResult:
        """Refund part or all of a paid order; repeating the same refund_no changes nothing."""
        ...


_STATES = {
    "NOTPAY": PaymentState.PENDING,
    "USERPAYING": PaymentState.PENDING,
    "SUCCESS": PaymentState.PAID,
    "PAYERROR": PaymentState.DECLINED,
    "CLOSED": PaymentState.CLOSED,
}


class GatewayChannel:
    """Query, close, refund and the waiting loop, for the channels the gateway serves."""

    kind: ChannelKind

    def __init__(self, client: GatewayClient, *, poll_interval: float, pay_timeout: float) -> None:
        self.client = client
        self.poll_interval = poll_interval
        self.pay_timeout = pay_timeout

    def query(self, order_no: str) -> PaymentResult:
        order = self.client.query_order(order_no)
        if order is None:
            return PaymentResult(order_no, self.kind, PaymentState.ABSENT, ZERO)
        return self._result(order)

    def close(self, order_no: str) -> PaymentResult:
        try:
            return self._result(self.client.close_order(order_no))
        except PaymentRejected as err:
            if err.gateway_code == "ORDER_PAID":
                return self.query(order_no)
            raise
        except UnknownPayment:
            return PaymentResult(order_no, self.kind, PaymentState.ABSENT, ZERO)

    def refund(
        self, order_no: str, refund_no: str, amount: Money, reason: str = ""
    ) -> RefundResult:
        if amount <= ZERO:
            raise RefundRefused(f"refund amount {amount} must be above 0.00")
        refund = self.client.refund(order_no, refund_no, amount, reason)
        return RefundResult(order_no, refund.out_refund_no, refund.amount, refund.refund_id)

    def _result(self, order: GatewayOrder) -> PaymentResult:
        return PaymentResult(
            order_no=order.out_trade_no,
            channel=self.kind,
            state=_STATES[order.state],
            amount=order.amount,
            refunded=order.refunded,
            gateway_trade_no=order.trade_no,
            reason=order.fail_reason,
            qr_url=order.qr_url,
        )

    def _await_outcome(
        self, first: PaymentResult, timeout: float | None, cancel: threading.Event | None
    ) -> PaymentResult:
        """Poll a pending order until it is paid or fails; on timeout or cancel, close it.

        A query that fails meanwhile is not fatal: the close at the deadline decides, and the
        gateway refuses to close an order that got paid at the last moment.
        """
        waiter = cancel or threading.Event()
        deadline = time.monotonic() + (self.pay_timeout if timeout is None else timeout)
        result = first
        while result.state is PaymentState.PENDING:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return self._give_up(result.order_no, PaymentTimeout(result.order_no))
            if waiter.wait(min(self.poll_interval, remaining)):
                return self._give_up(result.order_no, PaymentCancelled(result.order_no))
            try:
                result = self.query(result.order_no)
            except (PaymentAmbiguous, GatewayUnavailable):
                continue
        return settled(result)

    def _give_up(self, order_no: str, error: PaymentError) -> PaymentResult:
        try:
            closed = self.close(order_no)
        except GatewayUnavailable as err:
            # The order exists and may have been paid meanwhile: not "no money was taken".
            raise PaymentAmbiguous(f"{order_no}: could not close it, outcome unknown") from err
        if closed.paid:
            return closed
        raise error


def settled(result: PaymentResult) -> PaymentResult:
    """A finished order as a value (paid) or as the error the patient is told about."""
    if result.state is PaymentState.PAID:
        return result
    if result.state is PaymentState.DECLINED:
        raise PaymentDeclined(f"{result.order_no}: {result.reason}", reason=result.reason or "")
    if result.state is PaymentState.CLOSED:
        raise PaymentTimeout(f"{result.order_no} was closed before it was paid")
    raise PaymentAmbiguous(f"{result.order_no} is unknown to the gateway")
