"""Self-pay channels: cash, the customer's payment code, a QR code the patient scans, and
credit (信用就医). See docs/payment-channels.md."""

from terminal.payment.cash import CashChannel
from terminal.payment.channel import PaymentChannel
from terminal.payment.credit import CreditChannel
from terminal.payment.errors import (
    CashShort,
    GatewayProtocolError,
    GatewayUnavailable,
    InvalidPaymentCode,
    PaymentAmbiguous,
    PaymentCancelled,
    PaymentDeclined,
    PaymentError,
    PaymentRejected,
    PaymentTimeout,
    RefundRefused,
    UnknownPayment,
)
from terminal.payment.gateway import GatewayClient
from terminal.payment.paycode import PaymentCodeChannel, is_payment_code
from terminal.payment.qr import QrChannel, qr_matrix, qr_png
from terminal.payment.results import (
    ChannelKind,
    PaymentResult,
    PaymentState,
    QrOrder,
    RefundResult,
)

__all__ = [
    "CashChannel",
    "CashShort",
    "ChannelKind",
    "CreditChannel",
    "GatewayClient",
    "GatewayProtocolError",
    "GatewayUnavailable",
    "InvalidPaymentCode",
    "PaymentAmbiguous",
    "PaymentCancelled",
    "PaymentChannel",
    "PaymentCodeChannel",
    "PaymentDeclined",
    "PaymentError",
    "PaymentRejected",
    "PaymentResult",
    "PaymentState",
    "PaymentTimeout",
    "QrChannel",
    "QrOrder",
    "RefundRefused",
    "RefundResult",
    "UnknownPayment",
    "is_payment_code",
    "qr_matrix",
    "qr_png",
]
