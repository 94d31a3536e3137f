"""How a screen takes the self-pay part: one `Collector` (terminal.flows.checkout) per way to
pay, over the terminal's payment channels.

- `QrCollector`: creates the QR order and reports it WAITING with the URL to draw and the
  seconds left, then waits for the patient's phone (cancellable, closed at the time limit);
- `PaymentCodeCollector`: charges the payment code (付款码) the scanner read from the
  patient's phone, waiting while they confirm it there;
- `CreditCollector`: 信用就医, a receivable at the gateway under the platform's opaque psn_no.

`collector_factory(channels)` is the journey's `make_collector` (terminal.flows.journey).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from kernel.events import PaymentProgress, PaymentStage
from kernel.money import Money
from terminal.flows.checkout import Collector, PaymentAttempt
from terminal.flows.journey import NoPaymentChannel, PayMethod
from terminal.payment import (
    CreditChannel,
    PaymentChannel,
    PaymentCodeChannel,
    PaymentResult,
    QrChannel,
    QrOrder,
)

C = TypeVar("C")


@dataclass(frozen=True)
class QrCollector:
    qr: QrChannel
    channel: str = "qr"

    def __call__(self, order_no: str, amount: Money, attempt: PaymentAttempt) -> PaymentResult:
        timeout = self.qr.pay_timeout if attempt.timeout is None else attempt.timeout

        def show(order: QrOrder) -> None:
            attempt.report(
                PaymentProgress(
                    order_no, self.channel, amount, PaymentStage.WAITING, order.qr_url, timeout
                )
            )

        return self.qr.collect(
            order_no, amount, show, timeout=timeout, cancel=attempt.cancel
        )


@dataclass(frozen=True)
class PaymentCodeCollector:
    paycode: PaymentCodeChannel
    auth_code: str
    channel: str = "paycode"

    def __call__(self, order_no: str, amount: Money, attempt: PaymentAttempt) -> PaymentResult:
        attempt.report(PaymentProgress(order_no, self.channel, amount, PaymentStage.WAITING))
        return self.paycode.charge(
            order_no, amount, self.auth_code, cancel=attempt.cancel
        )


@dataclass(frozen=True)
class CreditCollector:
    credit: CreditChannel
    payer_ref: str  # the platform's psn_no: opaque, never a name or an ID number
    channel: str = "credit"

    def __call__(self, order_no: str, amount: Money, attempt: PaymentAttempt) -> PaymentResult:
        return self.credit.collect(order_no, amount, self.payer_ref)


def collector_factory(
    channels: Mapping[str, PaymentChannel],
) -> Callable[[PayMethod, str], Collector]:
    """`make_collector(method, token)` over a terminal's channels: `token` is the scanned
    payment code (paycode) or the person's psn_no (credit)."""

    def make(method: PayMethod, token: str) -> Collector:
        if method is PayMethod.PAYMENT_CODE:
            return PaymentCodeCollector(_channel(channels, "paycode", PaymentCodeChannel), token)
        if method is PayMethod.CREDIT:
            return CreditCollector(_channel(channels, "credit", CreditChannel), token)
        return QrCollector(_channel(channels, "qr", QrChannel))

    return make


def _channel(channels: Mapping[str, PaymentChannel], name: str, kind: type[C]) -> C:
    channel = channels.get(name)
    if not isinstance(channel, kind):
        raise NoPaymentChannel(f"the {name} channel is not configured")
    return channel
