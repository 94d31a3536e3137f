"""Strict readers for request fields: every malformed value becomes one `Rejected` with the
field's path named, so the handlers never see a wrong type and a client always learns which
field to fix (answered as infcode -2)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from kernel.errors import MoneyError
from kernel.money import Money

DIGITS = re.compile(r"[0-9]+")
DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class Rejected(Exception):
    """A request the platform refuses as a business failure (infcode -2): nothing was done."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        self.message = f"{message_zh} ({message_en})"
        super().__init__(self.message)


def bad(path: str, problem: str) -> Rejected:
    return Rejected("请求字段错误", f"{path}: {problem}")


def obj(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise bad(path, f"must be an object, got {_kind(value)}")
    return value


def sub(parent: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    return obj(_get(parent, key, path), f"{path}.{key}")


def items(parent: Mapping[str, Any], key: str, path: str, *, max_len: int = 1000) -> list[Any]:
    value = _get(parent, key, path)
    if not isinstance(value, list):
        raise bad(f"{path}.{key}", f"must be a list, got {_kind(value)}")
    if len(value) > max_len:
        raise bad(f"{path}.{key}", f"has more than {max_len} entries")
    return value


def text(
    parent: Mapping[str, Any],
    key: str,
    path: str,
    *,
    max_len: int,
    min_len: int = 1,
    pattern: re.Pattern[str] | None = None,
    choices: frozenset[str] | None = None,
    required: bool = True,
) -> str:
    """A string field; `required=False` reads a missing key as ""."""
    where = f"{path}.{key}"
    if key not in parent:
        if required:
            raise bad(where, "is missing")
        return ""
    value = parent[key]
    if not isinstance(value, str):
        raise bad(where, f"must be a string, got {_kind(value)}")
    if not min_len <= len(value) <= max_len:
        raise bad(where, f"length must be {min_len}..{max_len}, got {len(value)}")
    if pattern is not None and value and not pattern.fullmatch(value):
        raise bad(where, "has the wrong format")
    if choices is not None and value not in choices:
        raise bad(where, f"must be one of {', '.join(sorted(choices))}")
    return value


def digits(parent: Mapping[str, Any], key: str, path: str, length: int) -> str:
    value = text(parent, key, path, max_len=length, min_len=length)
    if not DIGITS.fullmatch(value):
        raise bad(f"{path}.{key}", f"must be {length} digits")
    return value


def money(parent: Mapping[str, Any], key: str, path: str) -> Money:
    value = _get(parent, key, path)
    if not isinstance(value, str):
        raise bad(f"{path}.{key}", f'must be a decimal string such as "12.50", got {_kind(value)}')
    try:
        amount = Money.parse(value, field=f"{path}.{key}")
    except MoneyError as err:
        raise Rejected("请求字段错误", err.detail) from None
    if amount.is_negative():
        raise bad(f"{path}.{key}", "must not be negative")
    return amount


def count(parent: Mapping[str, Any], key: str, path: str) -> Decimal:
    value = _get(parent, key, path)
    if not isinstance(value, str) or len(value) > 20:
        raise bad(f"{path}.{key}", f"must be a decimal string, got {_kind(value)}")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise bad(f"{path}.{key}", "is not a number") from None
    if not number.is_finite() or not Decimal(0) < number < Decimal(100000):
        raise bad(f"{path}.{key}", "must be a positive count below 100000")
    if number != number.quantize(Decimal("0.0001")):
        raise bad(f"{path}.{key}", "has more than four decimals")
    return number


def day(parent: Mapping[str, Any], key: str, path: str) -> date:
    value = text(parent, key, path, max_len=10, min_len=10)
    try:
        return datetime.strptime(value, DATE_FORMAT).date()
    except ValueError:
        raise bad(f"{path}.{key}", "must be a date yyyy-MM-dd") from None


def moment(parent: Mapping[str, Any], key: str, path: str) -> datetime:
    value = text(parent, key, path, max_len=19, min_len=10)
    for fmt in (TIME_FORMAT, DATE_FORMAT):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise bad(f"{path}.{key}", "must be a time yyyy-MM-dd HH:mm:ss")


def _get(parent: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in parent:
        raise bad(f"{path}.{key}", "is missing")
    return parent[key]


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def money_signed(parent: Mapping[str, Any], key: str, path: str) -> Money:
    """An amount that may be negative (reconciliation totals net of cancellations)."""
    value = _get(parent, key, path)
    if not isinstance(value, str):
        raise bad(f"{path}.{key}", f"must be a decimal string, got {_kind(value)}")
    try:
        return Money.parse(value, field=f"{path}.{key}")
    except MoneyError as err:
        raise Rejected("请求字段错误", err.detail) from None
