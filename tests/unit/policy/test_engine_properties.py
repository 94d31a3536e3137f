"""Properties of the engine for any bill and any person state (hypothesis)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kernel.breakdown import Breakdown
from kernel.fees import CatalogueItem, ChargeLevel, FeeItem
from kernel.money import ZERO, Money
from terminal.policy.engine import (
    AssistanceIdentity,
    BenefitUsage,
    PersonProfile,
    PersonState,
    SettlementContext,
    cancel_state,
    settle,
    split_bill,
)
from terminal.policy.rules import PolicyBook

BOOK = PolicyBook.load_dir()
DAY = date(2026, 6, 1)

cents = st.integers(min_value=0, max_value=2_000_000).map(lambda c: Money(Decimal(c) / 100))
small_cents = st.integers(min_value=0, max_value=50_000).map(lambda c: Money(Decimal(c) / 100))


@st.composite
def bill_lines(draw: st.DrawFn) -> list[tuple[FeeItem, CatalogueItem]]:
    lines = []
    for n in range(draw(st.integers(min_value=1, max_value=6))):
        level = draw(st.sampled_from(list(ChargeLevel)))
        prop = Decimal(draw(st.integers(0, 100))) / 100 if level is ChargeLevel.CLASS_B else 0
        limit = draw(st.none() | small_cents) if level is not ChargeLevel.CLASS_C else None
        item = CatalogueItem(f"I{n}", f"item {n}", level, Decimal(prop), limit)
        count = Decimal(draw(st.integers(1, 400))) / draw(st.sampled_from([1, 2, 4, 10]))
        lines.append((FeeItem(str(n), item.med_list_codg, draw(small_cents), count), item))
    return lines


PSN_TYPES = {"310": ["11", "21"], "390": ["1401", "1402", "1403"]}
identities = st.lists(
    st.builds(
        AssistanceIdentity,
        psn_idet_type=st.sampled_from(["2302", "2303", "2304"]),
        begntime=st.just(date(2026, 1, 1)),
        endtime=st.sampled_from([None, date(2026, 3, 1), date(2026, 12, 31)]),
    ),
    max_size=2,
).map(tuple)


@st.composite
def persons(draw: st.DrawFn) -> PersonProfile:
    insutype = draw(st.sampled_from(sorted(PSN_TYPES)))
    return PersonProfile(
        insutype=insutype,
        psn_type=draw(st.sampled_from(PSN_TYPES[insutype])),
        insuplc_admdvs=draw(st.sampled_from(["440300", "330600"])),
        psn_insu_stas="1",
        identities=draw(identities),
    )


states = st.builds(
    PersonState,
    usage=st.fixed_dictionaries(
        {"outpatient": st.builds(BenefitUsage, cents, cents), "chronic": st.builds(BenefitUsage)}
    ),
    maf_paid=cents,
    balc=cents,
)
contexts = st.builds(
    SettlementContext,
    med_type=st.sampled_from(["11", "14", "41"]),
    institution_level=st.sampled_from(["1", "2", "3", "pharmacy"]),
    treating_admdvs=st.sampled_from(["440300", "330600", "110100"]),
    settle_date=st.just(DAY),
    acct_used=st.booleans(),
    mulaid_balc=st.none() | cents,
)


@settings(max_examples=300, deadline=None)
@given(bill_lines(), persons(), states, contexts)
def test_every_settlement_satisfies_the_breakdown_invariants(lines, person, state, ctx) -> None:
    bill = split_bill(lines)
    result = settle(BOOK, person, state, bill, ctx)
    b = result.breakdown
    # The constructor checked the sums; re-check them here so a weakened constructor fails too.
    assert b.medfee_sumamt == bill.medfee_sumamt
    assert b.psn_part_amt == b.medfee_sumamt - b.fund_pay_sumamt
    assert b.psn_cash_pay == b.psn_part_amt - b.acct_pay - b.acct_mulaid_pay
    assert b.fund_pay_sumamt <= b.inscp_scp_amt
    assert b.acct_pay <= state.balc or b.acct_pay == ZERO
    assert all(not getattr(b, f).is_negative() for f in ("hifp_pay", "maf_pay", "psn_cash_pay"))
    Breakdown.from_setlinfo(b.to_setlinfo())


@settings(max_examples=300, deadline=None)
@given(bill_lines(), persons(), states, contexts)
def test_cancelling_a_settlement_restores_the_person_state_exactly(lines, person, state, ctx):
    result = settle(BOOK, person, state, split_bill(lines), ctx)
    restored = cancel_state(result.state_after, result.breakdown, ctx.med_type)
    assert restored.balc == state.balc
    assert restored.maf_paid == state.maf_paid
    for benefit in ("outpatient", "chronic"):
        assert restored.benefit(benefit) == state.benefit(benefit)
    if ctx.mulaid_balc is not None:
        assert result.mulaid_balc_after + result.breakdown.acct_mulaid_pay == ctx.mulaid_balc


@settings(max_examples=200, deadline=None)
@given(bill_lines(), persons(), states, contexts)
def test_fund_never_pays_beyond_the_remaining_cap(lines, person, state, ctx) -> None:
    result = settle(BOOK, person, state, split_bill(lines), ctx)
    benefit = "chronic" if ctx.med_type == "14" else "outpatient"
    scheme = BOOK.region(person.insuplc_admdvs).scheme(person.insutype, person.psn_type, benefit)
    before = state.benefit(benefit).hifp_paid
    assert result.breakdown.hifp_pay <= max(scheme.cap - before, ZERO)
