"""What a payment channel reports: typed values the journal records, whatever the channel."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from kernel.money import ZERO, Money


class ChannelKind(Enum):
    CASH = "cash"
    PAYMENT_CODE = "paycode"  # the shop scans the customer's 付款码
    QR = "qr"  # the patient scans the terminal's code
    CREDIT = "credit"  # 信用就医: a receivable the patient settles later
    OFFSET = "offset"  # paid out of a refund the patient is owed (a partial return's resale)


class PaymentState(Enum):
    PENDING = "pending"  # created, not paid yet (waiting for the patient / their password)
    PAID = "paid"  # money taken (for credit: the receivable exists)
    DECLINED = "declined"  # refused by the wallet, the bank or the credit scheme
    CLOSED = "closed"  # closed unpaid: can never be paid
    ABSENT = "absent"  # the channel has no such order: the create never arrived


@dataclass(frozen=True)
class PaymentResult:
    """One order as the channel knows it now.

    `refunded` is the total refunded so far; `tendered`/`change` only for cash; `qr_url` only
    for QR orders; `reason` is the gateway's decline reason (e.g. NOTENOUGH), never personal.
    """

    order_no: str
    channel: ChannelKind
    state: PaymentState
    amount: Money
    refunded: Money = ZERO
    gateway_trade_no: str | None = None
    reason: str | None = None
    qr_url: str | None = None
    tendered: Money | None = None
    change: Money | None = None

    @property
    def paid(self) -> bool:
        return self.state is PaymentState.PAID

    @property
    def refundable(self) -> Money:
        return self.amount - self.refunded if self.paid else ZERO


@dataclass(frozen=True)
class QrOrder:
    """A QR order waiting for the patient: the UI draws `qr_url` (see `qr_png`)."""

    order_no: str
    amount: Money
    qr_url: str


@dataclass(frozen=True)
class RefundResult:
    """One refund, done: `refund_no` is the terminal's, `refund_id` the gateway's (if any)."""

    order_no: str
    refund_no: str
    amount: Money
    refund_id: str | None = None
