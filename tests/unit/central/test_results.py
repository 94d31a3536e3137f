"""Transaction outputs become typed results, or a ProtocolError: never a wrong value."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from platform_fakes import FIXMEDINS
from testdata import SETLINFO

from kernel.breakdown import Breakdown
from kernel.money import Money
from terminal.central.envelope import ParsedResponse
from terminal.central.errors import ProtocolError
from terminal.central.paths import TRANSACTION_PATHS
from terminal.central.results import (
    PersonInfo,
    Settlement,
    SignIn,
    TotalsReconciliation,
    parse_result,
)


def result(infno: str, output: dict[str, Any]) -> Any:
    response = ParsedResponse(
        infno=infno,
        msgid=FIXMEDINS + "202611231200003000",
        infcode=0,
        inf_refmsgid="",
        refmsg_time="",
        respond_time="",
        err_msg="",
        warn_msg="",
        output=output,
    )
    return parse_result(response)


def test_a_settlement_yields_its_checked_breakdown() -> None:
    detail = {"fund_pay_type": "310100", "fund_payamt": "60.00"}
    settled = result("2207", {"setlinfo": SETLINFO, "setldetail": [detail]})
    assert isinstance(settled, Settlement)
    assert settled.breakdown.psn_cash_pay == Money("10.00")
    assert settled.breakdown.psn_name == "张三"
    assert settled.details[0].fund_payamt == Money("60.00")


def test_a_breakdown_that_does_not_add_up_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="psn_cash_pay"):
        result("2207", {"setlinfo": {**SETLINFO, "psn_cash_pay": "9.99"}})


def test_an_amount_with_three_decimals_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="hifp_pay"):
        result("2206", {"setlinfo": {**SETLINFO, "hifp_pay": "60.001"}})


def test_a_cancellation_must_be_negated() -> None:
    negated = Breakdown.from_setlinfo(SETLINFO).negated().to_setlinfo()
    assert result("2208", {"setlinfo": negated}).cancellation
    with pytest.raises(ProtocolError):
        result("2208", {"setlinfo": SETLINFO})


def test_sign_in_keeps_the_sign_no_and_the_platform_keys() -> None:
    signed_in = result(
        "9001",
        {
            "signinoutb": {"sign_no": "N1", "sign_time": "2026-11-23 12:00:00"},
            "platform_keys": [{"kid": "k1", "public_key_hex": "A" * 128, "not_after": "2027"}],
            "policy_version": "v3",
        },
    )
    assert isinstance(signed_in, SignIn)
    assert signed_in.sign_no == "N1"
    assert signed_in.platform_keys[0].public_key_hex == "a" * 128


def person_output() -> dict[str, Any]:
    return {
        "baseinfo": {"psn_no": "P1", "certno": "440300199001011234", "psn_name": "张三", "age": 36},
        "insuinfo": [
            {"balc": "500.00", "insutype": "310", "psn_type": "11", "insuplc_admdvs": "440300"}
        ],
        "idetinfo": [],
        "mulaid": [{"psn_no": "P2", "psn_name": "李四", "relation": "spouse", "acct_balc": "1.00"}],
    }


def test_person_info_is_typed_and_its_repr_hides_personal_data() -> None:
    person = result("1101", person_output())
    assert isinstance(person, PersonInfo)
    assert person.insurances[0].balc == Money("500.00")
    assert person.face_ref is None
    text = repr(person)
    assert "440300199001011234" not in text and "张三" not in text and "李四" not in text


def test_a_face_reference_must_have_128_numbers() -> None:
    with pytest.raises(ProtocolError, match="face_ref"):
        result("1101", {**person_output(), "face_ref": {"kid": "f", "encoding": [0.1] * 127}})


def test_reconciliation_totals_say_whether_they_balance() -> None:
    totals = result("3201", {"data": {"stmt_rslt": "1", "stmt_rslt_dscr": "差 1 笔"}})
    assert totals == TotalsReconciliation(balanced=False, description="差 1 笔")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
keys = st.sampled_from(
    ["setlinfo", "setldetail", "signinoutb", "data", "baseinfo", "insuinfo", "result", "x"]
)


@given(
    infno=st.sampled_from(sorted(TRANSACTION_PATHS)),
    output=st.dictionaries(keys, json_values, max_size=4),
)
def test_any_output_is_a_result_or_a_protocol_error(infno: str, output: dict[str, Any]) -> None:
    try:
        result(infno, output)
    except ProtocolError as err:
        assert err.infno == infno


CHECKED = sorted(
    k
    for k in SETLINFO
    if k.endswith(("amt", "pay", "selfpay")) and k not in ("act_pay_dedc", "pool_prop_selfpay")
)


@pytest.mark.parametrize("field", CHECKED)
def test_any_single_amount_changed_by_a_cent_is_refused(field: str) -> None:
    doctored = {**SETLINFO, field: str(Money.parse(SETLINFO[field]) + Money("0.01"))}
    with pytest.raises(ProtocolError):
        result("2207", {"setlinfo": doctored})


PLAN_ROW = {
    "plan_code": "SZHMB2026", "plan_name": "深圳惠民保2026", "insurer": "模拟人寿",
    "premium": "59.00", "deductible": "100.00", "ratio": "0.70",
    "covers": ["fulamt_ownpay_amt", "overlmt_selfpay"], "annual_cap": "1000.00",
    "begndate": "2026-01-01", "enddate": "2026-12-31", "renewal": "0",
}


def test_plan_offers_are_typed_with_their_terms() -> None:
    found = result("9805", {"plans": [PLAN_ROW], "balc": "200.00"})
    offer = found.offers[0]
    assert offer.premium == Money("59.00") and str(offer.ratio) == "0.70"
    assert offer.covers == ("fulamt_ownpay_amt", "overlmt_selfpay") and not offer.renewal
    assert found.balc == Money("200.00")


@pytest.mark.parametrize(
    "change", [{"ratio": "1.5"}, {"ratio": "-0.1"}, {"covers": "all"}, {"covers": [3]},
               {"premium": "59.001"}, {"plan_code": ""}, {"enddate": None}],
)
def test_a_plan_offer_with_broken_terms_is_a_protocol_error(change: dict[str, Any]) -> None:
    with pytest.raises(ProtocolError):
        result("9805", {"plans": [{**PLAN_ROW, **change}], "balc": "200.00"})


@given(row=st.dictionaries(st.sampled_from(sorted(PLAN_ROW)), json_values, max_size=11))
def test_any_plan_offer_row_is_an_offer_or_a_protocol_error(row: dict[str, Any]) -> None:
    try:
        result("9805", {"plans": [{**PLAN_ROW, **row}], "balc": "0.00"})
    except ProtocolError as err:
        assert err.infno == "9805"
