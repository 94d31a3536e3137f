"""SM2 signatures with the SM3 digest: one module for every user in the project.

The platform signs e-vouchers and (when signing is on) verifies request envelopes; the terminal
signs requests and verifies e-vouchers offline. All of them go through here, so that "what is
signed" is defined once: `canonical_json` for JSON bodies, raw bytes otherwise.

Built on `gmssl` (pure Python, the reference SM2/SM3 implementation on PyPI): `cryptography`
has no SM2. Signatures are the 64-byte `r || s` form, carried as hex or base64url by callers.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from gmssl import sm2

_N = int(sm2.default_ecc_table["n"], 16)


class SignatureError(ValueError):
    """A key or signature that is not well formed (a bad signature is `verify() -> False`)."""


@dataclass(frozen=True)
class SM2KeyPair:
    private_key_hex: str
    public_key_hex: str

    @classmethod
    def generate(cls) -> SM2KeyPair:
        d = secrets.randbelow(_N - 2) + 1
        private_hex = f"{d:064x}"
        probe = sm2.CryptSM2(private_key=private_hex, public_key="")
        public_hex = probe._kg(d, sm2.default_ecc_table["g"])
        return cls(private_hex, public_hex)


def canonical_json(value: Any) -> bytes:
    """The bytes a JSON value is signed as: sorted keys, no spaces, UTF-8, no ASCII escaping."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(private_key_hex: str, public_key_hex: str, data: bytes) -> bytes:
    """Sign `data` (SM3 with the signer's Z value, as GM/T 0009 prescribes); 64 bytes r||s."""
    _check_hex(private_key_hex, 64, "private key")
    _check_hex(public_key_hex, 128, "public key")
    crypt = _crypt(private_key_hex, public_key_hex)
    return bytes.fromhex(crypt.sign_with_sm3(data))


def verify(public_key_hex: str, data: bytes, signature: bytes) -> bool:
    """True only for a valid 64-byte signature of `data` by the holder of the public key."""
    _check_hex(public_key_hex, 128, "public key")
    if len(signature) != 64:
        return False
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:], "big")
    if not (0 < r < _N and 0 < s < _N):
        return False
    crypt = _crypt("", public_key_hex)
    try:
        return bool(crypt.verify_with_sm3(signature.hex(), data))
    except (ValueError, TypeError, ZeroDivisionError):
        return False


def _crypt(private_key_hex: str, public_key_hex: str) -> sm2.CryptSM2:
    """gmssl's constructor does `public_key.lstrip("04")` for keys starting with "04", which
    strips every leading 0 and 4 of the key itself (1 key in 256 could never sign or verify);
    our keys carry no prefix, so set the key after construction."""
    crypt = sm2.CryptSM2(private_key=private_key_hex, public_key="")
    crypt.public_key = public_key_hex
    return crypt


def _check_hex(value: str, length: int, what: str) -> None:
    if not isinstance(value, str) or len(value) != length:
        raise SignatureError(f"{what} must be {length} hex digits")
    try:
        bytes.fromhex(value)
    except ValueError:
        raise SignatureError(f"{what} is not hexadecimal") from None
