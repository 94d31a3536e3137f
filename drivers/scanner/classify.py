"""What a scan is (credentials.md section 3), decided in one place.

The classifier only recognises shapes; it does not verify. An e-voucher still has to pass
`terminal.voucher.VoucherVerifier` (offline) or the platform (online); a payment code goes to
the payment gateway, which is the only judge of it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kernel.masking import mask_id

VOUCHER_PREFIX = "ECQR1."


class ScanKind(enum.Enum):
    E_VOUCHER = "e_voucher"
    TRACEABILITY = "traceability"
    EAN13 = "ean13"
    PAYMENT_WECHAT = "payment_wechat"
    PAYMENT_ALIPAY = "payment_alipay"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Scan:
    kind: ScanKind
    text: str

    def __repr__(self) -> str:  # payment codes and vouchers are credentials: never log whole
        return f"Scan(kind={self.kind.value}, text={self.masked_text()!r})"

    def masked_text(self) -> str:
        if self.kind in (ScanKind.TRACEABILITY, ScanKind.EAN13):
            return self.text
        if self.kind is ScanKind.E_VOUCHER:
            return self.text[:16] + "..."
        return mask_id(self.text)


def ean13_check_digit(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def _digits(text: str, length: int) -> bool:
    return len(text) == length and text.isascii() and text.isdigit()


def classify(text: str) -> Scan:
    """The kind of ``text`` (surrounding whitespace ignored); never raises."""
    value = text.strip()
    if value.startswith(VOUCHER_PREFIX):
        return Scan(ScanKind.E_VOUCHER, value)
    if _digits(value, 20) and value[0] == "8":
        return Scan(ScanKind.TRACEABILITY, value)
    if _digits(value, 13) and value.startswith("69") and ean13_check_digit(value[:12]) == value[12]:
        return Scan(ScanKind.EAN13, value)
    if _digits(value, 18):
        prefix = int(value[:2])
        if 10 <= prefix <= 15:
            return Scan(ScanKind.PAYMENT_WECHAT, value)
        if 25 <= prefix <= 30:
            return Scan(ScanKind.PAYMENT_ALIPAY, value)
    return Scan(ScanKind.UNKNOWN, value)
