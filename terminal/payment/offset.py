"""Paying out of a refund the patient is owed: the resale of a partial return.

When part of a sale comes back, the platform can only cancel the whole settlement; the lines
the patient keeps are settled again, and their self-pay part is taken from the refund instead
of being paid anew. No money moves through this channel: it is bookkeeping, and the journal,
which records every payment before and after, is its memory (so it survives a restart like
every other channel's records). The original sale's refund is then what was paid less what
the resale took this way.
"""

from __future__ import annotations

from kernel.money import ZERO, Money
from kernel.states import PaymentStatus
from offline_store.errors import NotFoundError
from offline_store.journal import Journal
from terminal.payment.errors import RefundRefused
from terminal.payment.results import ChannelKind, PaymentResult, PaymentState, RefundResult


class OffsetChannel:
    kind = ChannelKind.OFFSET

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def collect(self, order_no: str, amount: Money) -> PaymentResult:
        """Take `amount` from the refund owed: the order is the journalled payment itself."""
        return PaymentResult(order_no, self.kind, PaymentState.PAID, amount)

    def query(self, order_no: str) -> PaymentResult:
        try:
            payment = self._journal.payment(order_no)
        except NotFoundError:
            return PaymentResult(order_no, self.kind, PaymentState.ABSENT, ZERO)
        if payment.status is PaymentStatus.FAILED:
            return PaymentResult(order_no, self.kind, PaymentState.CLOSED, ZERO)
        refunded = payment.amount if payment.status is PaymentStatus.REFUNDED else ZERO
        return PaymentResult(order_no, self.kind, PaymentState.PAID, payment.amount, refunded)

    def close(self, order_no: str) -> PaymentResult:
        """Nothing is ever pending here: report what is."""
        return self.query(order_no)

    def refund(
        self, order_no: str, refund_no: str, amount: Money, reason: str = ""
    ) -> RefundResult:
        """Give the amount back to the refund owed (the original sale then refunds more)."""
        if amount <= ZERO:
            raise RefundRefused(f"refund amount {amount} must be above 0.00")
        return RefundResult(order_no, refund_no, amount)
