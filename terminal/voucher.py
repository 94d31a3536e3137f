"""Offline verification of e-voucher QR codes (credentials.md section 3, project format).

``ECQR1.<kid>.<base64url(payload JSON)>.<base64url(SM2 signature)>``

Why here and not in `drivers/scanner`: a voucher is a credential, not a device reading. The same
string can come from a serial scanner, a keyboard wedge, the camera or a test; checking it needs
the platform keys fetched by 9001 and a replay memory that survives restarts, both of which are
the application's. The scanner only recognises the shape (`drivers.scanner.classify`).

Checks, in this order, each refusal naming its reason: size (oversized), shape and encoding
(truncated or malformed), key (unknown key), signature (forged), time window
``[iat - 30 s, exp]`` (not yet valid / expired), and last the replay memory (replayed), so a
token is only remembered once everything else has passed.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kernel.errors import MedtermError
from terminal import sm2

PREFIX = "ECQR1"
MAX_CHARS = 1024
SIGNATURE_BYTES = 64
TOKEN_CHARS = 40
CLOCK_SKEW_S = 30
MIN_TTL_S, MAX_TTL_S = 60, 300
_KID = re.compile(r"[A-Za-z0-9_-]{1,16}")
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_PAYLOAD_TYPES: dict[str, type] = {
    "tok": str,
    "iat": int,
    "exp": int,
    "insuOrg": str,
    "mask": str,
    "idx": str,
}


# ---------------------------------------------------------------------------- refusals


class VoucherRefused(MedtermError):
    """An e-voucher refused by the offline check (base of the voucher refusals)."""

    code = "E340"
    message_zh = "电子凭证无效"
    message_en = "e-voucher refused"
    action = "Ask the patient to refresh the e-voucher on their phone and scan it again."
    action_zh = "请在手机上刷新医保电子凭证，然后重新扫码。"


class VoucherMalformed(VoucherRefused):
    """Shape, key id, base64url, payload fields or types, token length or lifetime wrong."""

    code = "E341"
    message_zh = "电子凭证格式错误"
    message_en = "e-voucher is malformed"


class VoucherTruncated(VoucherRefused):
    """Fewer than 4 parts, or a signature shorter than 64 bytes."""

    code = "E342"
    message_zh = "电子凭证不完整"
    message_en = "e-voucher is truncated"
    action = "Scan the whole QR code again, holding it steady and fully in view."
    action_zh = "请重新扫描完整的二维码，保持手机稳定，让二维码完全处于扫描范围内。"


class VoucherOversized(VoucherRefused):
    """More than 1,024 characters."""

    code = "E343"
    message_zh = "电子凭证过长"
    message_en = "e-voucher is oversized"
    action = "This is not an e-voucher QR code: ask for the medical insurance e-voucher."
    action_zh = "这不是医保电子凭证二维码：请出示医保电子凭证。"


class VoucherUnknownKey(VoucherRefused):
    """The key id is not among the 9001 keys, or the key is past its `not_after`."""

    code = "E344"
    message_zh = "电子凭证签名密钥未知"
    message_en = "e-voucher signed with an unknown key"
    action = "Connect to the platform to refresh its keys (9001), or identify the person online."
    action_zh = "请连接医保平台以更新其密钥（9001 签到），或在线确认身份。"


class VoucherForged(VoucherRefused):
    """The SM2 signature does not verify."""

    code = "E345"
    message_zh = "电子凭证签名无效"
    message_en = "e-voucher signature is invalid (forged)"
    action = "Do not accept this code; identify the person with the card or ID card."
    action_zh = "请勿接受此二维码；请改用社保卡或身份证确认身份。"


class VoucherExpired(VoucherRefused):
    """Now is after the voucher's `exp`."""

    code = "E346"
    message_zh = "电子凭证已过期"
    message_en = "e-voucher expired"


class VoucherNotYetValid(VoucherRefused):
    """Now is more than 30 s before the voucher's `iat`."""

    code = "E347"
    message_zh = "电子凭证尚未生效"
    message_en = "e-voucher is not yet valid"
    action = "Check the terminal's clock; then ask the patient to refresh the code."
    action_zh = "请检查终端时钟，然后请患者刷新二维码。"


class VoucherReplayed(VoucherRefused):
    """The token was already used on this terminal (the replay memory)."""

    code = "E348"
    message_zh = "电子凭证已被使用"
    message_en = "e-voucher was already used"


# ---------------------------------------------------------------------------- values


@dataclass(frozen=True)
class PlatformKey:
    """A platform public key from 9001; ``not_after`` ends its use (None: no end given)."""

    kid: str
    public_key_hex: str
    not_after: datetime | None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> PlatformKey:
        not_after = raw.get("not_after")
        return cls(
            kid=str(raw["kid"]),
            public_key_hex=str(raw["public_key_hex"]),
            not_after=_parse_instant(not_after) if not_after else None,
        )


def _parse_instant(text: str) -> datetime:
    """An ISO date (valid through its last second, UTC) or datetime (naive = UTC)."""
    if len(text) == 10:
        day = date.fromisoformat(text)
        return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC)
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def load_platform_keys(raw: Iterable[Mapping[str, Any]]) -> dict[str, PlatformKey]:
    keys = [PlatformKey.from_dict(item) for item in raw]
    return {key.kid: key for key in keys}


@dataclass(frozen=True)
class VerifiedVoucher:
    """A voucher that passed every offline check: show `mask`, queue `idx` for the platform."""

    kid: str
    tok: str
    iat: int
    exp: int
    insu_org: str
    mask: str
    idx: str

    def __repr__(self) -> str:
        return f"VerifiedVoucher(kid={self.kid!r}, insu_org={self.insu_org!r}, mask={self.mask!r})"


# ---------------------------------------------------------------------------- encoding


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, what: str) -> bytes:
    """Strict unpadded base64url: no '=', no other alphabet, no impossible length."""
    if not _B64URL.fullmatch(text):
        raise VoucherMalformed(f"{what} is not unpadded base64url")
    if len(text) % 4 == 1:
        raise VoucherMalformed(f"{what} has an impossible base64 length")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise VoucherMalformed(f"{what} is not base64url") from None
    if b64url_encode(data) != text:  # non-canonical trailing bits
        raise VoucherMalformed(f"{what} is not canonical base64url")
    return data


def signed_part(kid: str, payload_b64: str) -> bytes:
    return f"{PREFIX}.{kid}.{payload_b64}".encode("ascii")


def mint(kid: str, private_key_hex: str, public_key_hex: str, payload: Mapping[str, Any]) -> str:
    """Issue a voucher string (the platform's side; the simulators and tests use it)."""
    payload_b64 = b64url_encode(json.dumps(dict(payload), ensure_ascii=False).encode())
    signature = sm2.sign(private_key_hex, public_key_hex, signed_part(kid, payload_b64))
    return f"{PREFIX}.{kid}.{payload_b64}.{b64url_encode(signature)}"


# ---------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class ParsedVoucher:
    kid: str
    payload_b64: str
    payload: dict[str, Any]
    signature: bytes


def parse(text: str) -> ParsedVoucher:
    """Shape, encoding and payload checks (no key, no clock)."""
    if len(text) > MAX_CHARS:
        raise VoucherOversized(f"{len(text)} characters, at most {MAX_CHARS}")
    if not text.isascii():
        raise VoucherMalformed("holds non-ASCII characters")
    parts = text.split(".")
    if parts[0] != PREFIX:
        raise VoucherMalformed(f"does not start with {PREFIX}.")
    if len(parts) < 4:
        raise VoucherTruncated(f"{len(parts)} of 4 dot-separated parts")
    if len(parts) > 4:
        raise VoucherMalformed(f"{len(parts)} dot-separated parts, expected 4")
    _, kid, payload_b64, sig_b64 = parts
    if not _KID.fullmatch(kid):
        raise VoucherMalformed("key id is not 1-16 characters of [A-Za-z0-9_-]")
    signature = b64url_decode(sig_b64, "signature")
    if len(signature) < SIGNATURE_BYTES:
        raise VoucherTruncated(f"signature is {len(signature)} of {SIGNATURE_BYTES} bytes")
    if len(signature) > SIGNATURE_BYTES:
        raise VoucherMalformed(f"signature is {len(signature)} bytes, expected {SIGNATURE_BYTES}")
    raw = b64url_decode(payload_b64, "payload")
    return ParsedVoucher(kid, payload_b64, _payload(raw), signature)


def _payload(raw: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise VoucherMalformed("payload is not UTF-8 JSON") from None
    if not isinstance(payload, dict):
        raise VoucherMalformed("payload is not a JSON object")
    for name, kind in _PAYLOAD_TYPES.items():
        value = payload.get(name)
        # bool is an int in Python; a JSON true is not a timestamp.
        if not isinstance(value, kind) or isinstance(value, bool):
            raise VoucherMalformed(f"payload field {name} is missing or not {kind.__name__}")
    if len(payload["tok"]) != TOKEN_CHARS:
        raise VoucherMalformed(f"token is {len(payload['tok'])} characters, not {TOKEN_CHARS}")
    ttl = payload["exp"] - payload["iat"]
    if not MIN_TTL_S <= ttl <= MAX_TTL_S:
        raise VoucherMalformed(f"lifetime {ttl} s is outside {MIN_TTL_S}..{MAX_TTL_S}")
    if not (len(payload["insuOrg"]) == 6 and payload["insuOrg"].isdigit()):
        raise VoucherMalformed("insuOrg is not a 6-digit region")
    return payload


# ---------------------------------------------------------------------------- replay memory


REPLAY_TABLE = "seen_tokens"  # the replay memory's only table (`medterm diag scan` checks it)


class ReplayCache:
    """Tokens seen on this terminal, in a small SQLite file, kept until they expire.

    A restart must not forget a token that could still be presented; one that has expired can
    never pass the time check again, so it is purged.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        with contextlib.closing(self._connect()) as db:
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {REPLAY_TABLE}"
                " (tok TEXT PRIMARY KEY, exp INTEGER NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")  # a remembered token must survive a power cut
        return db

    def remember(self, tok: str, exp: int, now: float) -> bool:
        """Record ``tok``; False if it was already there (a replay)."""
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM seen_tokens WHERE exp < ?", (int(now) - CLOCK_SKEW_S,))
            try:
                db.execute("INSERT INTO seen_tokens (tok, exp) VALUES (?, ?)", (tok, exp))
            except sqlite3.IntegrityError:
                db.execute("ROLLBACK")
                return False
            db.execute("COMMIT")
            return True
        finally:
            db.close()

    def __len__(self) -> int:
        with contextlib.closing(self._connect()) as db:
            return int(db.execute("SELECT COUNT(*) FROM seen_tokens").fetchone()[0])


# ---------------------------------------------------------------------------- the verifier


class VoucherVerifier:
    """Checks vouchers offline against the platform keys; ``clock`` returns unix seconds."""

    def __init__(
        self,
        keys: Mapping[str, PlatformKey],
        replay_cache: ReplayCache,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._keys = dict(keys)
        self._replays = replay_cache
        self._clock = clock

    def verify(self, text: str) -> VerifiedVoucher:
        parsed = parse(text.strip())
        now = self._clock()
        key = self._keys.get(parsed.kid)
        if key is None:
            raise VoucherUnknownKey(f"no platform key {parsed.kid!r}")
        if key.not_after is not None and now > key.not_after.timestamp():
            raise VoucherUnknownKey(f"platform key {parsed.kid!r} retired")
        try:
            genuine = sm2.verify(
                key.public_key_hex,
                signed_part(parsed.kid, parsed.payload_b64),
                parsed.signature,
            )
        except sm2.SignatureError as err:
            raise VoucherUnknownKey(f"platform key {parsed.kid!r} is unusable: {err}") from None
        if not genuine:
            raise VoucherForged("the signature does not match")
        payload = parsed.payload
        if now < payload["iat"] - CLOCK_SKEW_S:
            raise VoucherNotYetValid(f"issued {payload['iat'] - now:.0f} s in the future")
        if now > payload["exp"]:
            raise VoucherExpired(f"expired {now - payload['exp']:.0f} s ago")
        if not self._replays.remember(payload["tok"], payload["exp"], now):
            raise VoucherReplayed("this code was already used on this terminal")
        return VerifiedVoucher(
            kid=parsed.kid,
            tok=payload["tok"],
            iat=payload["iat"],
            exp=payload["exp"],
            insu_org=payload["insuOrg"],
            mask=payload["mask"],
            idx=payload["idx"],
        )
