"""Cash: the cashier takes the money and confirms on screen; no gateway is involved.

The results are the same types as the other channels', so the journal records cash exactly
like a wallet payment, and refunds follow the same rules (idempotent by refund number, never
more than was paid). This channel remembers its orders for the life of the process; after a
restart the journal, which recorded every result, is the memory.
"""

from __future__ import annotations

import threading

from kernel.money import ZERO, Money
from terminal.payment.errors import CashShort, PaymentRejected, RefundRefused
from terminal.payment.results import ChannelKind, PaymentResult, PaymentState, RefundResult


class CashChannel:
    kind = ChannelKind.CASH

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._orders: dict[str, PaymentResult] = {}
        self._refunds: dict[str, RefundResult] = {}

    def collect(self, order_no: str, amount: Money, tendered: Money) -> PaymentResult:
        """Record what the cashier confirmed: `tendered` received, the change to give back.
        Confirming the same order again (a double tap, a retry) returns the first record."""
        if amount <= ZERO:
            raise PaymentRejected(f"cash amount {amount} must be above 0.00")
        if tendered < amount:
            raise CashShort(f"tendered {tendered}, due {amount}")
        with self._lock:
            known = self._orders.get(order_no)
            if known is not None:
                if known.amount != amount:
                    raise PaymentRejected(f"{order_no} was collected for {known.amount}")
                return known
            result = PaymentResult(
                order_no,
                self.kind,
                PaymentState.PAID,
                amount,
                tendered=tendered,
                change=tendered - amount,
            )
            self._orders[order_no] = result
            return result

    def query(self, order_no: str) -> PaymentResult:
        with self._lock:
            known = self._orders.get(order_no)
        return known or PaymentResult(order_no, self.kind, PaymentState.ABSENT, ZERO)

    def close(self, order_no: str) -> PaymentResult:
        """Cash is never pending: there is nothing to close, only something to report."""
        return self.query(order_no)

    def refund(
        self, order_no: str, refund_no: str, amount: Money, reason: str = ""
    ) -> RefundResult:
        """The cashier hands `amount` back; the same refund_no again is the same refund."""
        if amount <= ZERO:
            raise RefundRefused(f"refund amount {amount} must be above 0.00")
        with self._lock:
            done = self._refunds.get(refund_no)
            if done is not None:
                if done.order_no != order_no or done.amount != amount:
                    raise PaymentRejected(f"refund {refund_no} exists for another order or amount")
                return done
            order = self._orders.get(order_no)
            if order is None:
                raise RefundRefused(f"no cash payment {order_no}")
            if amount > order.refundable:
                raise RefundRefused(f"refund {amount} exceeds the {order.refundable} left")
            refund = RefundResult(order_no, refund_no, amount)
            self._refunds[refund_no] = refund
            self._orders[order_no] = _with_refunded(order, order.refunded + amount)
            return refund


def _with_refunded(order: PaymentResult, refunded: Money) -> PaymentResult:
    return PaymentResult(
        order.order_no,
        order.channel,
        order.state,
        order.amount,
        refunded=refunded,
        tendered=order.tendered,
        change=order.change,
    )
