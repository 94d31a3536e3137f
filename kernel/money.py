"""Money: yuan as a Decimal with exactly two places, rounded half-up.

No float ever holds an amount: constructing Money from a float is refused, because a float
has already lost the cents before we see it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import total_ordering
from typing import Union

from kernel.errors import MoneyError

CENT = Decimal("0.01")
_MAX_ABS = Decimal("1000000000")  # one billion yuan: far beyond any bill, catches garbage
# The one shape of an amount on every interface (platform, gateway, journal, world files).
# ASCII digits only: `[0-9]`, not `\d`, which also matches full-width and other digits.
WIRE_AMOUNT = re.compile(r"-?[0-9]{1,10}\.[0-9]{2}", re.ASCII)

Number = Union["Money", Decimal, int, str]


def round_cent(value: Decimal) -> Decimal:
    """Round half-up to the cent (the platform's rule for every computed amount)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@total_ordering
class Money:
    """An immutable amount of yuan with two decimals."""

    __slots__ = ("_amount",)

    def __init__(self, value: Number = 0) -> None:
        object.__setattr__(self, "_amount", _to_decimal(value))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Money is immutable")

    @classmethod
    def parse(cls, text: object, *, field: str = "amount") -> Money:
        """Parse an amount as the interfaces write it: text matching `-?[0-9]+\\.[0-9]{2}`.

        Exactly that and nothing `Decimal` would also take: no sign `+`, no spaces, no
        exponent (`"1e2"`), no `_` separators (`"1_000.00"` is not 1000.00 to a person), no
        full-width or other Unicode digits, no `"12.5"` or `"12"`, no `"12.345"` rounded. An
        amount off that shape on the wire is a protocol error, never a guess. Whether a
        negative amount is allowed is the caller's field rule (`is_negative()`).
        """
        if not isinstance(text, str):
            raise MoneyError(f"{field}: expected a decimal string, got {type(text).__name__}")
        if not WIRE_AMOUNT.fullmatch(text):
            raise MoneyError(
                f'{field}: {text[:40]!r} is not an amount written as "12.50" '
                "(digits, a point, exactly two decimals)"
            )
        value = Decimal(text) + 0  # `+ 0` makes "-0.00" plain 0.00
        if abs(value) >= _MAX_ABS:
            raise MoneyError(f"{field}: {text[:40]!r} is not an amount in range")
        return cls(value)

    @property
    def amount(self) -> Decimal:
        return self._amount

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self._amount + other._amount)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self._amount - other._amount)

    def __neg__(self) -> Money:
        return Money(-self._amount)

    def times(self, factor: Decimal | int | str) -> Money:
        """Multiply by a ratio or a count, rounding the product half-up to the cent."""
        return Money(round_cent(self._amount * Decimal(factor)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Money):
            return self._amount == other._amount
        return NotImplemented

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self._amount < other._amount

    def __hash__(self) -> int:
        return hash(self._amount)

    def __bool__(self) -> bool:
        return self._amount != 0

    def is_negative(self) -> bool:
        return self._amount < 0

    def __str__(self) -> str:
        return f"{self._amount:.2f}"

    def __repr__(self) -> str:
        return f"Money('{self}')"

    def __reduce__(self) -> tuple[type[Money], tuple[str]]:
        return (Money, (str(self),))


def _to_decimal(value: Number) -> Decimal:
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, (float, bool)):
        raise MoneyError(f"refusing {type(value).__name__} {value!r}: use a string or Decimal")
    try:
        dec = Decimal(value) if not isinstance(value, str) else Decimal(value.strip())
    except (InvalidOperation, TypeError):
        raise MoneyError(f"{str(value)[:40]!r} is not a number") from None
    if not dec.is_finite():
        raise MoneyError(f"{value!r} is not a finite number")
    if abs(dec) >= _MAX_ABS:
        raise MoneyError(f"{value!r} is out of range")
    return round_cent(dec)


ZERO = Money(0)


def money_sum(amounts: Iterable[Money]) -> Money:
    total = ZERO
    for amount in amounts:
        total = total + amount
    return total
