"""Money: yuan as a Decimal with exactly two places, rounded half-up.

No float ever holds an amount: constructing Money from a float is refused, because a float
has already lost the cents before we see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import total_ordering
from typing import Union

from kernel.errors import MoneyError

CENT = Decimal("0.01")
_MAX_ABS = Decimal("1000000000")  # one billion yuan: far beyond any bill, catches garbage

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
        """Parse an amount as the platform writes it: a string with at most two decimals.

        Stricter than the constructor: `"12.345"` is refused rather than rounded, because an
        amount with three decimals on the wire is a protocol error, not a rounding question.
        """
        if isinstance(text, bool) or not isinstance(text, (str, int, Decimal)):
            raise MoneyError(f"{field}: expected a decimal string, got {type(text).__name__}")
        try:
            value = Decimal(str(text).strip())
        except InvalidOperation:
            raise MoneyError(f"{field}: {str(text)[:40]!r} is not a number") from None
        if not value.is_finite() or abs(value) >= _MAX_ABS:
            raise MoneyError(f"{field}: {str(text)[:40]!r} is not a finite amount in range")
        if value != round_cent(value):
            raise MoneyError(f"{field}: {text!r} has more than two decimals")
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
