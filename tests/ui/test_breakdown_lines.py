"""The breakdown's lines as a patient reads them: every "of which" group adds up to the line
it belongs to, to the cent, whatever the platform's split (kernel.breakdown's invariants)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kernel.breakdown import Breakdown
from kernel.money import Money, money_sum
from ui.kiosk import sample
from ui.widgets.breakdown import Line, lines_of, reason_amounts

CENTS = st.integers(0, 50_000).map(lambda c: Money(Decimal(c) / 100))


def groups(lines: list[Line]) -> dict[str, list[Line]]:
    """The parts of each line, by the line they are part of (a line may have two groups:
    the person's share by why, and by who pays)."""
    out: dict[str, list[Line]] = {}
    for line in lines:
        if line.part_of:
            out.setdefault(f"{line.part_of}/{line.column}", []).append(line)
    return out


def assert_groups_add_up(breakdown: Breakdown, compact: bool) -> None:
    lines = lines_of(breakdown, compact)
    amounts = {line.key: line.amount for line in lines if line.part_of == ""}
    amounts.setdefault("person", breakdown.psn_part_amt)
    for group, parts in groups(lines).items():
        parent = group.split("/")[0]
        assert money_sum(p.amount for p in parts if p.amount is not None) == amounts[parent], group


def test_the_parts_under_the_persons_share_add_up_to_it_not_to_what_is_left_to_pay() -> None:
    b = sample.breakdown()  # 45.74 of which 8.00 + 2.10 + 4.65 + 10.00 + 20.99; 15.74 left
    lines = lines_of(b)
    reasons = [line for line in lines if line.column == 1 and line.amount is not None]
    assert money_sum(line.amount for line in reasons) == b.psn_part_amt
    payers = [line for line in lines if line.part_of == "person" and line.column == 0]
    assert [line.key for line in payers] == ["account", "cash"]
    assert money_sum(line.amount for line in payers) == b.psn_part_amt
    assert_groups_add_up(b, compact=False)


def test_elder_modes_fewer_lines_add_up_to_the_total() -> None:
    assert_groups_add_up(sample.breakdown(), compact=True)


def test_what_the_named_reasons_leave_out_is_its_own_line() -> None:
    b = sample.breakdown()
    # other funds paid 3.00 of the share the reasons name: the share is 3.00 less
    relieved = replace(
        b, hifp_pay=Money("49.36"), cvlserv_pay=Money("6.00"), fund_pay_sumamt=Money("55.36"),
        psn_part_amt=Money("42.74"), psn_cash_pay=Money("12.74"),
    )
    assert reason_amounts(relieved)[-1] == ("relief", Money("-3.00"))
    assert_groups_add_up(relieved, compact=False)


@given(
    st.tuples(CENTS, CENTS, CENTS, CENTS, CENTS, CENTS),
    st.integers(0, 100),
)
def test_every_group_adds_up_for_any_split_the_platform_may_send(
    parts: tuple[Money, ...], account_share: int
) -> None:
    ownpay, overlmt, preself, dedc, pool, fund = parts
    inscp = dedc + pool + fund
    total = ownpay + overlmt + preself + inscp
    person = total - fund
    account = person.times(Decimal(account_share) / 100)
    b = replace(
        sample.breakdown(), medfee_sumamt=total, fulamt_ownpay_amt=ownpay,
        overlmt_selfpay=overlmt, preselfpay_amt=preself, inscp_scp_amt=inscp,
        act_pay_dedc=dedc, pool_prop_selfpay=pool, hifp_pay=fund, fund_pay_sumamt=fund,
        psn_part_amt=person, acct_pay=account, psn_cash_pay=person - account,
    )
    assert_groups_add_up(b, compact=False)
    assert_groups_add_up(b, compact=True)


@given(st.integers(0, 1574))
def test_a_commercial_plans_share_is_its_own_payer_and_the_payers_still_add_up(cents) -> None:
    b = sample.breakdown().with_commercial(Money(Decimal(cents) / 100))
    payers = [line for line in lines_of(b) if line.part_of == "person" and line.column == 0]
    keys = [line.key for line in payers]
    assert keys[-1] == "cash" and payers[-1].amount == b.cash_due
    assert ("commercial" in keys) == (b.commercial_pay > Money(0))
    assert money_sum(line.amount for line in payers) == b.psn_part_amt
    assert_groups_add_up(b, compact=False)
    assert_groups_add_up(b, compact=True)
