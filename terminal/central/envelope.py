"""The fsi envelope: built from the configuration around a transaction's `input`, signed, and
the response envelope parsed strictly.

Pure functions over JSON values: no network, so every rule here is property-tested. Signing
follows docs/platform-wire.md: `signdata` is the hex of the SM2 signature over
`canonical_json(envelope without signdata)`, for requests and for responses alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from terminal import sm2
from terminal.central.errors import (
    AmbiguousOutcomeError,
    BusinessError,
    PlatformSystemError,
    ProtocolError,
    RequestInvalid,
    ResponseSignatureError,
)
from terminal.config import SignType, TerminalConfig

INFVER = "V1.0"
INF_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_INFNO = re.compile(r"\d{4}")
_MSGID = re.compile(r"[0-9A-Za-z]{12}\d{18}")
_ADMDVS = re.compile(r"\d{6}")
_INF_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_SIGNDATA = re.compile(r"[0-9a-fA-F]{128}")


@dataclass(frozen=True)
class Sender:
    """The envelope fields that come from the terminal's configuration."""

    fixmedins_code: str
    fixmedins_name: str
    mdtrtarea_admvs: str
    recer_sys_code: str
    dev_no: str
    opter_type: str
    opter: str
    opter_name: str
    signtype: SignType

    @classmethod
    def from_config(cls, config: TerminalConfig) -> Sender:
        t = config.terminal
        return cls(
            fixmedins_code=t.fixmedins_code,
            fixmedins_name=t.fixmedins_name,
            mdtrtarea_admvs=t.region,
            recer_sys_code=t.recer_sys_code,
            dev_no=t.terminal_id,
            opter_type=t.opter_type,
            opter=t.opter,
            opter_name=t.opter_name,
            signtype=config.platform.signtype,
        )


def names_psn_no(value: Any) -> bool:
    """True when a `psn_no` appears anywhere in `input` (then `insuplc_admdvs` is required)."""
    if isinstance(value, Mapping):
        return any(k == "psn_no" or names_psn_no(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(names_psn_no(item) for item in value)
    return False


def build_envelope(
    sender: Sender,
    infno: str,
    msgid: str,
    input_: Mapping[str, Any],
    *,
    inf_time: str,
    sign_no: str,
    insuplc_admdvs: str = "",
) -> dict[str, Any]:
    """The unsigned request envelope; refuses (RequestInvalid) what the platform would."""
    if not _INFNO.fullmatch(infno):
        raise RequestInvalid("infno must be 4 digits", infno=infno)
    if not _MSGID.fullmatch(msgid) or not msgid.startswith(sender.fixmedins_code):
        raise RequestInvalid("msgid must be fixmedins_code + 18 digits", infno=infno)
    if not _INF_TIME.fullmatch(inf_time):
        raise RequestInvalid("inf_time must be yyyy-MM-dd HH:mm:ss", infno=infno, msgid=msgid)
    if not isinstance(input_, Mapping):
        raise RequestInvalid("input must be an object", infno=infno, msgid=msgid)
    if insuplc_admdvs and not _ADMDVS.fullmatch(insuplc_admdvs):
        raise RequestInvalid("insuplc_admdvs must be 6 digits", infno=infno, msgid=msgid)
    if names_psn_no(input_) and not insuplc_admdvs:
        raise RequestInvalid(
            "insuplc_admdvs is required when input names a psn_no", infno=infno, msgid=msgid
        )
    return {
        "infno": infno,
        "msgid": msgid,
        "mdtrtarea_admvs": sender.mdtrtarea_admvs,
        "insuplc_admdvs": insuplc_admdvs,
        "recer_sys_code": sender.recer_sys_code,
        "dev_no": sender.dev_no,
        "dev_safe_info": "",
        "cainfo": "",
        "signtype": sender.signtype.value,
        "infver": INFVER,
        "opter_type": sender.opter_type,
        "opter": sender.opter,
        "opter_name": sender.opter_name,
        "inf_time": inf_time,
        "fixmedins_code": sender.fixmedins_code,
        "fixmedins_name": sender.fixmedins_name,
        "sign_no": sign_no,
        "input": plain(input_),
    }


def signed(
    envelope: Mapping[str, Any], private_key_hex: str, public_key_hex: str
) -> dict[str, Any]:
    """The envelope with `signdata` over its canonical JSON (without any old signdata)."""
    body = {k: v for k, v in envelope.items() if k != "signdata"}
    signature = sm2.sign(private_key_hex, public_key_hex, sm2.canonical_json(body))
    return {**body, "signdata": signature.hex()}


def encode(envelope: Mapping[str, Any]) -> bytes:
    """The request body: UTF-8 JSON (not ASCII-escaped, as the platform expects Chinese).
    A value JSON cannot carry (NaN, an object) is a RequestInvalid, never sent."""
    try:
        text = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as err:
        raise RequestInvalid(
            f"input is not JSON: {type(err).__name__}", infno=str(envelope.get("infno", ""))
        ) from None
    return text.encode()


@dataclass(frozen=True)
class ParsedResponse:
    """A response envelope whose every field has the right type; `output` is read-only."""

    infno: str
    msgid: str
    infcode: int
    inf_refmsgid: str
    refmsg_time: str
    respond_time: str
    err_msg: str
    warn_msg: str
    output: Mapping[str, Any]

    def raise_for_infcode(self) -> ParsedResponse:
        """Self when `infcode` is 0, else the matching typed error."""
        if self.infcode == -2:
            raise BusinessError(self.err_msg, infno=self.infno, msgid=self.msgid)
        if self.infcode == -1:
            raise PlatformSystemError(self.err_msg, infno=self.infno, msgid=self.msgid)
        return self


_TEXT_FIELDS = ("inf_refmsgid", "refmsg_time", "respond_time", "err_msg", "warn_msg")
_OPTIONAL_TEXT = ("signtype", "cainfo")


def parse_response(
    body: bytes, *, infno: str, msgid: str, verify_keys: tuple[str, ...] = ()
) -> ParsedResponse:
    """Parse a response body strictly.

    Not JSON at all -> AmbiguousOutcomeError (whatever answered, the platform may have acted);
    JSON of the wrong shape -> ProtocolError; a signature that does not verify with any of
    `verify_keys` (when given) -> ResponseSignatureError. A success must be signed; a refusal
    (-1, -2) may come unsigned (the platform does not sign what it rejected), and then acting
    on it is safe: -2 promises nothing was done, and -1 is treated as unknown anyway."""
    where = {"infno": infno, "msgid": msgid}
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise AmbiguousOutcomeError(
            f"response body is not JSON ({len(body)} bytes)", **where
        ) from None
    if not isinstance(data, dict):
        raise ProtocolError(f"response is a JSON {type(data).__name__}, not an object", **where)
    infcode = data.get("infcode")
    if isinstance(infcode, bool) or not isinstance(infcode, int) or infcode not in (0, -1, -2):
        raise ProtocolError(f"infcode must be 0, -1 or -2, got {_kind(infcode)}", **where)
    if verify_keys and (infcode == 0 or "signdata" in data):
        _verify(data, verify_keys, where)
    texts: dict[str, str] = {}
    for name in _TEXT_FIELDS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise ProtocolError(f"{name} must be text, got {_kind(value)}", **where)
        texts[name] = value or ""
    for name in _OPTIONAL_TEXT:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise ProtocolError(f"{name} must be text, got {_kind(value)}", **where)
    output = data.get("output")
    if infcode == 0 and not isinstance(output, dict):
        raise ProtocolError(f"output must be an object, got {_kind(output)}", **where)
    if output is not None and not isinstance(output, dict):
        raise ProtocolError(f"output must be an object or null, got {_kind(output)}", **where)
    return ParsedResponse(
        infno=infno,
        msgid=msgid,
        infcode=infcode,
        output=MappingProxyType(output or {}),
        **texts,
    )


def _verify(data: dict[str, Any], keys: tuple[str, ...], where: dict[str, str]) -> None:
    signdata = data.get("signdata")
    if not isinstance(signdata, str) or not _SIGNDATA.fullmatch(signdata):
        raise ResponseSignatureError("response carries no valid signdata", **where)
    signature = bytes.fromhex(signdata)
    body = sm2.canonical_json({k: v for k, v in data.items() if k != "signdata"})
    if not any(sm2.verify(key, body, signature) for key in keys):
        raise ResponseSignatureError("response signature does not verify", **where)


def plain(value: Any) -> Any:
    """A deep copy as plain dicts and lists (inputs may hold read-only mappings or tuples)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__
