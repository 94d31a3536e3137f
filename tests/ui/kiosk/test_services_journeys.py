"""The services beside paying, as a patient uses them at the kiosk, on the real core: the
platform simulator's HIS, prescription centre and price service (prices generated into its
database), the journal, and the receipt printer on its device simulator. A registration is
checked at `/_sim/settlements` against the amounts on screen; a copy of a receipt at the
printer's captured bytes."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from kiosk_steps import (
    RESIDENT,
    WAIT_MS,
    assert_settled_as_shown,
    choose_all_orders,
    pay_by_phone,
    press,
    scan_voucher,
    wait_for,
)
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton, QTableWidget
from pytestqt.qtbot import QtBot
from terminals import PERSONS, WORLD, add_orders
from widget_texts import all_texts

from drivers.printer.receipt import COPY_MARK
from kernel.masking import mask_name
from offline_store.plans import PlanPurchases
from simulators.central.testing import RunningSimulator, start_simulator
from simulators.worlds.prices import write_prices
from terminal.flows.journey import Event, Step

RX_PATIENT = "44030000000000000003"  # 李秀英
REPRINT_PATIENT = "44030000000000000005"  # 陈静: resident insurance, no personal account
NO_PLAN = "44030000000000000040"  # no city plan, account 200.00: buys SZHMB2026
PLAN_NO_ACCOUNT = "44030000000000000038"  # holds SZHMB2026, an empty account: cannot renew


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSimulator]:
    """The platform simulator with drug prices at pharmacies in its database."""
    folder = tmp_path_factory.mktemp("central-prices")
    write_prices(folder / "central.db", pharmacies=20, drugs=100, stocked=60, seed=3)
    sim = start_simulator(folder, db=folder / "central.db")
    yield sim
    sim.stop()


def label_text(kiosk, ident: str) -> str:
    found = kiosk.window.findChild(QLabel, ident)
    return found.text() if found is not None and found.isVisibleTo(kiosk.window) else ""


def shown_label(qtbot: QtBot, kiosk, ident: str) -> str:
    """The text of a label once the screen draws it (rows come with the service's answer)."""
    qtbot.waitUntil(lambda: bool(label_text(kiosk, ident)), timeout=WAIT_MS)
    return label_text(kiosk, ident)


def identified(qtbot: QtBot, kiosk, platform, psn_no: str) -> None:
    scan_voucher(kiosk, platform, psn_no)
    wait_for(qtbot, kiosk, Step.ORDERS)


def test_a_registration_is_paid_with_insurance_and_settled_as_shown(
    qtbot: QtBot, make_kiosk, platform, gateway, watchdog
) -> None:
    kiosk = make_kiosk()
    identified(qtbot, kiosk, platform, RESIDENT)
    watchdog.start()
    press(kiosk, "orders-register")
    wait_for(qtbot, kiosk, Step.REGISTER)
    shown_label(qtbot, kiosk, "register-doctor-D0101")
    press(kiosk, "register-dept-A01")
    doctor = shown_label(qtbot, kiosk, "register-doctor-D0101")
    assert "陈建国" in doctor and "50.00" in doctor
    press(kiosk, "register-slot-D0101-am")
    wait_for(qtbot, kiosk, Step.BREAKDOWN)
    view = kiosk.journey.view
    assert str(view.breakdown.medfee_sumamt) == "50.00"
    assert [o.rxno[:3] for o in view.orders] == ["REG"]
    press(kiosk, "breakdown-qr")
    pay_by_phone(qtbot, kiosk, gateway)
    wait_for(qtbot, kiosk, Step.DONE)
    setlinfo = assert_settled_as_shown(kiosk, platform, RESIDENT)
    assert setlinfo["medfee_sumamt"] == "50.00"
    certno = PERSONS[RESIDENT]["certno"]
    unpaid = platform.control("GET", f"/his/orders?certno={certno}")["orders"]
    assert view.orders[0].rxno not in {o["rxno"] for o in unpaid}  # the HIS has it paid
    departments = platform.control("GET", "/his/departments")["departments"]
    slots = next(d for dept in departments for d in dept["doctors"] if d["dr_code"] == "D0101")
    assert slots["slots"][0]["left"] == 19  # the number is taken


def test_todays_payment_is_printed_again_marked_as_a_copy_and_audited(
    qtbot: QtBot, make_kiosk, rig, platform, gateway
) -> None:
    kiosk = make_kiosk(rig=rig)
    add_orders(platform, REPRINT_PATIENT)
    identified(qtbot, kiosk, platform, REPRINT_PATIENT)
    choose_all_orders(qtbot, kiosk)
    press(kiosk, "breakdown-qr")
    pay_by_phone(qtbot, kiosk, gateway)
    wait_for(qtbot, kiosk, Step.DONE)
    paid_tx, setl_id = kiosk.journey.view.reference, kiosk.journey.view.breakdown.setl_id
    qtbot.waitUntil(lambda: setl_id.encode() in rig.printer_sim.received, timeout=WAIT_MS)
    press(kiosk, "done-finish")
    wait_for(qtbot, kiosk, Step.WELCOME)
    rig.printer_sim.received.clear()

    identified(qtbot, kiosk, platform, REPRINT_PATIENT)
    press(kiosk, "orders-paid-today")
    wait_for(qtbot, kiosk, Step.PAID_TODAY)
    line = shown_label(qtbot, kiosk, "paid-today-line-0")
    listed = kiosk.journey.view.paid_today
    assert listed[0].tx_id == paid_tx  # newest first
    assert str(listed[0].total) in line
    press(kiosk, "paid-today-reprint-0")
    mark = COPY_MARK.encode("gb18030")
    qtbot.waitUntil(lambda: mark in rig.printer_sim.received, timeout=WAIT_MS)
    assert setl_id.encode() in rig.printer_sim.received
    shown_label(qtbot, kiosk, "paid-today-printed")
    audit = kiosk.terminal.journal.database.query(
        "SELECT tx_id, details FROM audit_log WHERE event = 'receipt.reprinted'"
    )
    assert [row["tx_id"] for row in audit] == [paid_tx]
    rig.printer_sim.received.clear()
    kiosk.journey.send(Event.REPRINT, "TX-OF-SOMEONE-ELSE")  # not on this person's list
    shown_label(qtbot, kiosk, "paid-today-notice")
    assert mark not in rig.printer_sim.received


def test_my_prescriptions_show_the_prescription_and_pharmacies_cheapest_first(
    qtbot: QtBot, make_kiosk, platform
) -> None:
    issued = platform.control("POST", "/_sim/his/prescriptions", {
        "fixmedins_code": "H44030000001", "certno": PERSONS[RX_PATIENT]["certno"],
        "dr_code": "D0101", "dr_name": "陈建国", "dept_name": "内科", "diag_code": "J06.9",
        "diag_name": "急性上呼吸道感染",
        "drugs": [{"med_list_codg": "X1", "name": "阿莫西林胶囊", "cnt": "2", "pric": "9.00"}],
    })  # fmt: skip
    kiosk = make_kiosk()
    identified(qtbot, kiosk, platform, RX_PATIENT)
    press(kiosk, "orders-my-rx")
    wait_for(qtbot, kiosk, Step.MY_RX)
    shown = shown_label(qtbot, kiosk, "my-rx-0")
    (rx,) = kiosk.journey.view.prescriptions
    assert rx.summary.hi_rxno == issued["hi_rxno"]
    assert "有效" in shown and "未取药" in shown and rx.summary.fixmedins_name in shown
    assert "阿莫西林胶囊" in label_text(kiosk, "my-rx-0-drug-0")
    offers = rx.drugs[0].offers
    assert offers and [o.price for o in offers] == sorted(o.price for o in offers)
    first = label_text(kiosk, "my-rx-0-drug-0-offer-0")
    assert str(offers[0].price) in first and "类" in first
    kiosk.now += 91  # walked away: the idle wipe leaves the prescription in no widget
    qtbot.waitUntil(lambda: kiosk.window.shows(Step.STILL_THERE), timeout=WAIT_MS)
    kiosk.now += 11
    qtbot.waitUntil(lambda: kiosk.window.shows(Step.WELCOME), timeout=WAIT_MS)
    secrets = ("阿莫西林胶囊", mask_name(PERSONS[RX_PATIENT]["psn_name"]), str(offers[0].price))
    assert [t for t in all_texts(kiosk.window) for s in secrets if s in t] == []


def type_query(kiosk, text: str) -> None:
    for key in text:
        press(kiosk, f"prices-keyboard-key-{key}")


def test_drug_prices_from_the_welcome_screen_list_pharmacies_cheapest_first(
    qtbot: QtBot, make_kiosk, watchdog
) -> None:
    kiosk = make_kiosk()
    watchdog.start()
    press(kiosk, "welcome-prices")
    wait_for(qtbot, kiosk, Step.PRICES)
    type_query(kiosk, "AMXL")
    assert kiosk.window.findChild(QLineEdit, "prices-query").text() == "AMXL"
    press(kiosk, "prices-search")
    table = kiosk.window.findChild(QTableWidget, "prices-results")
    qtbot.waitUntil(lambda: table.isVisibleTo(kiosk.window) and table.rowCount() > 0,
                    timeout=WAIT_MS)
    prices = [Decimal(table.item(row, 2).text()) for row in range(table.rowCount())]
    assert prices == sorted(prices)
    assert all("阿莫西林" in table.item(row, 0).text() for row in range(table.rowCount()))
    assert table.item(0, 3).text() in ("甲类", "乙类", "丙类(自费)")
    assert kiosk.journey.view.person is None  # nobody was identified


def test_a_garbage_price_query_says_what_to_type_on_screen(
    qtbot: QtBot, make_kiosk
) -> None:
    kiosk = make_kiosk()
    press(kiosk, "welcome-prices")
    wait_for(qtbot, kiosk, Step.PRICES)
    qtbot.keyClicks(kiosk.window.findChild(QLineEdit, "prices-query"), "%%%<script>")
    press(kiosk, "prices-search")
    notice = shown_label(qtbot, kiosk, "prices-notice")
    assert "拼音首字母" in notice and "条形码" in notice
    texts = " ".join(all_texts(kiosk.window.current_page()))
    assert "Traceback" not in texts and "E820" not in texts
    assert not kiosk.window.findChild(QTableWidget, "prices-results").isVisibleTo(kiosk.window)


def purchases_of(kiosk, psn_no: str) -> list[str]:
    """The states of the person's plan purchases in the kiosk's journal (`plan_purchases`)."""
    key = PlanPurchases(kiosk.terminal.journal).person_key(PERSONS[psn_no]["certno"])
    rows = kiosk.terminal.journal.database.query(
        "SELECT status FROM plan_purchases WHERE person_key = ? ORDER BY created_at", (key,)
    )
    return [r["status"] for r in rows]


def plan_terms_shown(qtbot: QtBot, kiosk, platform, psn_no: str) -> tuple[QCheckBox, QPushButton]:
    """Identified, the city plan chosen from the orders' services, its terms on screen."""
    identified(qtbot, kiosk, platform, psn_no)
    press(kiosk, "orders-plan")
    wait_for(qtbot, kiosk, Step.PLAN)
    shown_label(qtbot, kiosk, "plan-terms")
    return (kiosk.window.findChild(QCheckBox, "plan-consent"),
            kiosk.window.findChild(QPushButton, "plan-buy"))


def test_the_city_plan_is_bought_with_the_account_only_after_the_consent_box_is_ticked(
    qtbot: QtBot, make_kiosk, platform, watchdog
) -> None:
    kiosk = make_kiosk()
    watchdog.start()
    consent, buy = plan_terms_shown(qtbot, kiosk, platform, NO_PLAN)
    terms = label_text(kiosk, "plan-terms") + label_text(kiosk, "plan-premium")
    plan = WORLD["commercial_plans"][0]  # the world's terms, through 9805 and the core
    for field in ("premium", "deductible", "annual_cap", "enddate"):
        assert plan[field] in terms, field
    assert "70%" in terms and "200.00" in terms  # the ratio; the account paying the premium
    assert plan["plan_name"] in label_text(kiosk, "plan-name")
    assert not buy.isEnabled()  # no consent, no purchase
    consent.click()
    assert buy.isEnabled()
    buy.click()
    wait_for(qtbot, kiosk, Step.PLAN_RESULT)
    result = kiosk.journey.view.plan_result
    assert result is not None and result.bought is not None
    text = shown_label(qtbot, kiosk, "plan-result-text")
    assert result.bought.policy_no in text and "141.00" in text  # 200.00 - the premium 59.00
    held = platform.control("GET", f"/_sim/commercial?psn_no={NO_PLAN}")["policies"]
    assert [p["policy_no"] for p in held] == [result.bought.policy_no]
    assert purchases_of(kiosk, NO_PLAN) == ["succeeded"]  # journalled, bought once
    press(kiosk, "plan-result-back")
    wait_for(qtbot, kiosk, Step.ORDERS)
    press(kiosk, "orders-plan")  # the plan is now held: what is offered is its renewal
    wait_for(qtbot, kiosk, Step.PLAN)
    qtbot.waitUntil(lambda: kiosk.journey.view.plan_offers is not None, timeout=WAIT_MS)
    assert kiosk.journey.view.plan_offers[0].renewal
    press(kiosk, "plan-back")
    wait_for(qtbot, kiosk, Step.ORDERS)
    kiosk.journey.send(Event.CANCEL)  # the idle wipe's way back: nothing of the patient left
    wait_for(qtbot, kiosk, Step.WELCOME)
    page = kiosk.window.findChild(QLabel, "plan-terms").parent()
    left = all_texts(page) + all_texts(kiosk.window.findChild(QLabel, "plan-result-text").parent())
    assert not [t for t in left if result.bought.policy_no in t or "141.00" in t]
    assert not consent.isChecked()


def test_a_plan_renewal_the_platform_refuses_says_its_reason_and_takes_nothing(
    qtbot: QtBot, make_kiosk, platform
) -> None:
    kiosk = make_kiosk()
    consent, buy = plan_terms_shown(qtbot, kiosk, platform, PLAN_NO_ACCOUNT)
    assert kiosk.journey.view.plan_offers[0].renewal
    before = platform.control("GET", f"/_sim/commercial?psn_no={PLAN_NO_ACCOUNT}")["policies"]
    consent.click()
    buy.click()
    wait_for(qtbot, kiosk, Step.PLAN_RESULT)
    assert "个人账户余额不足" in shown_label(qtbot, kiosk, "plan-result-text")
    after = platform.control("GET", f"/_sim/commercial?psn_no={PLAN_NO_ACCOUNT}")["policies"]
    assert after == before
    assert purchases_of(kiosk, PLAN_NO_ACCOUNT) == ["failed"]  # journalled as refused
