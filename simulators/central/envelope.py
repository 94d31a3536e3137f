"""The request and response envelopes of central-api.md: validation and construction.

`parse_request` turns raw bytes into a checked `Request` or raises `Rejected`; nothing past it
sees an unchecked envelope field. `Responder` builds response bodies with the platform's
message ids (region + time + a 10-digit serial).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from simulators.central import fields as f
from simulators.central.fields import Rejected
from simulators.central.world import World
from terminal import sm2
from terminal.central.paths import TRANSACTION_PATHS

MSGID = re.compile(r"[A-Za-z0-9]{12}[0-9]{18}")
OPTIONAL_EMPTY = {
    # envelope fields that may be empty or absent: their maximum length
    "recer_sys_code": 10,
    "dev_no": 100,
    "dev_safe_info": 2000,
    "cainfo": 1024,
    "opter_name": 50,
    "fixmedins_name": 200,
    "sign_no": 30,
}
ENVELOPE_KEYS = frozenset(
    {
        "infno",
        "msgid",
        "mdtrtarea_admvs",
        "insuplc_admdvs",
        "signtype",
        "infver",
        "opter_type",
        "opter",
        "inf_time",
        "fixmedins_code",
        "input",
        "signdata",
        *OPTIONAL_EMPTY,
    }
)


@dataclass(frozen=True)
class Request:
    infno: str
    msgid: str
    fixmedins_code: str
    insuplc_admdvs: str
    signed: bool
    input: Mapping[str, Any]
    body_hash: str  # what idempotency compares: infno + canonical input


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Rejected("请求不是合法的JSON", "request body is not UTF-8 JSON") from None
    except RecursionError:  # the parser's own limit: no transaction nests like that
        raise Rejected("请求JSON嵌套过深", "request body is nested too deeply") from None


def parse_request(body: bytes, world: World, require_signature: bool) -> Request:
    env = f.obj(parse_json(body), "envelope")
    unknown = sorted(str(k)[:40] for k in env if k not in ENVELOPE_KEYS)
    if unknown:
        raise f.bad("envelope", f"unknown fields {', '.join(unknown[:5])}")
    infno = f.text(env, "infno", "envelope", max_len=4, min_len=4)
    if infno not in TRANSACTION_PATHS:
        raise Rejected("交易编号未知", f"unknown infno {infno!r}")
    msgid = f.text(env, "msgid", "envelope", max_len=30, min_len=30, pattern=MSGID)
    code = f.text(env, "fixmedins_code", "envelope", max_len=12, min_len=12)
    if code not in world.institutions:
        raise Rejected("定点机构编码未知", f"fixmedins_code {code} is not a designated institution")
    if msgid[:12] != code:
        raise f.bad("envelope.msgid", "must start with the envelope's fixmedins_code")
    try:
        datetime.strptime(msgid[12:26], "%Y%m%d%H%M%S")
    except ValueError:
        raise f.bad("envelope.msgid", "characters 13-26 must be a time yyyyMMddHHmmss") from None
    area = f.digits(env, "mdtrtarea_admvs", "envelope", 6)
    if area != world.region:
        raise Rejected("就医地区划错误", f"this platform serves region {world.region}, not {area}")
    insuplc = f.text(env, "insuplc_admdvs", "envelope", max_len=6, min_len=0, required=False)
    if insuplc and not f.DIGITS.fullmatch(insuplc):
        raise f.bad("envelope.insuplc_admdvs", "must be 6 digits")
    signtype = f.text(env, "signtype", "envelope", max_len=10, choices=frozenset({"SM2", "NONE"}))
    f.text(env, "infver", "envelope", max_len=6)
    f.text(env, "opter_type", "envelope", max_len=1, choices=frozenset({"1", "2", "3"}))
    f.text(env, "opter", "envelope", max_len=30)
    f.moment(env, "inf_time", "envelope")
    for key, max_len in OPTIONAL_EMPTY.items():
        f.text(env, key, "envelope", max_len=max_len, min_len=0, required=False)
    data = f.sub(env, "input", "envelope")
    if _names_person(data) and len(insuplc) != 6:
        raise f.bad("envelope.insuplc_admdvs", "is required (6 digits) when input names psn_no")
    signed = signtype == "SM2"
    if signed:
        _check_signature(env, world.institutions[code].public_key_hex)
    elif require_signature:
        raise Rejected("请求未签名", "this platform requires signtype SM2")
    canonical = infno.encode() + b"\n" + sm2.canonical_json(data)
    return Request(
        infno=infno,
        msgid=msgid,
        fixmedins_code=code,
        insuplc_admdvs=insuplc,
        signed=signed,
        input=data,
        body_hash=hashlib.sha256(canonical).hexdigest(),
    )


def _names_person(data: Mapping[str, Any]) -> bool:
    inner = data.get("data")
    if isinstance(inner, dict) and "psn_no" in inner:
        return True
    details = data.get("feedetail")
    return isinstance(details, list) and any(isinstance(d, dict) and "psn_no" in d for d in details)


def _check_signature(env: Mapping[str, Any], public_key_hex: str) -> None:
    signdata = f.text(env, "signdata", "envelope", max_len=128, min_len=128)
    try:
        signature = bytes.fromhex(signdata)
    except ValueError:
        raise f.bad("envelope.signdata", "must be 128 hex digits") from None
    unsigned = {k: v for k, v in env.items() if k != "signdata"}
    if not public_key_hex or not sm2.verify(
        public_key_hex, sm2.canonical_json(unsigned), signature
    ):
        raise Rejected("签名验证失败", "signature invalid for this institution's key")


class Responder:
    """Builds response bodies; the serial of `inf_refmsgid` is unique within the process and
    starts from the start-up time, so a restart does not repeat one within the same second."""

    def __init__(self, world: World, clock_now: Any) -> None:
        self._world = world
        self._now = clock_now
        self._serial = itertools.count(int(datetime.now().timestamp() * 1000) % 10**9)
        self._lock = threading.Lock()

    def body(
        self,
        infcode: int,
        output: Mapping[str, Any],
        *,
        received: datetime,
        err_msg: str = "",
        warn_msg: str = "",
        sign: bool = False,
    ) -> bytes:
        with self._lock:
            serial = next(self._serial) % 10**10
        now: datetime = self._now()
        response: dict[str, Any] = {
            "infcode": infcode,
            "inf_refmsgid": f"{self._world.region}{now:%Y%m%d%H%M%S}{serial:010d}",
            "refmsg_time": _millis(received),
            "respond_time": _millis(now),
            "err_msg": err_msg,
            "warn_msg": warn_msg,
            "output": output,
            "signtype": "SM2" if sign else "NONE",
            "cainfo": "",
        }
        if sign:
            key = self._world.platform_key
            signature = sm2.sign(
                key.private_key_hex, key.public_key_hex, sm2.canonical_json(response)
            )
            response["signdata"] = signature.hex()
        return json.dumps(response, ensure_ascii=False, separators=(",", ":")).encode()


def _millis(moment: datetime) -> str:
    return f"{moment:%Y%m%d%H%M%S}{moment.microsecond // 1000:03d}"
