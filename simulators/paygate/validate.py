"""Strict parsing of request bodies into typed values: anything else is a clean 400."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from kernel.errors import MoneyError
from kernel.money import Money
from simulators.paygate.errors import invalid

CHANNELS = ("qr", "paycode", "credit")
MAX_AMOUNT = Money("1000000.00")
MAX_BODY_BYTES = 64 * 1024

# WeChat Pay's rule for merchant numbers: 6 to 32 of letters, digits, `_` and `-`.
_NUMBER = re.compile(r"[A-Za-z0-9_\-]{6,32}")
# Payment codes (付款码): 18 digits, WeChat Pay 10-15, Alipay 25-30 (credentials.md §3).
_AUTH_CODE = re.compile(r"(1[0-5]|2[5-9]|30)[0-9]{16}")
_TEXT_LIMIT = 128


@dataclass(frozen=True)
class CreateOrder:
    out_trade_no: str
    amount: Money
    channel: str
    auth_code: str | None
    description: str
    payer_ref: str | None


@dataclass(frozen=True)
class CreateRefund:
    out_refund_no: str
    amount: Money
    reason: str


def payer_of(auth_code: str) -> str:
    """Which wallet issued a payment code, from its first two digits."""
    return "wechat" if auth_code[:2] < "20" else "alipay"


def json_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object; an empty body is an empty object."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise invalid("body is not UTF-8 JSON") from None
    except RecursionError:  # the parser's own limit: no request of this API nests like that
        raise invalid("body is nested too deeply to be a request of this API") from None
    if not isinstance(value, dict):
        raise invalid("body must be a JSON object")
    return value


def number(value: object, field: str) -> str:
    if not isinstance(value, str) or not _NUMBER.fullmatch(value):
        raise invalid(f"{field} must be 6 to 32 of A-Z a-z 0-9 _ -")
    return value


def amount(value: object, field: str = "amount") -> Money:
    if not isinstance(value, str):
        raise invalid(f'{field} must be a string such as "12.50"', "INVALID_AMOUNT")
    try:
        money = Money.parse(value, field=field)
    except MoneyError as err:
        raise invalid(err.detail, "INVALID_AMOUNT") from None
    if money <= Money(0) or money > MAX_AMOUNT:
        raise invalid(f"{field} must be above 0.00 and at most {MAX_AMOUNT}", "INVALID_AMOUNT")
    return money


def text(value: object, field: str, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or len(value) > _TEXT_LIMIT or (required and not value):
        raise invalid(f"{field} must be a string of at most {_TEXT_LIMIT} characters")
    return value


def create_order(body: dict[str, Any]) -> CreateOrder:
    channel = body.get("channel")
    if channel not in CHANNELS:
        raise invalid(f"channel must be one of {', '.join(CHANNELS)}")
    auth_code = body.get("auth_code")
    if channel == "paycode":
        if not isinstance(auth_code, str) or not _AUTH_CODE.fullmatch(auth_code):
            raise invalid(
                "auth_code must be an 18-digit payment code starting 10-15 or 25-30",
                "INVALID_AUTH_CODE",
            )
    elif auth_code is not None:
        raise invalid("auth_code is only for channel paycode")
    payer_ref = body.get("payer_ref")
    if payer_ref is not None and channel != "credit":
        raise invalid("payer_ref is only for channel credit")
    return CreateOrder(
        out_trade_no=number(body.get("out_trade_no"), "out_trade_no"),
        amount=amount(body.get("amount")),
        channel=channel,
        auth_code=auth_code,
        description=text(body.get("description"), "description"),
        payer_ref=text(payer_ref, "payer_ref", required=True) if payer_ref is not None else None,
    )


def create_refund(body: dict[str, Any]) -> CreateRefund:
    return CreateRefund(
        out_refund_no=number(body.get("out_refund_no"), "out_refund_no"),
        amount=amount(body.get("amount")),
        reason=text(body.get("reason"), "reason"),
    )
