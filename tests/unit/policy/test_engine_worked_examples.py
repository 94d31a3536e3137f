"""The three worked examples of settlement-rules.md, to the cent, through the engine."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kernel.fees import CatalogueItem, ChargeLevel, FeeItem
from kernel.money import Money
from terminal.policy.engine import (
    AssistanceIdentity,
    BenefitUsage,
    PersonProfile,
    PersonState,
    SettlementContext,
    settle,
    split_bill,
    split_item,
)
from terminal.policy.rules import PolicyBook

BOOK = PolicyBook.load_dir()
X1 = CatalogueItem("X1", "X1", ChargeLevel.CLASS_A)
X2 = CatalogueItem("X2", "X2", ChargeLevel.CLASS_B, Decimal("0.10"), Money("30.00"))
X3 = CatalogueItem("X3", "X3", ChargeLevel.CLASS_C)
X4 = CatalogueItem("X4", "X4", ChargeLevel.CLASS_A)
FULL_BILL = [
    (FeeItem("1", "X1", Money("12.50"), Decimal(4)), X1),
    (FeeItem("2", "X2", Money("33.33"), Decimal(3)), X2),
    (FeeItem("3", "X3", Money("45.60"), Decimal(1)), X3),
    (FeeItem("4", "X4", Money("20.00"), Decimal(1)), X4),
]
DAY = date(2026, 6, 1)


def test_class_b_item_with_price_limit_splits_as_in_the_table() -> None:
    split = split_item(Money("33.33"), Decimal(3), X2)
    assert (split.det, split.overlmt, split.preselfpay, split.inscp) == (
        Money("99.99"),
        Money("9.99"),
        Money("9.00"),
        Money("81.00"),
    )


def test_full_bill_totals_215_59() -> None:
    bill = split_bill(FULL_BILL)
    assert bill.medfee_sumamt == Money("215.59")
    assert bill.fulamt_ownpay_amt == Money("45.60")
    assert bill.overlmt_selfpay == Money("9.99")
    assert bill.preselfpay_amt == Money("9.00")
    assert bill.inscp_scp_amt == Money("151.00")


def test_example_1_employed_employee_at_level_2_hospital() -> None:
    person = PersonProfile("310", "11", "440300", "1")
    state = PersonState({"outpatient": BenefitUsage(Money("150.00"), Money(0))}, balc=Money("500"))
    ctx = SettlementContext("11", "2", "440300", DAY, acct_used=True)
    result = settle(BOOK, person, state, split_bill(FULL_BILL), ctx)
    b = result.breakdown
    assert b.act_pay_dedc == Money("50.00")
    assert b.hifp_pay == Money("65.65")
    assert b.pool_prop_selfpay == Money("35.35")
    assert b.fund_pay_sumamt == Money("65.65")
    assert b.psn_part_amt == Money("149.94")
    assert b.acct_pay == Money("104.34")
    assert b.balc == Money("395.66")
    assert b.psn_cash_pay == Money("45.60")
    assert result.state_after.balc == Money("395.66")
    assert result.state_after.benefit("outpatient").dedc_used == Money("200.00")


def test_example_2_resident_with_subsistence_allowance_at_level_1_clinic() -> None:
    identity = AssistanceIdentity("2302", date(2026, 1, 1), date(2026, 12, 31))
    person = PersonProfile("390", "1401", "440300", "1", (identity,))
    ctx = SettlementContext("11", "1", "440300", DAY, acct_used=True)
    b = settle(BOOK, person, PersonState(), split_bill(FULL_BILL), ctx).breakdown
    assert b.act_pay_dedc == Money(0)
    assert b.hifp_pay == Money("75.50")
    assert b.pool_prop_selfpay == Money("75.50")
    assert b.maf_pay == Money("52.85")
    assert b.fund_pay_sumamt == Money("128.35")
    assert b.psn_part_amt == Money("87.24")
    assert b.acct_pay == Money(0)
    assert b.psn_cash_pay == Money("87.24")


def test_example_3_retired_employee_at_pharmacy_with_family_account() -> None:
    person = PersonProfile("310", "21", "440300", "1")
    state = PersonState(
        {"outpatient": BenefitUsage(Money("100.00"), Money("3990.00"))}, balc=Money("25.00")
    )
    ctx = SettlementContext("41", "pharmacy", "440300", DAY, True, mulaid_balc=Money("100.00"))
    result = settle(BOOK, person, state, split_bill(FULL_BILL[:1]), ctx)
    b = result.breakdown
    assert b.hifp_pay == Money("10.00")
    assert b.pool_prop_selfpay == Money("40.00")
    assert b.psn_part_amt == Money("40.00")
    assert b.acct_pay == Money("25.00")
    assert b.acct_mulaid_pay == Money("15.00")
    assert b.psn_cash_pay == Money("0.00")
    assert result.mulaid_balc_after == Money("85.00")
