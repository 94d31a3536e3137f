"""The prescription's code (处方码), the QR a patient shows at the pharmacy (project format):

    MTRX1.<hiRxno>.<base64url(SM2 signature, 64 bytes, no padding)>

The centre signs `MTRX1.<hiRxno>` with its key when the prescription is uploaded; the
pharmacy checks the signature offline with the platform keys it trusts (the same keys as
e-vouchers), then asks the centre for the prescription with the code as the patient's
consent (in place of the `ecToken` the national interface asks for). The code names no
person: a lost code shows nothing but a prescription number.

Checks, in order, each refusal naming its reason (`RxCodeInvalid`, `RxSignatureInvalid`):
length, the three parts, the prefix, the number's characters, the signature's encoding and
size, the signature itself.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass

from terminal import sm2
from terminal.rx.errors import RxCodeInvalid, RxSignatureInvalid

PREFIX = "MTRX1"
MAX_CHARS = 256
HI_RXNO = re.compile(r"[0-9A-Z]{10,30}")
_B64URL = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class RxCode:
    """A verified prescription code: the number, and the text to present as consent."""

    hi_rxno: str
    text: str


def signed_text(hi_rxno: str) -> bytes:
    return f"{PREFIX}.{hi_rxno}".encode()


def mint(hi_rxno: str, private_key_hex: str, public_key_hex: str) -> str:
    """The code of `hi_rxno`, signed with the centre's key (the simulator's side)."""
    signature = sm2.sign(private_key_hex, public_key_hex, signed_text(hi_rxno))
    return f"{PREFIX}.{hi_rxno}.{base64.urlsafe_b64encode(signature).decode().rstrip('=')}"


def parse(text: str) -> tuple[str, bytes]:
    """The number and signature of a code's text; `RxCodeInvalid` for anything else."""
    if not isinstance(text, str) or not text:
        raise RxCodeInvalid("the code is empty")
    text = text.strip()
    if len(text) > MAX_CHARS:
        raise RxCodeInvalid(f"longer than {MAX_CHARS} characters")
    parts = text.split(".")
    if len(parts) != 3:
        raise RxCodeInvalid("a code has three parts separated by '.'")
    prefix, hi_rxno, sig_text = parts
    if prefix != PREFIX:
        raise RxCodeInvalid(f"the code does not start with {PREFIX}")
    if not HI_RXNO.fullmatch(hi_rxno):
        raise RxCodeInvalid("the prescription number is not 10-30 digits or capitals")
    if not _B64URL.fullmatch(sig_text):
        raise RxCodeInvalid("the signature is not base64url")
    try:
        signature = base64.urlsafe_b64decode(sig_text + "=" * (-len(sig_text) % 4))
    except (binascii.Error, ValueError):
        raise RxCodeInvalid("the signature is not base64url") from None
    if len(signature) != 64:
        raise RxCodeInvalid("the signature is truncated")
    return hi_rxno, signature


def verify(text: str, trusted_keys: Iterable[str]) -> RxCode:
    """A scanned code checked against the centre's keys."""
    hi_rxno, signature = parse(text)
    if not any(sm2.verify(key, signed_text(hi_rxno), signature) for key in trusted_keys):
        raise RxSignatureInvalid(f"code of {hi_rxno}")
    return RxCode(hi_rxno, text.strip())
