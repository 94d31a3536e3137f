"""The prescription centre's envelope: the body SM4-encrypted, the whole SM2-signed.

    {"appId": "P44030000002", "encType": "SM4", "signType": "SM2", "version": "2.0.1",
     "timestamp": "1764547200000", "encData": "<base64>", "signData": "<base64>"}

as the national e-prescription circulation interface carries it (public HIS code shows these
seven camelCase fields). What the interface leaves to its SDK is decided here and written
down in docs/platform-wire.md:

- `encData` = base64(IV || SM4-CBC(key, PKCS#7(canonical_json(body)))), a fresh 16-byte IV
  per message; `key` is the app's 16-byte SM4 key (`app_key`).
- `signData` = base64(SM2-with-SM3 r||s) over `canonical_json` of the six other fields with
  the *plaintext* body in place of `encData` (`{"appId", "data", "encType", "signType",
  "timestamp", "version"}`): the signature binds what was meant, not one ciphertext of it.
- An answer is the same envelope from the centre (signed with the centre's key) plus `code`
  (0 = success) and `message`; a refusal has `code` != 0, a plain `message` and no body.

Used by the terminal's client and by the simulator's centre alike, so both ends agree by
construction on what is encrypted and signed.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from terminal import sm2
from terminal.rx.errors import RxEnvelopeError

VERSION = "2.0.1"
ENC_TYPE = "SM4"
SIGN_TYPE = "SM2"
ENVELOPE_FIELDS = ("appId", "encType", "signType", "encData", "signData", "version", "timestamp")
MAX_ENC_CHARS = 1 << 20


@dataclass(frozen=True, repr=False)
class AppKeys:
    """One party's keys: its SM2 pair (to sign) and the app's SM4 key (to encrypt)."""

    app_id: str
    private_key_hex: str
    public_key_hex: str
    sm4_key: bytes


def app_key(app_id: str, private_key_hex: str) -> bytes:
    """The app's SM4 key: SM3("medterm-rx-sm4|" appId "|" the app's SM2 private key), first
    16 bytes. The real centre issues an appSecret at registration; the simulator derives it
    from what both sides already hold (the institution's key pair of the world file), so no
    second secret must be distributed and the key is still known only to the two parties."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(f"medterm-rx-sm4|{app_id}|{private_key_hex.lower()}".encode())
    return digest.finalize()[:16]


def signed_part(envelope: Mapping[str, Any], body: Any) -> bytes:
    """The bytes `signData` signs: the envelope's fields with the plaintext body as `data`."""
    fields = {name: envelope.get(name) for name in ("appId", "encType", "signType", "version")}
    return sm2.canonical_json({**fields, "timestamp": envelope.get("timestamp"), "data": body})


def seal(
    body: Any, *, signer: AppKeys, sm4_key: bytes, app_id: str, timestamp_ms: int
) -> dict[str, Any]:
    """An envelope of `body` for `app_id`, encrypted with `sm4_key`, signed by `signer`."""
    envelope: dict[str, Any] = {
        "appId": app_id,
        "encType": ENC_TYPE,
        "signType": SIGN_TYPE,
        "version": VERSION,
        "timestamp": str(timestamp_ms),
        "encData": encrypt(sm4_key, sm2.canonical_json(body)),
    }
    signature = sm2.sign(signer.private_key_hex, signer.public_key_hex, signed_part(envelope, body))
    envelope["signData"] = base64.b64encode(signature).decode()
    return envelope


def open_sealed(
    envelope: Any,
    *,
    sm4_key_of: Callable[[str], bytes],
    verify_with: Callable[[str], tuple[str, ...]],
) -> tuple[str, Any]:
    """`(appId, body)` of an envelope whose body decrypts and whose signature verifies with
    one of the keys `verify_with(appId)` returns; `RxEnvelopeError` naming what is wrong."""
    if not isinstance(envelope, Mapping):
        raise RxEnvelopeError("the message is not a JSON object")
    missing = [name for name in ENVELOPE_FIELDS if not isinstance(envelope.get(name), str)]
    if missing:
        raise RxEnvelopeError(f"missing or non-text fields: {', '.join(missing)}")
    if envelope["encType"] != ENC_TYPE or envelope["signType"] != SIGN_TYPE:
        raise RxEnvelopeError(f"encType must be {ENC_TYPE} and signType {SIGN_TYPE}")
    if not envelope["timestamp"].isdigit():
        raise RxEnvelopeError("timestamp must be milliseconds since 1970 as digits")
    app_id = envelope["appId"]
    keys = verify_with(app_id)
    if not keys:
        raise RxEnvelopeError(f"unknown appId {app_id[:20]!r}")
    plain = decrypt(sm4_key_of(app_id), envelope["encData"])
    try:
        body = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RxEnvelopeError("encData does not decrypt to UTF-8 JSON") from None
    signature = _b64(envelope["signData"], "signData")
    part = signed_part(envelope, body)
    if not any(sm2.verify(key, part, signature) for key in keys):
        raise RxEnvelopeError("signData does not verify")
    return app_id, body


def encrypt(key: bytes, plain: bytes) -> str:
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.SM4(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + encryptor.update(padded) + encryptor.finalize()).decode()


def decrypt(key: bytes, text: str) -> bytes:
    if len(text) > MAX_ENC_CHARS:
        raise RxEnvelopeError(f"encData longer than {MAX_ENC_CHARS} characters")
    raw = _b64(text, "encData")
    if len(raw) < 32 or len(raw) % 16:
        raise RxEnvelopeError("encData is not an IV and whole SM4 blocks")
    decryptor = Cipher(algorithms.SM4(key), modes.CBC(raw[:16])).decryptor()
    padded = decryptor.update(raw[16:]) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise RxEnvelopeError("encData does not decrypt with this app's key") from None


def _b64(text: str, name: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise RxEnvelopeError(f"{name} is not base64") from None
