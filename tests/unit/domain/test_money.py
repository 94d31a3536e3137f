"""Money: two decimals, half-up, never a float."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.errors import MoneyError
from kernel.money import Money, money_sum


def test_construction_rounds_half_up_to_the_cent() -> None:
    assert str(Money("1.005")) == "1.01"
    assert str(Money("-1.005")) == "-1.01"
    assert str(Money(Decimal("2.344"))) == "2.34"


def test_floats_are_refused() -> None:
    with pytest.raises(MoneyError, match="refusing float"):
        Money(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize("wire", ["12.345", "abc", "NaN", "Infinity", "", "1e999"])
def test_wire_parsing_refuses_anything_but_a_two_decimal_amount(wire: str) -> None:
    with pytest.raises(MoneyError):
        Money.parse(wire)


def test_wire_parsing_refuses_non_text_types() -> None:
    with pytest.raises(MoneyError, match="expected a decimal string"):
        Money.parse(12.5)


def test_times_rounds_the_product() -> None:
    assert Money("101.00").times(Decimal("0.65")) == Money("65.65")
    assert Money("33.33").times(3) == Money("99.99")


def test_money_is_immutable() -> None:
    with pytest.raises(AttributeError):
        Money("1").foo = 2  # type: ignore[attr-defined]


@given(st.lists(st.integers(-(10**9), 10**9), max_size=20))
def test_sums_are_exact_for_any_cents(cents: list[int]) -> None:
    amounts = [Money(Decimal(c) / 100) for c in cents]
    assert money_sum(amounts).amount == Decimal(sum(cents)) / 100


@given(st.text(max_size=30))
def test_parse_of_any_text_is_money_or_money_error(text: str) -> None:
    try:
        value = Money.parse(text)
    except MoneyError:
        return
    assert Money.parse(str(value)) == value
