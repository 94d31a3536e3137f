"""The three worked examples of settlement-rules.md, to the cent, through HTTP, on a tiny world
built here (so an edit of the default world cannot change them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from simulators.central.testing import (
    PHARMACY,
    Patient,
    PlatformClient,
    RunningSimulator,
    medfee,
    outpatient_input,
    outpatient_visit,
    pharmacy_input,
    start_simulator,
)
from simulators.worlds import build

FULL_BILL = [("X1", "12.50", "4"), ("X2", "33.33", "3"), ("X3", "45.60", "1"), ("X4", "20.00", "1")]
CLINIC = "C44030000003"


def _person(number: int, insutype: str, psn_type: str, balc: str, **extra: object) -> dict:
    return {
        "psn_no": build.psn_no(number),
        "certno": build.id_number("440300", date(1980, 1, 1), number),
        "psn_name": f"示例{number}",
        "gend": "1",
        "brdy": "1980-01-01",
        "insutype": insutype,
        "psn_type": psn_type,
        "insuplc_admdvs": "440300",
        "psn_insu_stas": "1",
        "balc": balc,
        **extra,
    }


def _ytd(dedc: str, hifp: str) -> dict:
    return {"outpatient": {"dedc_used": dedc, "hifp_paid": hifp}, "maf_paid": "0.00"}


@pytest.fixture
def examples(tmp_path: Path) -> Iterator[RunningSimulator]:
    world = build.header("worked-examples")
    world["persons"] = [
        _person(1, "310", "11", "500.00", ytd=_ytd("150.00", "0.00")),
        _person(
            2,
            "390",
            "1401",
            "0.00",
            idet=[{"psn_idet_type": "2302", "begntime": "2026-01-01", "endtime": "2026-12-31"}],
        ),
        _person(
            3,
            "310",
            "21",
            "25.00",
            ytd=_ytd("100.00", "3990.00"),
            mulaid=[{"psn_no": build.psn_no(4), "relation": "spouse"}],
        ),
        _person(4, "310", "21", "100.00"),
    ]
    path = tmp_path / "examples.json"
    path.write_text(json.dumps(world, ensure_ascii=False), encoding="utf-8")
    running = start_simulator(tmp_path, world=path)
    running.control("POST", "/_sim/clock", {"now": "2026-06-01 10:00:00"})
    yield running
    running.stop()


def _pick(info: dict, *names: str) -> dict:
    return {name: info[name] for name in names}


def test_example_1_employed_employee_at_level_2_hospital(examples: RunningSimulator) -> None:
    client = PlatformClient(examples.url)
    who = Patient(build.psn_no(1), "310")
    visit = outpatient_visit(client, who, FULL_BILL)
    info = client.call("2207", {"data": outpatient_input(who, visit)}, insuplc="440300")
    assert _pick(
        info["output"]["setlinfo"],
        "medfee_sumamt",
        "act_pay_dedc",
        "hifp_pay",
        "pool_prop_selfpay",
        "fund_pay_sumamt",
        "psn_part_amt",
        "acct_pay",
        "balc",
        "psn_cash_pay",
    ) == {
        "medfee_sumamt": "215.59",
        "act_pay_dedc": "50.00",
        "hifp_pay": "65.65",
        "pool_prop_selfpay": "35.35",
        "fund_pay_sumamt": "65.65",
        "psn_part_amt": "149.94",
        "acct_pay": "104.34",
        "balc": "395.66",
        "psn_cash_pay": "45.60",
    }


def test_example_2_resident_with_allowance_at_level_1_clinic(examples: RunningSimulator) -> None:
    client = PlatformClient(examples.url, fixmedins_code=CLINIC)
    who = Patient(build.psn_no(2), "390")
    visit = outpatient_visit(client, who, FULL_BILL)
    info = client.call("2207", {"data": outpatient_input(who, visit)}, insuplc="440300")
    assert _pick(
        info["output"]["setlinfo"],
        "act_pay_dedc",
        "hifp_pay",
        "pool_prop_selfpay",
        "maf_pay",
        "fund_pay_sumamt",
        "psn_part_amt",
        "acct_pay",
        "psn_cash_pay",
    ) == {
        "act_pay_dedc": "0.00",
        "hifp_pay": "75.50",
        "pool_prop_selfpay": "75.50",
        "maf_pay": "52.85",
        "fund_pay_sumamt": "128.35",
        "psn_part_amt": "87.24",
        "acct_pay": "0.00",
        "psn_cash_pay": "87.24",
    }


def test_example_3_retired_at_pharmacy_with_family_aid(examples: RunningSimulator) -> None:
    shop = PlatformClient(examples.url, fixmedins_code=PHARMACY)
    who = Patient(build.psn_no(3), "310")
    bill = [FULL_BILL[0]]
    family = build.psn_no(4)
    preview = shop.call(
        "2101", pharmacy_input(who, bill, medfee(bill), mulaid_psn_no=family), insuplc="440300"
    )["output"]["setlinfo"]
    info = shop.call(
        "2102", pharmacy_input(who, bill, preview, mulaid_psn_no=family), insuplc="440300"
    )["output"]["setlinfo"]
    assert _pick(
        info,
        "hifp_pay",
        "pool_prop_selfpay",
        "psn_part_amt",
        "acct_pay",
        "acct_mulaid_pay",
        "psn_cash_pay",
    ) == {
        "hifp_pay": "10.00",
        "pool_prop_selfpay": "40.00",
        "psn_part_amt": "40.00",
        "acct_pay": "25.00",
        "acct_mulaid_pay": "15.00",
        "psn_cash_pay": "0.00",
    }
    assert examples.control("GET", f"/_sim/person?psn_no={family}")["balc"] == "85.00"
