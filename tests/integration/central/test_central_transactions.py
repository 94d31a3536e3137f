"""Every transaction's happy path over HTTP against the default world."""

from __future__ import annotations

from kernel.breakdown import Breakdown
from simulators.central.testing import (
    PHARMACY,
    Patient,
    PlatformClient,
    RunningSimulator,
    medfee,
    outpatient_input,
    outpatient_visit,
    pharmacy_input,
)

ZHANG = Patient("44030000000000000001", "310")  # employed, account 500
LINES = [("X1", "12.50", "4"), ("X2", "33.33", "3"), ("X3", "45.60", "1"), ("X4", "20.00", "1")]
DRUGS = [("D0001", "18.50", "2"), ("D0009", "6.80", "1")]


def ok(response: dict) -> dict:
    assert response["infcode"] == 0, response["err_msg"]
    return response["output"]


def test_9001_sign_in_returns_sign_no_platform_keys_and_policy_version(
    client: PlatformClient,
) -> None:
    out = ok(client.call("9001", {"signIn": {"opter_no": "T01", "mac": "", "ip": "127.0.0.1"}}))
    assert out["signinoutb"]["sign_no"]
    assert out["platform_keys"][0]["kid"] == "k2026"
    assert len(out["platform_keys"][0]["public_key_hex"]) == 128
    assert "440300" in out["policy_version"]


def test_1101_by_id_number_returns_person_insurance_and_family(client: PlatformClient) -> None:
    li = client.call(
        "1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": _certno(client, 3)}}
    )
    out = ok(li)
    assert out["baseinfo"]["psn_no"] == "44030000000000000003"
    assert out["insuinfo"][0]["balc"] == "25.00"
    assert out["insuinfo"][0]["psn_type"] == "21"
    assert out["mulaid"] == [
        {
            "psn_no": "44030000000000000004",
            "psn_name": "刘洋",
            "relation": "spouse",
            "acct_balc": "100.00",
        }
    ]


def test_1101_by_card_needs_matching_card_sn(client: PlatformClient, sim: RunningSimulator) -> None:
    card = _world_person(1)["cards"][0]
    good = {"mdtrt_cert_type": "03", "mdtrt_cert_no": card["card_no"], "card_sn": card["card_sn"]}
    assert ok(client.call("1101", {"data": good}))["baseinfo"]["psn_name"] == "张伟"
    bad = dict(good, card_sn="0" * 32)
    assert client.call("1101", {"data": bad})["infcode"] == -2


def test_1101_refuses_an_expired_card(client: PlatformClient) -> None:
    card = _world_person(14)["cards"][0]
    data = {"mdtrt_cert_type": "03", "mdtrt_cert_no": card["card_no"], "card_sn": card["card_sn"]}
    response = client.call("1101", {"data": data})
    assert response["infcode"] == -2
    assert "expired" in response["err_msg"]


def test_1162_then_1101_with_the_ec_token(client: PlatformClient, sim: RunningSimulator) -> None:
    qr = sim.control("POST", "/_sim/voucher", {"psn_no": ZHANG.psn_no, "ttl": 120})["qr"]
    decoded = ok(client.call("1162", {"data": _voucher_input(qr)}))["data"]
    assert decoded["userName"] == "张伟"
    assert decoded["insuOrg"] == "440300"
    assert len(decoded["ecToken"]) == 40
    data = {"mdtrt_cert_type": "01", "mdtrt_cert_no": decoded["ecToken"]}
    assert ok(client.call("1101", {"data": data}))["baseinfo"]["psn_no"] == ZHANG.psn_no
    again = client.call("1101", {"data": data})
    assert again["infcode"] == -2 and "already used" in again["err_msg"]


def test_outpatient_register_upload_preview_settle_cancel(client: PlatformClient) -> None:
    visit = outpatient_visit(client, ZHANG, LINES)
    assert visit.amounts["medfee_sumamt"] == "215.59"
    data = outpatient_input(ZHANG, visit)
    preview = ok(client.call("2206", {"data": data}, insuplc="440300"))["setlinfo"]
    settled = ok(client.call("2207", {"data": data}, insuplc="440300"))
    info = settled["setlinfo"]
    assert {k: info[k] for k in ("hifp_pay", "acct_pay", "psn_cash_pay")} == {
        k: preview[k] for k in ("hifp_pay", "acct_pay", "psn_cash_pay")
    }
    Breakdown.from_setlinfo(info)
    assert info["setl_id"] and info["medins_setl_id"]
    assert settled["setldetail"][0]["fund_payamt"] == info["hifp_pay"]
    cancel = {"setl_id": info["setl_id"], "mdtrt_id": visit.mdtrt_id, "psn_no": ZHANG.psn_no}
    undone = ok(client.call("2208", {"data": cancel}, insuplc="440300"))["setlinfo"]
    Breakdown.from_setlinfo(undone, cancellation=True)
    assert undone["acct_pay"] == "-" + info["acct_pay"]
    assert undone["balc"] == "500.00"


def test_2205_cancels_uploaded_fee_details(client: PlatformClient) -> None:
    visit = outpatient_visit(client, ZHANG, LINES)
    data = {"mdtrt_id": visit.mdtrt_id, "chrg_bchno": visit.chrg_bchno, "psn_no": ZHANG.psn_no}
    assert ok(client.call("2205", {"data": data}, insuplc="440300")) == {}
    preview = client.call("2206", {"data": outpatient_input(ZHANG, visit)}, insuplc="440300")
    assert preview["infcode"] == -2 and "no fee details" in preview["err_msg"]


def test_pharmacy_preview_settle_cancel(client: PlatformClient) -> None:
    shop = PlatformClient(client.url, fixmedins_code=PHARMACY)
    preview = ok(shop.call("2101", pharmacy_input(ZHANG, DRUGS, medfee(DRUGS)), insuplc="440300"))
    info = ok(
        shop.call("2102", pharmacy_input(ZHANG, DRUGS, preview["setlinfo"]), insuplc="440300")
    )["setlinfo"]
    assert info["med_type"] == "41"
    assert info["medfee_sumamt"] == "43.80"
    cancel = {"setl_id": info["setl_id"], "psn_no": ZHANG.psn_no}
    undone = ok(shop.call("2103", {"data": cancel}, insuplc="440300"))["setlinfo"]
    assert undone["medfee_sumamt"] == "-43.80"
    assert undone["balc"] == "500.00"


def test_3201_and_3202_reconcile_against_held_settlements(client: PlatformClient) -> None:
    visit = outpatient_visit(client, ZHANG, LINES)
    info = ok(client.call("2207", {"data": outpatient_input(ZHANG, visit)}, insuplc="440300"))[
        "setlinfo"
    ]
    day = info["setl_time"][:10]
    totals = {
        "insutype": "310",
        "clr_type": "11",
        "setl_optins": "440300",
        "stmt_begndate": day,
        "stmt_enddate": day,
        "medfee_sumamt": info["medfee_sumamt"],
        "fund_pay_sumamt": info["fund_pay_sumamt"],
        "acct_pay": info["acct_pay"],
        "fixmedins_setl_cnt": "1",
    }
    assert ok(client.call("3201", {"data": totals}))["data"]["stmt_rslt"] == "0"
    off = ok(client.call("3201", {"data": dict(totals, acct_pay="0.00")}))["data"]
    assert off["stmt_rslt"] == "1" and "acct_pay" in off["stmt_rslt_dscr"]
    listing = {"stmt_begndate": day, "stmt_enddate": day, "setl_ids": ["S440300NOSUCH"]}
    diff = ok(client.call("3202", {"data": listing}))["data"]
    assert diff == {"platform_only": [info["setl_id"]], "terminal_only": ["S440300NOSUCH"]}


def test_2601_reverses_an_executed_settlement(
    client: PlatformClient, sim: RunningSimulator
) -> None:
    visit = outpatient_visit(client, ZHANG, LINES)
    envelope = client.envelope("2207", {"data": outpatient_input(ZHANG, visit)}, insuplc="440300")
    ok(client.post(envelope))
    reversal = {"psn_no": ZHANG.psn_no, "omsgid": envelope["msgid"], "oinfno": "2207"}
    assert ok(client.call("2601", {"data": reversal}, insuplc="440300")) == {}
    person = sim.control("GET", f"/_sim/person?psn_no={ZHANG.psn_no}")
    assert person["balc"] == "500.00"
    assert sim.control("GET", "/_sim/settlements")["settlements"][0]["state"] == "reversed"


def _voucher_input(qr: str) -> dict[str, str]:
    return {
        "ecQrCode": qr,
        "businessType": "01101",
        "deviceType": "SelfService",
        "termId": "T01",
        "orgId": "H44030000001",
        "operatorId": "T01",
    }


def _world_person(number: int) -> dict:
    import json

    from simulators.central.testing import DEFAULT_WORLD

    people = json.loads(DEFAULT_WORLD.read_text(encoding="utf-8"))["persons"]
    return next(p for p in people if p["psn_no"] == f"440300{number:014d}")


def _certno(client: PlatformClient, number: int) -> str:
    return str(_world_person(number)["certno"])
