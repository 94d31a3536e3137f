"""SM2 signatures with the SM3 digest: one module for every user in the project.

The platform signs e-vouchers and (when signing is on) verifies request envelopes; the terminal
signs requests and verifies e-vouchers offline. All of them go through here, so that "what is
signed" is defined once: `canonical_json` for JSON bodies, raw bytes otherwise.

Signatures are GM/T 0009 SM2-with-SM3 with the default user id, in the 64-byte `r || s` form
(carried as hex or base64url by callers); keys are hex, private 64 digits, public 128 (X then
Y, no 04 prefix). This module checks and converts; the arithmetic is the system's OpenSSL 3
(`terminal.openssl_sm2`, and docs/platform-client.md for why). Without it, the first use
raises `SM2LibraryMissing` (E112), and `ensure_available()` lets the terminal say so at start.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

from terminal import openssl_sm2
from terminal.sm2_errors import SignatureError, SM2LibraryMissing

__all__ = [
    "ORDER",
    "SM2KeyPair",
    "SM2LibraryMissing",
    "SignatureError",
    "canonical_json",
    "check_public_key",
    "ensure_available",
    "public_key_of",
    "sign",
    "verify",
]

# n, the order of the SM2 curve's base point (GM/T 0003.5): private keys are 1..n-2 and both
# halves of a signature 1..n-1.
ORDER = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
_HEX = re.compile(r"[0-9a-fA-F]*")


@dataclass(frozen=True)
class SM2KeyPair:
    private_key_hex: str
    public_key_hex: str

    @classmethod
    def generate(cls) -> SM2KeyPair:
        private_hex = f"{secrets.randbelow(ORDER - 2) + 1:064x}"
        return cls(private_hex, public_key_of(private_hex))


def ensure_available() -> None:
    """`SM2LibraryMissing` (with what to install) unless SM2 can be signed and verified here:
    the terminal calls this at start, rather than failing at the first patient's request."""
    openssl_sm2.crypto()


def canonical_json(value: Any) -> bytes:
    """The bytes a JSON value is signed as: sorted keys, no spaces, UTF-8, no ASCII escaping."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def public_key_of(private_key_hex: str) -> str:
    """The public key (128 hex digits) belonging to a private key."""
    return openssl_sm2.public_key(_private(private_key_hex)).hex()


def check_public_key(public_key_hex: str) -> None:
    """`SignatureError` unless the key is 128 hex digits and a point of the SM2 curve."""
    openssl_sm2.check_public_key(_public(public_key_hex))


def sign(private_key_hex: str, public_key_hex: str, data: bytes) -> bytes:
    """Sign `data` (SM3 with the signer's Z value, as GM/T 0009 prescribes); 64 bytes r||s."""
    private = _private(private_key_hex)
    return openssl_sm2.sign(private, _public(public_key_hex), _bytes(data))


def verify(public_key_hex: str, data: bytes, signature: bytes) -> bool:
    """True only for a valid 64-byte signature of `data` by the holder of the public key;
    `SignatureError` for a key that is not well formed (not hex, or not on the curve)."""
    public = _public(public_key_hex)
    if len(signature) != 64:
        return False
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:], "big")
    if not (0 < r < ORDER and 0 < s < ORDER):
        return False
    return openssl_sm2.verify(public, _bytes(data), bytes(signature))


def _bytes(data: bytes) -> bytes:
    """What is signed is bytes: a str (which encoding?) is the caller's mistake, said plainly
    rather than as a ctypes error."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"SM2 signs bytes, not {type(data).__name__}")
    return bytes(data)


def _private(value: str) -> bytes:
    private = _hex(value, 64, "private key")
    if not 0 < int.from_bytes(private, "big") < ORDER - 1:
        raise SignatureError("private key must be between 1 and n-2")
    return private


def _public(value: str) -> bytes:
    return _hex(value, 128, "public key")


def _hex(value: str, length: int, what: str) -> bytes:
    if not isinstance(value, str) or len(value) != length:
        raise SignatureError(f"{what} must be {length} hex digits")
    if not _HEX.fullmatch(value):  # bytes.fromhex alone would skip spaces
        raise SignatureError(f"{what} is not hexadecimal")
    return bytes.fromhex(value)
