"""Policy files: loaded from data, refused with the key named when wrong."""

from __future__ import annotations

import contextlib
import copy
import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kernel.money import Money
from terminal.policy.engine import (
    NotEligibleError,
    PersonProfile,
    PersonState,
    SettlementContext,
    settle,
    split_bill,
)
from terminal.policy.rules import REGIONS_DIR, PolicyBook, PolicyError

SHIPPED = {p.stem: json.loads(p.read_text()) for p in REGIONS_DIR.glob("*.json")}


def test_explicit_person_type_wins_over_any() -> None:
    region = PolicyBook.load_dir().region("440300")
    assert region.scheme("310", "21", "outpatient").deductible == Money("100.00")
    assert region.scheme("310", "11", "chronic").deductible == Money("0.00")


def test_missing_ratio_level_is_refused_naming_the_scheme() -> None:
    data = copy.deepcopy(SHIPPED)
    del data["440300"]["schemes"][0]["ratios"]["pharmacy"]
    with pytest.raises(PolicyError, match=r"policies.440300.schemes\[0\].ratios lacks"):
        PolicyBook.from_mapping(data)


def test_unknown_region_is_a_policy_error() -> None:
    with pytest.raises(PolicyError, match="no policy for region 999999"):
        PolicyBook.load_dir().region("999999")


def test_suspended_insurance_gets_no_fund_payment() -> None:
    person = PersonProfile("310", "11", "440300", "2")
    ctx = SettlementContext("11", "1", "440300", date(2026, 1, 2), True)
    with pytest.raises(NotEligibleError):
        settle(PolicyBook.load_dir(), person, PersonState(), split_bill([]), ctx)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["440300", "x"]), json_values, max_size=2))
def test_garbage_policy_data_raises_only_policy_error(data) -> None:
    with contextlib.suppress(PolicyError):
        PolicyBook.from_mapping(data)
