"""Offline policy: each mode, and every limit exactly at its edge."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from kernel.fees import CatalogueItem, ChargeLevel, FeeItem
from kernel.money import ZERO, Money
from terminal.flows.offline_policy import (
    OfflineLimits,
    OfflineMode,
    OfflineRefused,
    Outstanding,
    conservative_estimate,
    decide_offline,
)
from terminal.policy.engine import split_bill
from terminal.policy.rules import PolicyBook

BOOK = PolicyBook.load_dir()
CLASS_A = CatalogueItem("A", "class A item", ChargeLevel.CLASS_A)
LIMITS = OfflineLimits(Money("500.00"), Money("5000.00"), 200, timedelta(hours=72))
NOTHING = Outstanding(0, ZERO, None)


def bill(amount: str):
    return split_bill([(FeeItem("1", "A", Money(amount), Decimal(1)), CLASS_A)])


def decide(
    mode: OfflineMode,
    amount: str,
    outstanding: Outstanding = NOTHING,
    *,
    limits: OfflineLimits = LIMITS,
    insured_region: str = "440300",
):
    return decide_offline(
        mode,
        limits,
        outstanding,
        bill(amount),
        book=BOOK,
        insured_region=insured_region,
        med_type="11",
        institution_level="2",
        treating_region="440300",
        today=date(2026, 6, 1),
    )


def test_refuse_mode_refuses_before_any_money_moves() -> None:
    with pytest.raises(OfflineRefused, match="offline.mode is refuse"):
        decide(OfflineMode.REFUSE, "10.00")


def test_self_pay_collects_the_whole_bill_and_assumes_no_fund() -> None:
    decision = decide(OfflineMode.SELF_PAY, "215.59")
    assert decision.cash_due == Money("215.59")
    assert decision.assumed_fund == ZERO


def test_provisional_estimate_takes_the_least_generous_scheme() -> None:
    # 440300 level 2: employees pay a deductible first (200 employed), residents none at 0.45;
    # the employed employee's scheme pays least on a 300.00 bill: (300-200)*0.65 = 65.00.
    estimate = conservative_estimate(
        bill("300.00"),
        book=BOOK,
        insured_region="440300",
        med_type="11",
        institution_level="2",
        treating_region="440300",
        today=date(2026, 6, 1),
    )
    assert estimate.fund_pay_sumamt == Money("65.00")
    assert estimate.acct_pay == ZERO


def test_provisional_patient_pays_the_estimated_cash_part() -> None:
    decision = decide(OfflineMode.PROVISIONAL, "300.00")
    assert decision.assumed_fund == Money("65.00")
    assert decision.cash_due == Money("235.00")


def decide_with_tx_limit(limit: str, amount: str):
    limits = OfflineLimits(Money(limit), Money("5000.00"), 200, timedelta(hours=72))
    return decide(OfflineMode.PROVISIONAL, amount, limits=limits)


def test_fund_part_exactly_at_the_per_transaction_limit_is_accepted() -> None:
    assert decide_with_tx_limit("65.00", "300.00").assumed_fund == Money("65.00")


def test_fund_part_one_cent_over_the_per_transaction_limit_is_refused() -> None:
    with pytest.raises(OfflineRefused, match="above the offline limit 64.99"):
        decide_with_tx_limit("64.99", "300.00")


def test_outstanding_fund_total_is_enforced_at_its_edge() -> None:
    at_edge = Outstanding(3, Money("4935.00"), timedelta(hours=1))
    assert decide(OfflineMode.PROVISIONAL, "300.00", at_edge).assumed_fund == Money("65.00")
    over = Outstanding(3, Money("4935.01"), timedelta(hours=1))
    with pytest.raises(OfflineRefused, match="above the limit 5000.00"):
        decide(OfflineMode.PROVISIONAL, "300.00", over)


def test_outstanding_count_is_enforced_at_its_edge() -> None:
    assert decide(OfflineMode.SELF_PAY, "1.00", Outstanding(199, ZERO, None)).cash_due
    with pytest.raises(OfflineRefused, match="200 offline transactions already wait"):
        decide(OfflineMode.SELF_PAY, "1.00", Outstanding(200, ZERO, None))


def test_age_of_the_oldest_waiting_transaction_is_enforced_at_its_edge() -> None:
    assert decide(OfflineMode.SELF_PAY, "1.00", Outstanding(1, ZERO, timedelta(hours=72)))
    with pytest.raises(OfflineRefused, match="waited 72 h"):
        decide(OfflineMode.SELF_PAY, "1.00", Outstanding(1, ZERO, timedelta(hours=72, seconds=1)))


def test_unknown_insured_region_is_refused_in_provisional_mode() -> None:
    with pytest.raises(OfflineRefused, match="no cached policy"):
        decide(OfflineMode.PROVISIONAL, "10.00", insured_region="110100")
