"""The breakdown's commercial line (docs/commercial.md): a share of the cash part, never more;
every other invariant still holds to the cent with it, through the wire form and negation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.breakdown import Breakdown
from kernel.errors import BreakdownInvariantError
from kernel.money import ZERO, Money, money_sum

cents = st.integers(min_value=0, max_value=5_000_000).map(lambda c: Money(Decimal(c) / 100))


@st.composite
def splits(draw: st.DrawFn) -> Breakdown:
    """A split that adds up: scopes, one fund, the accounts, the cash part, a plan's share."""
    own, over, pre, scope = draw(cents), draw(cents), draw(cents), draw(cents)
    total = own + over + pre + scope
    fund = Money(draw(st.integers(0, int(scope.amount * 100))) / Decimal(100))
    part = total - fund
    acct = Money(draw(st.integers(0, int(part.amount * 100))) / Decimal(100))
    cash = part - acct
    share = Money(draw(st.integers(0, int(cash.amount * 100))) / Decimal(100))
    return Breakdown(
        medfee_sumamt=total,
        fulamt_ownpay_amt=own,
        overlmt_selfpay=over,
        preselfpay_amt=pre,
        inscp_scp_amt=scope,
        act_pay_dedc=ZERO,
        hifp_pay=fund,
        pool_prop_selfpay=ZERO,
        cvlserv_pay=ZERO,
        hifes_pay=ZERO,
        hifmi_pay=ZERO,
        hifob_pay=ZERO,
        maf_pay=ZERO,
        oth_pay=ZERO,
        fund_pay_sumamt=fund,
        psn_part_amt=part,
        acct_pay=acct,
        acct_mulaid_pay=ZERO,
        psn_cash_pay=cash,
        commercial_pay=share,
    )


@given(splits())
def test_fund_accounts_plan_and_patient_add_up_to_the_bill_to_the_cent(b: Breakdown) -> None:
    paid = money_sum([b.fund_pay_sumamt, b.account_total, b.commercial_pay, b.cash_due])
    assert paid == b.medfee_sumamt
    assert not b.cash_due.is_negative()


@given(splits())
def test_the_commercial_line_survives_the_wire_form_and_negation(b: Breakdown) -> None:
    assert Breakdown.from_setlinfo(b.to_setlinfo()) == b
    cancel = b.negated()
    assert cancel.commercial_pay == -b.commercial_pay and cancel.cash_due == -b.cash_due
    assert cancel.negated() == b


@given(splits(), st.integers(min_value=1, max_value=100_000))
def test_a_share_above_the_cash_part_is_refused(b: Breakdown, extra: int) -> None:
    with pytest.raises(BreakdownInvariantError, match="commercial_pay"):
        b.with_commercial(b.psn_cash_pay + Money(Decimal(extra) / 100))


def test_a_negative_share_is_refused() -> None:
    b = Breakdown.from_setlinfo({**_plain(), "psn_cash_pay": "10.00"})
    with pytest.raises(BreakdownInvariantError, match="negative"):
        b.with_commercial(Money("-0.01"))


def test_the_platforms_setlinfo_has_no_commercial_line_unless_a_plan_paid() -> None:
    b = Breakdown.from_setlinfo(_plain())
    assert "commercial_pay" not in b.to_setlinfo() and b.commercial_pay == ZERO
    assert b.with_commercial(Money("3.00")).to_setlinfo()["commercial_pay"] == "3.00"


def _plain() -> dict[str, str]:
    zero = "0.00"
    return {
        "medfee_sumamt": "10.00",
        "fulamt_ownpay_amt": "10.00",
        "overlmt_selfpay": zero,
        "preselfpay_amt": zero,
        "inscp_scp_amt": zero,
        "act_pay_dedc": zero,
        "hifp_pay": zero,
        "pool_prop_selfpay": zero,
        "cvlserv_pay": zero,
        "hifes_pay": zero,
        "hifmi_pay": zero,
        "hifob_pay": zero,
        "maf_pay": zero,
        "oth_pay": zero,
        "fund_pay_sumamt": zero,
        "psn_part_amt": "10.00",
        "acct_pay": zero,
        "acct_mulaid_pay": zero,
        "psn_cash_pay": "10.00",
    }
