"""The city plan's rule (simulators/central/commercial.py `assess`): a ratio of the covered
scopes above the deductible left, never more than the cap left nor the patient's cash part."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kernel.money import ZERO, Money
from simulators.central.commercial import (
    CAP_REACHED,
    IN_DEDUCTIBLE,
    NOTHING_COVERED,
    Policy,
    assess,
)
from simulators.central.world import Plan

cents = st.integers(0, 2_000_000).map(lambda c: Money(Decimal(c) / 100))
PLAN = Plan(
    plan_code="P",
    plan_name="plan",
    insurer="insurer",
    premium=Money("59.00"),
    deductible=Money("100.00"),
    ratio=Decimal("0.70"),
    covers=("fulamt_ownpay_amt", "overlmt_selfpay"),
    annual_cap=Money("1000.00"),
    begndate=date(2026, 1, 1),
    enddate=date(2026, 12, 31),
)


def policy(dedc_used: Money = ZERO, paid: Money = ZERO) -> Policy:
    return Policy("N", "psn", "P", PLAN.begndate, PLAN.enddate, "active", dedc_used, paid)


def amounts(own: Money, over: Money, pre: Money = ZERO) -> dict[str, Money]:
    return {
        "medfee_sumamt": own + over + pre,
        "fulamt_ownpay_amt": own,
        "overlmt_selfpay": over,
        "preselfpay_amt": pre,
    }


@given(cents, cents, cents, cents, cents, cents)
def test_the_plan_never_pays_more_than_the_cash_the_cap_left_or_its_ratio(
    own, over, pre, cash, dedc_used, paid
) -> None:
    result = assess(PLAN, policy(dedc_used, paid), amounts(own, over, pre), cash)
    assert result.covered == own + over  # pre-self-pay is not covered by this plan
    assert ZERO <= result.pay <= cash
    assert result.pay <= max(PLAN.annual_cap - paid, ZERO)
    assert result.pay <= (result.covered - result.dedc).times(PLAN.ratio)
    assert result.dedc <= max(PLAN.deductible - dedc_used, ZERO)
    if result.pay:
        assert result.reason == ""  # a reason only says why nothing is paid


def test_the_deductible_is_taken_first_then_seventy_percent() -> None:
    result = assess(PLAN, policy(Money("60.00")), amounts(Money("100.00"), ZERO), Money("500"))
    assert (result.dedc, result.pay) == (Money("40.00"), Money("42.00"))


def test_why_it_pays_nothing_is_said() -> None:
    cash = Money("100.00")
    assert assess(PLAN, policy(), amounts(ZERO, ZERO), cash).reason == NOTHING_COVERED
    assert assess(PLAN, policy(), amounts(Money("50.00"), ZERO), cash).reason == IN_DEDUCTIBLE
    used_up = policy(Money("100.00"), Money("1000.00"))
    assert assess(PLAN, used_up, amounts(Money("50.00"), ZERO), cash).reason == CAP_REACHED
