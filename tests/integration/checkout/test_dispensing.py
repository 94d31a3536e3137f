"""E-prescriptions from the hospital to the pharmacy counter, through the real simulators: the
simulated HIS issues, the pharmacy scans, the pharmacist reviews, the sale settles with
`rx_circ_flag=1`, and the centre holds it dispensed; expired, revoked, over-quantity and a
second dispensing are refused with the reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from kernel.money import Money
from kernel.states import RequestStatus, TxState
from simulators.central.testing import DEFAULT_WORLD, RunningSimulator
from terminal.app import Terminal
from terminal.flows.checkout import SettlementPending
from terminal.flows.dispense import REPORT, Dispensary, DispenseLine
from terminal.flows.identify import Credential, CredentialKind
from terminal.rx.client import REVOKE, RxClient
from terminal.rx.envelope import AppKeys, app_key
from terminal.rx.errors import RxNotDispensable, RxRefused
from terminal.rx.records import (
    DispensedLine,
    Prescription,
    RejectReason,
    Review,
    RxStatus,
    RxUse,
)

from .conftest import MakeTerminal, paycode

PATIENT = "440300198503121010"  # person 1 of the default world
OTHER = "440300199007081026"  # person 2
HOSPITAL = "H44030000001"
PHARMACIST = Review("PH0001", "李药师", accepted=True)


def world() -> dict:
    return json.loads(DEFAULT_WORLD.read_text())


def institution_client(url: str, code: str) -> RxClient:
    """The centre as another institution sees it (the hospital, to revoke)."""
    data = world()
    inst = next(i for i in data["institutions"] if i["fixmedins_code"] == code)
    private = inst["private_key_hex"]
    keys = AppKeys(code, private, inst["public_key_hex"], app_key(code, private))
    return RxClient(url, keys, (data["platform_key"]["public_key_hex"],))


def issue(platform: RunningSimulator, *, cnt: str = "2", vali_days: int = 3, **extra) -> dict:
    answer = platform.control(
        "POST",
        "/_sim/his/prescriptions",
        {
            "fixmedins_code": HOSPITAL,
            "certno": extra.pop("certno", PATIENT),
            "dept_name": "呼吸内科",
            "dr_code": "D440300001",
            "dr_name": "王医生",
            "diag_code": "J06.900",
            "diag_name": "急性上呼吸道感染",
            "vali_days": vali_days,
            "drugs": [
                {"med_list_codg": "X1", "name": "阿莫西林胶囊", "cnt": cnt, "pric": "12.50"},
                {"med_list_codg": "X2", "name": "布洛芬缓释胶囊", "cnt": "1", "pric": "18.00"},
            ],
            **extra,
        },
    )
    assert answer["ok"], answer
    return answer


@pytest.fixture
def pharmacy(make_terminal: MakeTerminal) -> Terminal:
    return make_terminal(kind="pharmacy")


@pytest.fixture
def dispensary(pharmacy: Terminal) -> Dispensary:
    assert pharmacy.rx is not None
    return Dispensary(pharmacy.saga, pharmacy.rx)


@pytest.fixture(autouse=True)
def _real_time(platform: RunningSimulator) -> Iterator[None]:
    yield
    platform.control("DELETE", "/_sim/clock")


def by_id() -> Credential:
    return Credential(CredentialKind.ID_NUMBER, PATIENT)


def amoxicillin(rx: Prescription, cnt: int = 2) -> DispenseLine:
    """Boxes of the first drug, each with its own traceability code (codes are unique per
    box: the platform refuses a code already sold)."""
    codes = tuple(f"8{rx.hi_rxno[-12:]}{n:07d}" for n in range(cnt))
    return DispenseLine("X1", Decimal(cnt), Money("11.80"), codes)


def test_a_scanned_prescription_is_reviewed_dispensed_and_settled_as_circulated(
    platform: RunningSimulator, pharmacy: Terminal, dispensary: Dispensary
) -> None:
    issued = issue(platform)
    assert pharmacy.rx is not None
    rx = pharmacy.rx.scan(issued["rx_code"])
    assert (rx.hi_rxno, rx.dr_name, rx.diag_code) == (issued["hi_rxno"], "王医生", "J06.900")
    assert [(d.med_list_codg, d.cnt) for d in rx.drugs] == [("X1", 2), ("X2", 1)]

    outcome = dispensary.dispense(rx, PHARMACIST, by_id(), [amoxicillin(rx)], paycode(pharmacy))

    assert outcome.checkout is not None and outcome.checkout.transaction.state is TxState.COMPLETED
    tx_id = outcome.checkout.transaction.tx_id
    settle = next(r for r in pharmacy.journal.requests_of(tx_id) if r.infno == "2102")
    fees = settle.body["input"]["feedetail"]
    assert [(f["rxno"], f["rx_circ_flag"]) for f in fees] == [(rx.hi_rxno, "1")]
    assert outcome.report is not None
    assert outcome.report.setl_id == outcome.checkout.breakdown.setl_id
    held = pharmacy.rx.dispensing_result(rx.hi_rxno)
    assert (held.setl_id, held.lines[0].trac_codes) == (
        outcome.checkout.breakdown.setl_id,
        amoxicillin(rx).trac_codes,
    )


def test_the_review_is_audited_with_ids_and_no_personal_data(
    platform: RunningSimulator, pharmacy: Terminal, dispensary: Dispensary
) -> None:
    assert pharmacy.rx is not None
    rx = pharmacy.rx.scan(issue(platform)["rx_code"])
    rejection = Review("PH0001", "李药师", accepted=False, reason=RejectReason.INTERACTION)

    outcome = dispensary.dispense(rx, rejection, by_id(), [amoxicillin(rx)], paycode(pharmacy))

    assert outcome.checkout is None and not outcome.review.accepted
    rows = pharmacy.journal.database.query(
        "SELECT tx_id, details FROM audit_log WHERE event = 'rx.reviewed'"
    )
    details = json.loads(rows[-1]["details"])
    assert details == {
        "hi_rxno": rx.hi_rxno,
        "accepted": False,
        "reason": "interaction",
        "phar_code": "PH0001",
    }
    assert pharmacy.journal.get(rows[-1]["tx_id"]).state is TxState.CANCELLED
    assert PATIENT not in rows[-1]["details"] and "李药师" not in rows[-1]["details"]


def test_a_prescription_dispensed_once_is_refused_the_second_time(
    platform: RunningSimulator, pharmacy: Terminal, dispensary: Dispensary
) -> None:
    assert pharmacy.rx is not None
    issued = issue(platform)
    rx = pharmacy.rx.scan(issued["rx_code"])
    dispensary.dispense(rx, PHARMACIST, by_id(), [amoxicillin(rx)], paycode(pharmacy))

    again = pharmacy.rx.scan(issued["rx_code"])
    assert again.use is RxUse.DISPENSED
    with pytest.raises(RxNotDispensable, match="already dispensed"):
        dispensary.dispense(again, PHARMACIST, by_id(), [amoxicillin(rx)], paycode(pharmacy))
    with pytest.raises(RxRefused, match="已取药") as refused:
        pharmacy.rx.review(rx.hi_rxno, PHARMACIST, rx.prsc_time)
    assert refused.value.centre_code == 3004
    other_sale = pharmacy.rx.dispensing_body(
        rx.hi_rxno, "S-ANOTHER", f"{rx.prsc_time:%Y-%m-%d %H:%M:%S}", [_line(1)]
    )
    with pytest.raises(RxRefused, match="已取药"):
        pharmacy.rx.report_dispensing(other_sale)


def test_an_expired_prescription_is_refused_with_its_end_time(
    platform: RunningSimulator, pharmacy: Terminal, dispensary: Dispensary
) -> None:
    assert pharmacy.rx is not None
    issued = issue(platform, vali_days=1)
    rx = pharmacy.rx.scan(issued["rx_code"])
    later = rx.vali_end_time + timedelta(hours=1)
    platform.control("POST", "/_sim/clock", {"now": f"{later:%Y-%m-%d %H:%M:%S}"})

    expired = pharmacy.rx.scan(issued["rx_code"])
    assert expired.status is RxStatus.EXPIRED
    with pytest.raises(RxNotDispensable, match="expired"):
        dispensary.dispense(expired, PHARMACIST, by_id(), [amoxicillin(rx)], paycode(pharmacy))
    with pytest.raises(RxRefused, match="处方已过期") as refused:
        pharmacy.rx.review(rx.hi_rxno, PHARMACIST, rx.prsc_time)
    assert refused.value.centre_code == 3002


def test_more_than_prescribed_is_refused_at_the_counter_and_by_the_centre(
    platform: RunningSimulator, pharmacy: Terminal, dispensary: Dispensary
) -> None:
    assert pharmacy.rx is not None
    rx = pharmacy.rx.scan(issue(platform, cnt="2")["rx_code"])
    with pytest.raises(RxNotDispensable, match="more than the 2 prescribed"):
        dispensary.dispense(rx, PHARMACIST, by_id(), [amoxicillin(rx, 3)], paycode(pharmacy))

    pharmacy.rx.review(rx.hi_rxno, PHARMACIST, rx.prsc_time)
    over = pharmacy.rx.dispensing_body(
        rx.hi_rxno, "S-OVER", f"{rx.prsc_time:%Y-%m-%d %H:%M:%S}", [_line(3)]
    )
    with pytest.raises(RxRefused, match="超过处方数量") as refused:
        pharmacy.rx.report_dispensing(over)
    assert refused.value.centre_code == 3006


def test_a_revoked_prescription_is_refused(
    platform: RunningSimulator, pharmacy: Terminal, dispensary: Dispensary
) -> None:
    assert pharmacy.rx is not None
    issued = issue(platform)
    hospital = institution_client(platform.url, HOSPITAL)
    hospital.call(
        REVOKE,
        {"hiRxno": issued["hi_rxno"], "drCode": "D440300001", "undoRea": "开错药品"},
    )

    rx = pharmacy.rx.scan(issued["rx_code"])
    assert rx.status is RxStatus.REVOKED
    with pytest.raises(RxNotDispensable, match="revoked"):
        dispensary.dispense(rx, PHARMACIST, by_id(), [amoxicillin(rx)], paycode(pharmacy))


def test_another_persons_credential_cannot_collect_the_prescription(
    platform: RunningSimulator, pharmacy: Terminal, dispensary: Dispensary
) -> None:
    assert pharmacy.rx is not None
    rx = pharmacy.rx.scan(issue(platform)["rx_code"])
    stranger = Credential(CredentialKind.ID_NUMBER, OTHER)

    with pytest.raises(RxNotDispensable, match="another person"):
        dispensary.dispense(rx, PHARMACIST, stranger, [amoxicillin(rx)], paycode(pharmacy))

    reviewed = pharmacy.journal.database.query(
        "SELECT tx_id FROM audit_log WHERE event = 'rx.reviewed' ORDER BY seq DESC LIMIT 1"
    )
    cancelled = pharmacy.journal.get(reviewed[0]["tx_id"])
    assert cancelled.state is TxState.CANCELLED
    assert cancelled.note == "not the prescription's patient"


@pytest.mark.parametrize("fault", ["reset_before", "http_503"])
def test_a_report_the_centre_misses_is_queued_and_forwarded_later(
    platform: RunningSimulator, pharmacy: Terminal, dispensary: Dispensary, fault: str
) -> None:
    """A reset connection, and an HTTP 503 (an error page with a `code` of its own, which is
    not the centre's verdict): either way the report waits in the outbox, and the counter
    does not sell the prescription again meanwhile."""
    assert pharmacy.rx is not None
    rx = pharmacy.rx.scan(issue(platform)["rx_code"])
    rule = {"infno": "rx.rxSetlInfoUpld", "mode": fault, "count": 1}
    platform.control("POST", "/_sim/faults", {"rules": [rule]})

    outcome = dispensary.dispense(rx, PHARMACIST, by_id(), [amoxicillin(rx)], paycode(pharmacy))

    assert outcome.checkout is not None and outcome.report is None
    assert pharmacy.rx.view_for_person(rx.hi_rxno, PATIENT).use is RxUse.RESERVED
    with pytest.raises(RxNotDispensable, match="dispensed here"):  # reserved, but sold here
        dispensary.dispense(rx, PHARMACIST, by_id(), [amoxicillin(rx, 1)], paycode(pharmacy))
    assert pharmacy.forwarder(base_delay=0.05).drain(timeout=30).remaining == 0
    tx_id = outcome.checkout.transaction.tx_id
    reports = [r for r in pharmacy.journal.requests_of(tx_id) if r.infno == REPORT]
    assert [r.status for r in reports] == [RequestStatus.FAILED, RequestStatus.SUCCEEDED]
    held = pharmacy.rx.dispensing_result(rx.hi_rxno)
    assert held.setl_id == outcome.checkout.breakdown.setl_id


def test_a_prescription_whose_sale_is_still_unsettled_is_not_sold_again(
    platform: RunningSimulator, pharmacy: Terminal, dispensary: Dispensary
) -> None:
    """Paid, its settlement's answer lost: a second sale (other boxes) could settle the same
    prescription twice, so it waits until recovery knows the first one's outcome."""
    assert pharmacy.rx is not None
    rx = pharmacy.rx.scan(issue(platform)["rx_code"])
    rule = {"infno": "2102", "mode": "drop_after_commit", "count": 100}
    platform.control("POST", "/_sim/faults", {"rules": [rule]})
    with pytest.raises(SettlementPending):
        dispensary.dispense(rx, PHARMACIST, by_id(), [amoxicillin(rx)], paycode(pharmacy))

    with pytest.raises(RxNotDispensable, match="still being settled"):
        dispensary.dispense(rx, PHARMACIST, by_id(), [amoxicillin(rx, 1)], paycode(pharmacy))

    platform.control("DELETE", "/_sim/faults")
    pharmacy.recover()
    assert pharmacy.rx.view_for_person(rx.hi_rxno, PATIENT).use is RxUse.DISPENSED


def test_a_report_lost_in_a_crash_is_made_by_resume_reports(
    platform: RunningSimulator, pharmacy: Terminal, dispensary: Dispensary
) -> None:
    assert pharmacy.rx is not None
    rx = pharmacy.rx.scan(issue(platform)["rx_code"])
    _, checkout = dispensary.sell(rx, PHARMACIST, by_id(), [amoxicillin(rx)], paycode(pharmacy))
    assert checkout is not None  # completed, then the terminal "died" before reporting
    assert pharmacy.rx.view_for_person(rx.hi_rxno, PATIENT).use is RxUse.RESERVED

    assert dispensary.resume_reports() == 1
    assert dispensary.resume_reports() == 0
    held = pharmacy.rx.dispensing_result(rx.hi_rxno)
    assert held.setl_id == checkout.breakdown.setl_id


def _line(cnt: int) -> DispensedLine:
    return DispensedLine("X1", "阿莫西林胶囊", Decimal(cnt), ())
