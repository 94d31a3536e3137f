"""Typed inputs become exactly the JSON the wire contract fixes."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.breakdown import Breakdown
from kernel.money import ZERO, Money
from terminal.central import inputs

ZEROS = {f.name: ZERO for f in fields(Breakdown) if f.type == "Money"}
REQUEST = inputs.SettlementRequest(
    psn_no="P1",
    mdtrt_cert_type="02",
    mdtrt_cert_no="440300199001011234",
    med_type="11",
    medfee_sumamt=Money("70.00"),
    psn_setlway="01",
    mdtrt_id="M1",
    chrg_bchno="B1",
    acct_used_flag=False,
    insutype="310",
)


def line(cnt: Decimal) -> inputs.FeeLine:
    return inputs.FeeLine(
        feedetl_sn="0001",
        mdtrt_id="M1",
        psn_no="P1",
        chrg_bchno="B1",
        rxno="",
        fee_ocur_time="2026-11-23 12:00:00",
        med_list_codg="X1",
        medins_list_codg="X1",
        det_item_fee_sumamt=Money("30.00").times(cnt),
        cnt=cnt,
        pric=Money("30.00"),
        bilg_dept_codg="A01",
        bilg_dr_codg="D0101",
    )


def test_money_and_flags_travel_as_text() -> None:
    data = inputs.pre_settle(REQUEST)["data"]
    assert data["medfee_sumamt"] == "70.00"
    assert data["acct_used_flag"] == "0"


def test_a_pre_settlement_carries_the_family_account_only_when_one_was_accepted() -> None:
    assert "mulaid_psn_no" not in inputs.pre_settle(REQUEST)["data"]
    assert inputs.pre_settle(REQUEST, mulaid_psn_no="P2")["data"]["mulaid_psn_no"] == "P2"
    pharmacy = inputs.pharmacy_pre_settle(REQUEST, [line(Decimal(1))], mulaid_psn_no="P2")
    assert pharmacy["data"]["mulaid_psn_no"] == "P2"


def test_settlement_carries_the_pre_settlement_scope_figures() -> None:
    presettled = Breakdown(
        **{
            **ZEROS,
            "medfee_sumamt": Money("70.00"),
            "fulamt_ownpay_amt": Money("10.00"),
            "inscp_scp_amt": Money("60.00"),
            "psn_part_amt": Money("70.00"),
            "psn_cash_pay": Money("70.00"),
        }
    )
    body = inputs.settle(
        REQUEST,
        presettled,
        mulaid_psn_no="P2",
        drug_trace=[inputs.DrugTrace("0001", "8" * 20)],
    )
    assert body["data"]["fulamt_ownpay_amt"] == "10.00"
    assert body["data"]["inscp_scp_amt"] == "60.00"
    assert body["data"]["mulaid_psn_no"] == "P2"
    assert body["drug_trac_info"] == [{"feedetl_sn": "0001", "drug_trac_codg": "8" * 20}]


@given(st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(99999), places=4))
def test_a_count_is_a_plain_decimal_string(cnt: Decimal) -> None:
    text = inputs.upload_fees([line(cnt)])["feedetail"][0]["cnt"]
    assert "E" not in text and "e" not in text
    assert Decimal(text) == cnt


def test_only_reversible_transactions_can_be_reversed() -> None:
    assert inputs.reverse("P1", "H" * 30, "2207")["data"]["oinfno"] == "2207"
    with pytest.raises(ValueError):
        inputs.reverse("P1", "H" * 30, "2206")


def test_a_face_encoding_has_128_numbers() -> None:
    assert (
        len(
            inputs.authorize_face(
                [0.0] * 128, term_id="T", liveness_passed=True, liveness_method="blink"
            )["data"]["encoding"]
        )
        == 128
    )
    with pytest.raises(ValueError):
        inputs.authorize_face([0.0] * 127, term_id="T", liveness_passed=True, liveness_method="x")
