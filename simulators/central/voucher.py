"""E-voucher QR codes of credentials.md §3: minted for `/_sim/voucher`, checked by 1162.

`idx` (the identity) is encrypted with AES-256-GCM under a key derived from the platform's
private key, so only the platform can read it; the terminal treats it as opaque.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from simulators.central.fields import Rejected
from simulators.central.world import PlatformKey
from terminal import sm2

PREFIX = "ECQR1"
MAX_LENGTH = 1024
TTL_RANGE = range(60, 301)
CLOCK_SKEW = 30
KID = re.compile(r"[A-Za-z0-9_-]{1,16}")
TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class Voucher:
    tok: str
    exp: int
    identity: dict[str, str]  # idType, idNo, name
    insu_org: str


def mint(
    key: PlatformKey, identity: dict[str, str], insu_org: str, mask: str, iat: int, ttl: int
) -> tuple[str, str, int]:
    """A signed QR string; returns (qr, ecToken, exp)."""
    tok = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(40))
    nonce = os.urandom(12)
    sealed = AESGCM(_idx_key(key)).encrypt(nonce, _compact(identity), None)
    payload = {
        "tok": tok,
        "iat": iat,
        "exp": iat + ttl,
        "insuOrg": insu_org,
        "mask": mask,
        "idx": base64.b64encode(nonce + sealed).decode(),
    }
    head = f"{PREFIX}.{key.kid}.{_b64url(_compact(payload))}"
    signature = sm2.sign(key.private_key_hex, key.public_key_hex, head.encode())
    return f"{head}.{_b64url(signature)}", tok, iat + ttl


def decode(key: PlatformKey, qr: str, now: float) -> Voucher:
    """Check format, key, signature and validity window; single use is the caller's job."""
    if len(qr) > MAX_LENGTH:
        raise Rejected("电子凭证过长", f"e-voucher longer than {MAX_LENGTH} characters")
    parts = qr.split(".")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise Rejected("电子凭证格式错误", "not an ECQR1 e-voucher (truncated or malformed)")
    _, kid, payload_b64, sig_b64 = parts
    if not KID.fullmatch(kid) or kid != key.kid:
        raise Rejected("电子凭证密钥未知", f"e-voucher signed with an unknown key id {kid[:16]!r}")
    try:
        signature = _unb64url(sig_b64)
        payload = json.loads(_unb64url(payload_b64))
    except (ValueError, binascii.Error):
        raise Rejected("电子凭证格式错误", "e-voucher payload is not base64url JSON") from None
    head = f"{PREFIX}.{kid}.{payload_b64}".encode()
    if not sm2.verify(key.public_key_hex, head, signature):
        raise Rejected("电子凭证签名无效", "e-voucher signature invalid (forged or altered)")
    try:
        tok, iat, exp = str(payload["tok"]), int(payload["iat"]), int(payload["exp"])
        sealed = base64.b64decode(str(payload["idx"]), validate=True)
        identity = json.loads(AESGCM(_idx_key(key)).decrypt(sealed[:12], sealed[12:], None))
        insu_org = str(payload["insuOrg"])
    except (KeyError, TypeError, ValueError, InvalidTag, binascii.Error):
        raise Rejected("电子凭证内容错误", "e-voucher payload is incomplete") from None
    if now > exp:
        raise Rejected("电子凭证已过期", "e-voucher expired; ask the patient to refresh the code")
    if now < iat - CLOCK_SKEW:
        raise Rejected("电子凭证尚未生效", "e-voucher issued in the future (clock skew)")
    return Voucher(tok, exp, {k: str(v) for k, v in identity.items()}, insu_org)


def _idx_key(key: PlatformKey) -> bytes:
    return hashlib.sha256(b"medterm-ecqr-idx\x00" + bytes.fromhex(key.private_key_hex)).digest()


def _compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
