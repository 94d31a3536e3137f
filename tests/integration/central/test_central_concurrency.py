"""Many terminals settling the same person at once: no lost update, to the cent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import requests

from kernel.fees import CatalogueItem, ChargeLevel, FeeItem
from kernel.money import Money, money_sum
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
from terminal.central.paths import TRANSACTION_PATHS
from terminal.policy.engine import (
    BenefitUsage,
    PersonProfile,
    PersonState,
    SettlementContext,
    settle,
    split_bill,
)
from terminal.policy.rules import PolicyBook

LIN = Patient("44030000000000000017", "310")  # employed, account 2000.00, nothing used
BILL = [("D0001", "18.50", "3")]  # class A, 55.50
THREADS, EACH = 8, 12


def _settle_many(url: str) -> list[dict]:
    client = PlatformClient(url, fixmedins_code=PHARMACY)
    results = []
    for _ in range(EACH):
        preview = client.call("2101", pharmacy_input(LIN, BILL, medfee(BILL)), insuplc="440300")
        answer = client.call(
            "2102", pharmacy_input(LIN, BILL, preview["output"]["setlinfo"]), insuplc="440300"
        )
        assert answer["infcode"] == 0, answer["err_msg"]
        results.append(answer["output"]["setlinfo"])
    return results


def _expected_state(n: int) -> PersonState:
    item = CatalogueItem("D0001", "", ChargeLevel.CLASS_A)
    bill = split_bill([(FeeItem("1", "D0001", Money("18.50"), Decimal(3)), item)])
    person = PersonProfile("310", "11", "440300", "1")
    state = PersonState({"outpatient": BenefitUsage()}, balc=Money("2000.00"))
    ctx = SettlementContext("41", "pharmacy", "440300", date.today(), acct_used=True)
    book = PolicyBook.load_dir()
    for _ in range(n):
        state = settle(book, person, state, bill, ctx).state_after
    return state


def test_parallel_settlements_of_one_person_lose_no_update(sim: RunningSimulator) -> None:
    with ThreadPoolExecutor(THREADS) as pool:
        batches = list(pool.map(_settle_many, [sim.url] * THREADS))
    infos = [info for batch in batches for info in batch]
    assert len({info["setl_id"] for info in infos}) == THREADS * EACH
    expected = _expected_state(THREADS * EACH)
    person = sim.control("GET", f"/_sim/person?psn_no={LIN.psn_no}")
    assert person["balc"] == str(expected.balc)
    assert person["usage"]["outpatient"] == {
        "dedc_used": str(expected.benefit("outpatient").dedc_used),
        "hifp_paid": str(expected.benefit("outpatient").hifp_paid),
    }
    paid_from_account = money_sum(Money(info["acct_pay"]) for info in infos)
    assert Money("2000.00") - paid_from_account == expected.balc
    hifp = money_sum(Money(info["hifp_pay"]) for info in infos)
    assert hifp == expected.benefit("outpatient").hifp_paid


def test_the_same_msgid_sent_by_many_threads_at_once_executes_once(sim: RunningSimulator) -> None:
    client = PlatformClient(sim.url)
    zhang = Patient("44030000000000000001", "310")
    visit = outpatient_visit(client, zhang, [("X1", "12.50", "4")])
    envelope = client.envelope("2207", {"data": outpatient_input(zhang, visit)}, insuplc="440300")
    url = sim.url + TRANSACTION_PATHS["2207"]
    with ThreadPoolExecutor(THREADS) as pool:
        bodies = list(
            pool.map(lambda _: requests.post(url, json=envelope, timeout=30).content, range(16))
        )
    assert len(set(bodies)) == 1
    assert len(sim.control("GET", "/_sim/settlements")["settlements"]) == 1
