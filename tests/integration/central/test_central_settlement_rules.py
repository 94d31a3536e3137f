"""Platform rules around settlements: trace codes, 2601 reversal, eligibility, family aid,
cross-region accounts and the calendar year of accumulators."""

from __future__ import annotations

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

ZHANG = Patient("44030000000000000001", "310")
ZHOU_SUSPENDED = Patient("44030000000000000009", "310")
WU_330600 = Patient("44030000000000000010", "310", "330600")
XU_110100 = Patient("44030000000000000011", "310", "110100")
LIANG_440100 = Patient("44030000000000000021", "310", "440100")
LINES = [("X1", "12.50", "4"), ("X3", "45.60", "1")]
DRUGS = [("D0001", "18.50", "1")]
CODE_A, CODE_B = "81000000000000000001", "81000000000000000002"


def _shop(sim: RunningSimulator) -> PlatformClient:
    return PlatformClient(sim.url, fixmedins_code=PHARMACY)


def _sell(shop: PlatformClient, who: Patient, codes: list[str], msgid: str | None = None) -> dict:
    preview = shop.call("2101", pharmacy_input(who, DRUGS, medfee(DRUGS)), insuplc=who.insuplc)
    body = pharmacy_input(who, DRUGS, preview["output"]["setlinfo"])
    body["drug_trac_info"] = [{"feedetl_sn": "0001", "drug_trac_codg": c} for c in codes]
    return shop.call("2102", body, msgid=msgid, insuplc=who.insuplc)


def test_a_sold_trace_code_is_refused_until_its_sale_is_cancelled(sim: RunningSimulator) -> None:
    shop = _shop(sim)
    first = _sell(shop, ZHANG, [CODE_A])
    assert first["infcode"] == 0
    again = _sell(shop, ZHANG, [CODE_A, CODE_B])
    assert again["infcode"] == -2 and CODE_A in again["err_msg"]
    cancel = {"setl_id": first["output"]["setlinfo"]["setl_id"], "psn_no": ZHANG.psn_no}
    assert shop.call("2103", {"data": cancel}, insuplc="440300")["infcode"] == 0
    assert _sell(shop, ZHANG, [CODE_A])["infcode"] == 0


def test_2601_of_a_request_that_never_ran_succeeds_and_blocks_its_late_arrival(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    visit = outpatient_visit(client, ZHANG, LINES)
    late = client.envelope("2207", {"data": outpatient_input(ZHANG, visit)}, insuplc="440300")
    reversal = {"psn_no": ZHANG.psn_no, "omsgid": late["msgid"], "oinfno": "2207"}
    assert client.call("2601", {"data": reversal}, insuplc="440300")["infcode"] == 0
    assert client.call("2601", {"data": reversal}, insuplc="440300")["infcode"] == 0
    arrived = client.post(late)
    assert arrived["infcode"] == -2 and "reversed" in arrived["err_msg"]
    assert sim.control("GET", "/_sim/settlements")["settlements"] == []


def test_2601_twice_restores_state_once(sim: RunningSimulator, client: PlatformClient) -> None:
    visit = outpatient_visit(client, ZHANG, LINES)
    envelope = client.envelope("2207", {"data": outpatient_input(ZHANG, visit)}, insuplc="440300")
    assert client.post(envelope)["infcode"] == 0
    reversal = {"psn_no": ZHANG.psn_no, "omsgid": envelope["msgid"], "oinfno": "2207"}
    for _ in range(2):
        assert client.call("2601", {"data": reversal}, insuplc="440300")["infcode"] == 0
    person = sim.control("GET", f"/_sim/person?psn_no={ZHANG.psn_no}")
    assert person["balc"] == "500.00"
    assert person["usage"]["outpatient"] == {"dedc_used": "150.00", "hifp_paid": "0.00"}
    replay = client.post(envelope)
    assert replay["infcode"] == -2 and "reversed" in replay["err_msg"]


def test_2601_of_a_cancellation_re_applies_the_settlement(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    shop = _shop(sim)
    sold = _sell(shop, ZHANG, [CODE_A])["output"]["setlinfo"]
    cancel = shop.envelope(
        "2103", {"data": {"setl_id": sold["setl_id"], "psn_no": ZHANG.psn_no}}, insuplc="440300"
    )
    assert shop.post(cancel)["infcode"] == 0
    reversal = {"psn_no": ZHANG.psn_no, "omsgid": cancel["msgid"], "oinfno": "2103"}
    assert shop.call("2601", {"data": reversal}, insuplc="440300")["infcode"] == 0
    person = sim.control("GET", f"/_sim/person?psn_no={ZHANG.psn_no}")
    assert person["balc"] == sold["balc"]
    states = {s["kind"]: s["state"] for s in sim.control("GET", "/_sim/settlements")["settlements"]}
    assert states == {"settlement": "settled", "cancellation": "reversed"}
    assert _sell(shop, ZHANG, [CODE_A])["infcode"] == -2  # the code is held again


def test_suspended_insurance_gets_no_settlement(client: PlatformClient) -> None:
    visit = outpatient_visit(client, ZHOU_SUSPENDED, LINES)
    answer = client.call(
        "2206", {"data": outpatient_input(ZHOU_SUSPENDED, visit)}, insuplc="440300"
    )
    assert answer["infcode"] == -2 and "not active" in answer["err_msg"]


def _preview(client: PlatformClient, who: Patient, lines: list = LINES) -> dict:
    visit = outpatient_visit(client, who, lines)
    answer = client.call("2206", {"data": outpatient_input(who, visit)}, insuplc=who.insuplc)
    assert answer["infcode"] == 0, answer["err_msg"]
    return answer["output"]["setlinfo"]


def test_account_is_usable_within_the_province_only(client: PlatformClient) -> None:
    assert _preview(client, LIANG_440100)["acct_pay"] != "0.00"
    for far in (WU_330600, XU_110100):
        info = _preview(client, far)
        assert info["acct_pay"] == "0.00"
        assert info["psn_cash_pay"] == info["psn_part_amt"]


def test_cross_region_benefits_are_the_insured_regions(client: PlatformClient) -> None:
    big = [("X1", "12.50", "40")]  # 500.00 in scope, nothing used yet
    shaoxing = _preview(client, WU_330600, big)  # deductible 300.00, level 2 ratio 0.60
    assert (shaoxing["act_pay_dedc"], shaoxing["hifp_pay"]) == ("300.00", "120.00")
    guangzhou = _preview(client, LIANG_440100, big)  # as 440300: 200.00 and 0.65
    assert (guangzhou["act_pay_dedc"], guangzhou["hifp_pay"]) == ("200.00", "195.00")


def test_wrong_insured_region_in_the_envelope_is_refused(client: PlatformClient) -> None:
    visit = outpatient_visit(client, ZHANG, LINES)
    answer = client.call("2206", {"data": outpatient_input(ZHANG, visit)}, insuplc="330600")
    assert answer["infcode"] == -2 and "insured region" in answer["err_msg"]


def test_family_aid_needs_authorisation(client: PlatformClient) -> None:
    visit = outpatient_visit(client, ZHANG, LINES)
    data = outpatient_input(ZHANG, visit, mulaid_psn_no="44030000000000000004")
    answer = client.call("2206", {"data": data}, insuplc="440300")
    assert answer["infcode"] == -2 and "not authorised" in answer["err_msg"]


def test_accumulators_reset_with_the_calendar_year(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    sim.control("POST", "/_sim/clock", {"now": "2026-12-31 10:00:00"})
    visit = outpatient_visit(client, ZHANG, LINES)
    dec = client.call("2207", {"data": outpatient_input(ZHANG, visit)}, insuplc="440300")
    assert dec["output"]["setlinfo"]["act_pay_dedc"] == "50.00"  # 150 of 200 already used
    sim.control("POST", "/_sim/clock", {"now": "2027-01-02 09:00:00"})
    visit = outpatient_visit(client, ZHANG, LINES, chrg_bchno="B2")
    jan = client.call("2207", {"data": outpatient_input(ZHANG, visit)}, insuplc="440300")
    assert jan["output"]["setlinfo"]["act_pay_dedc"] == "50.00"  # a new year: all of inscp
    person = sim.control("GET", f"/_sim/person?psn_no={ZHANG.psn_no}&year=2026")
    assert person["usage"]["outpatient"]["dedc_used"] == "200.00"
    cancel = {
        "setl_id": dec["output"]["setlinfo"]["setl_id"],
        "mdtrt_id": dec["output"]["setlinfo"]["mdtrt_id"],
        "psn_no": ZHANG.psn_no,
    }
    assert client.call("2208", {"data": cancel}, insuplc="440300")["infcode"] == 0
    restored = sim.control("GET", f"/_sim/person?psn_no={ZHANG.psn_no}&year=2026")
    assert restored["usage"]["outpatient"]["dedc_used"] == "150.00"
    current = sim.control("GET", f"/_sim/person?psn_no={ZHANG.psn_no}&year=2027")
    assert current["usage"]["outpatient"]["dedc_used"] == "50.00"
