"""The patient scans the terminal's QR code: create the order, draw its URL, wait for the
payment, close the order if it does not come."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any

from kernel.money import ZERO, Money
from terminal.payment.channel import GatewayChannel, settled
from terminal.payment.errors import (
    GatewayUnavailable,
    PaymentAmbiguous,
    PaymentDeclined,
    PaymentRejected,
)
from terminal.payment.gateway import GatewayClient
from terminal.payment.results import ChannelKind, PaymentResult, PaymentState, QrOrder


def _qr_code(payload: str, **layout: int) -> Any:
    """A made `qrcode.QRCode`; qrcode (which pulls in Pillow and numpy) is imported only when
    a code is drawn, so the terminal's commands do not pay for it at start."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, **layout)
    code.add_data(payload)
    code.make(fit=True)
    return code


def qr_matrix(payload: str, *, border: int = 4) -> list[list[bool]]:
    """The QR code as rows of modules (True = dark), quiet zone included: for a UI that
    paints its own squares."""
    return [list(row) for row in _qr_code(payload, border=border).get_matrix()]


def qr_png(payload: str, *, box_size: int = 8, border: int = 4) -> bytes:
    """The QR code as PNG bytes (Pillow through `qrcode`), ready for a QPixmap or a receipt."""
    code = _qr_code(payload, box_size=box_size, border=border)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


class QrChannel(GatewayChannel):
    kind = ChannelKind.QR

    def __init__(
        self, client: GatewayClient, *, poll_interval: float = 2.0, pay_timeout: float = 120.0
    ) -> None:
        super().__init__(client, poll_interval=poll_interval, pay_timeout=pay_timeout)

    def create(self, order_no: str, amount: Money, *, description: str = "") -> QrOrder:
        """Create (or, after a crash, find again) the order whose QR code the patient scans."""
        result = self._result(
            self.client.create_order(order_no, amount, "qr", description=description)
        )
        if result.state is PaymentState.CLOSED:
            raise PaymentRejected(
                f"{order_no} was closed earlier: create a new order number",
                gateway_code="ORDER_CLOSED",
            )
        if result.state is PaymentState.DECLINED:
            raise PaymentDeclined(f"{order_no}: {result.reason}", reason=result.reason or "")
        assert result.qr_url is not None  # parse_order refuses a QR order without one
        return QrOrder(order_no, result.amount, result.qr_url)

    def wait(
        self,
        order_no: str,
        *,
        timeout: float | None = None,
        cancel: threading.Event | None = None,
    ) -> PaymentResult:
        """Poll until paid; on timeout (default `pay_timeout`) or cancel, close the order and
        raise PaymentTimeout or PaymentCancelled. Paid at the last moment wins over both."""
        try:
            first = self.query(order_no)
        except (PaymentAmbiguous, GatewayUnavailable):
            # Not known yet: keep waiting; the close at the deadline decides.
            first = PaymentResult(order_no, self.kind, PaymentState.PENDING, ZERO)
        if first.state is PaymentState.PENDING:
            return self._await_outcome(first, timeout, cancel)
        return settled(first)

    def collect(
        self,
        order_no: str,
        amount: Money,
        show: Callable[[QrOrder], None],
        *,
        description: str = "",
        timeout: float | None = None,
        cancel: threading.Event | None = None,
    ) -> PaymentResult:
        """`create`, hand the QR order to `show` (the UI draws it), then `wait`."""
        show(self.create(order_no, amount, description=description))
        return self.wait(order_no, timeout=timeout, cancel=cancel)
