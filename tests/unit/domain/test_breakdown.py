"""The breakdown refuses any split that does not add up (central-api.md invariants)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.breakdown import Breakdown
from kernel.errors import BreakdownInvariantError, MoneyError

EXAMPLE_1 = {
    "medfee_sumamt": "215.59",
    "fulamt_ownpay_amt": "45.60",
    "overlmt_selfpay": "9.99",
    "preselfpay_amt": "9.00",
    "inscp_scp_amt": "151.00",
    "act_pay_dedc": "50.00",
    "hifp_pay": "65.65",
    "pool_prop_selfpay": "35.35",
    "cvlserv_pay": "0.00",
    "hifes_pay": "0.00",
    "hifmi_pay": "0.00",
    "hifob_pay": "0.00",
    "maf_pay": "0.00",
    "oth_pay": "0.00",
    "fund_pay_sumamt": "65.65",
    "psn_part_amt": "149.94",
    "acct_pay": "104.34",
    "acct_mulaid_pay": "0.00",
    "psn_cash_pay": "45.60",
    "balc": "395.66",
    "setl_id": "S1",
}


def test_worked_example_1_parses_and_round_trips() -> None:
    b = Breakdown.from_setlinfo(EXAMPLE_1)
    assert Breakdown.from_setlinfo(b.to_setlinfo()) == b


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("fund_pay_sumamt", "65.66", "fund_pay_sumamt"),
        ("psn_part_amt", "149.95", "psn_part_amt"),
        ("psn_cash_pay", "45.59", "psn_cash_pay"),
        ("inscp_scp_amt", "151.01", "medfee_sumamt"),
    ],
)
def test_a_broken_sum_is_refused_naming_it(field: str, value: str, message: str) -> None:
    with pytest.raises(BreakdownInvariantError, match=message):
        Breakdown.from_setlinfo({**EXAMPLE_1, field: value})


def test_a_negative_amount_is_refused_outside_a_cancellation() -> None:
    data = {**EXAMPLE_1, "acct_pay": "150.00", "psn_cash_pay": "-0.06"}
    with pytest.raises(BreakdownInvariantError, match="negative"):
        Breakdown.from_setlinfo(data)


def test_negated_breakdown_is_a_valid_cancellation_and_back() -> None:
    b = Breakdown.from_setlinfo(EXAMPLE_1)
    cancel = b.negated()
    assert cancel.cancellation and str(cancel.acct_pay) == "-104.34"
    assert cancel.negated() == b
    with pytest.raises(BreakdownInvariantError, match="positive in a cancellation"):
        Breakdown.from_setlinfo(EXAMPLE_1, cancellation=True)


def test_missing_amount_is_named() -> None:
    data = dict(EXAMPLE_1)
    del data["hifp_pay"]
    with pytest.raises(BreakdownInvariantError, match="missing hifp_pay"):
        Breakdown.from_setlinfo(data)


@given(
    st.sampled_from(sorted(EXAMPLE_1)),
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
)
def test_any_corrupted_field_gives_a_typed_error_or_a_valid_breakdown(field, value) -> None:
    with contextlib.suppress(BreakdownInvariantError, MoneyError):
        Breakdown.from_setlinfo({**EXAMPLE_1, field: value})
