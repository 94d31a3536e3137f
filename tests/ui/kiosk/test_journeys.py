"""Whole journeys at the kiosk, as a patient makes them, on the real core: each credential
presented to a real driver on a device simulator (the e-voucher to the scanner, the card with
its PIN through pcscd and vpcd, the ID card to the serial reader), the platform and gateway
simulators behind the saga and journal, and the states a patient is never lost in. The
platform's `/_sim/settlements` is checked against the amounts the screen showed."""

from __future__ import annotations

import time
from typing import Any

from kiosk_steps import (
    DEMO_PAYCODE,
    EMPLOYED,
    RESIDENT,
    WAIT_MS,
    assert_settled_as_shown,
    choose_all_orders,
    pay_by_phone,
    press,
    scan_voucher,
    settlements_of,
    wait_for,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot
from terminals import add_orders, voucher
from widget_texts import all_texts

from kernel.money import ZERO
from kernel.states import PaymentStatus, TxState
from terminal.flows.identify import Credential, CredentialKind
from terminal.flows.journey import Event, JourneySettings, Step

GUO_XUE = "44030000000000000016"  # 郭雪: a parent's account for 共济 (balance 2000.00)
PLAN_HOLDER = "44030000000000000038"  # city plan SZHMB2026, its deductible used, no account

def test_an_e_voucher_shown_to_the_scanner_pays_by_qr_and_settles_as_shown(
    qtbot: QtBot, make_kiosk, rig, platform, gateway, watchdog
) -> None:
    kiosk = make_kiosk(rig=rig)
    add_orders(platform, EMPLOYED)
    watchdog.start()
    rig.scanner_sim.scan(voucher(platform, EMPLOYED))  # no button: the scan is the start
    choose_all_orders(qtbot, kiosk)
    breakdown = kiosk.journey.view.breakdown
    assert str(breakdown.psn_cash_pay) in all_texts(kiosk.window.current_page())
    press(kiosk, "breakdown-qr")
    pay_by_phone(qtbot, kiosk, gateway)
    wait_for(qtbot, kiosk, Step.DONE)
    setlinfo = assert_settled_as_shown(kiosk, platform, EMPLOYED)
    assert setlinfo["medfee_sumamt"] == str(breakdown.medfee_sumamt)
    qtbot.waitUntil(lambda: setlinfo["setl_id"].encode() in rig.printer_sim.received,
                    timeout=WAIT_MS)  # the receipt, with the settlement id in its QR code


def test_a_card_with_its_pin_pays_by_payment_code_at_the_scanner(
    qtbot: QtBot, make_kiosk, rig, platform
) -> None:
    kiosk = make_kiosk(rig=rig)
    add_orders(platform, EMPLOYED)
    rig.card(EMPLOYED).insert()
    wait_for(qtbot, kiosk, Step.PIN)
    keypad = kiosk.window.findChild(QLabel, "pin-prompt").parent().keypad
    qtbot.keyClicks(keypad, "123456")  # real key events, as a keyboard would send them
    qtbot.keyClick(keypad, Qt.Key.Key_Return)
    choose_all_orders(qtbot, kiosk)
    assert kiosk.journey.view.person.psn_no == EMPLOYED
    press(kiosk, "breakdown-paycode")
    wait_for(qtbot, kiosk, Step.SHOW_PAYCODE)
    rig.scanner_sim.scan(DEMO_PAYCODE)
    wait_for(qtbot, kiosk, Step.DONE)
    assert_settled_as_shown(kiosk, platform, EMPLOYED)


def test_an_id_card_on_the_reader_pays_by_credit(
    qtbot: QtBot, make_kiosk, rig, platform, gateway
) -> None:
    kiosk = make_kiosk(rig=rig, credit=True)
    add_orders(platform, RESIDENT)
    rig.id_card(RESIDENT)  # laid on the reader: the driver notices it
    choose_all_orders(qtbot, kiosk)
    press(kiosk, "breakdown-credit")
    wait_for(qtbot, kiosk, Step.DONE)
    assert_settled_as_shown(kiosk, platform, RESIDENT)
    credit = [o for o in gateway.orders().values() if o["channel"] == "credit"]
    assert credit and credit[-1]["payer_ref"] == RESIDENT


def test_a_family_account_accepted_is_in_the_breakdown_and_only_the_rest_is_charged(
    qtbot: QtBot, make_kiosk, platform, gateway
) -> None:
    kiosk = make_kiosk()
    add_orders(platform, GUO_XUE)
    scan_voucher(kiosk, platform, GUO_XUE)
    wait_for(qtbot, kiosk, Step.ORDERS)
    press(kiosk, "orders-next")
    wait_for(qtbot, kiosk, Step.MULAID)
    press(kiosk, "mulaid-yes")
    wait_for(qtbot, kiosk, Step.BREAKDOWN)
    breakdown = kiosk.journey.view.breakdown
    assert breakdown.acct_mulaid_pay and kiosk.journey.view.due == breakdown.psn_cash_pay
    press(kiosk, "breakdown-qr")
    order_no = pay_by_phone(qtbot, kiosk, gateway)
    wait_for(qtbot, kiosk, Step.DONE)
    setlinfo = assert_settled_as_shown(kiosk, platform, GUO_XUE)
    assert setlinfo["acct_mulaid_pay"] == str(breakdown.acct_mulaid_pay)
    assert gateway.orders()[order_no]["amount"] == setlinfo["psn_cash_pay"]  # not a cent more


def test_the_first_pin_screen_shows_the_tries_the_card_has_left(
    qtbot: QtBot, make_kiosk, rig, watchdog
) -> None:
    kiosk = make_kiosk(rig=rig)
    card = rig.card(EMPLOYED)
    watchdog.start()  # the card is asked on the worker: the event loop never stalls
    card.insert()
    wait_for(qtbot, kiosk, Step.PIN)
    tries = kiosk.window.findChild(QLabel, "pin-tries")
    assert tries.isVisibleTo(kiosk.window) and tries.text() == "还可以输入 3 次"
    assert not kiosk.window.findChild(QLabel, "pin-error").isVisibleTo(kiosk.window)
    assert card.card.tries_left == 3  # asking spent none


def test_a_plan_holder_who_declines_the_commercial_plan_pays_the_whole_cash_part(
    qtbot: QtBot, make_kiosk, platform, gateway
) -> None:
    kiosk = make_kiosk()
    add_orders(platform, PLAN_HOLDER)  # with a class-C item, which the plan covers
    scan_voucher(kiosk, platform, PLAN_HOLDER)
    choose_all_orders(qtbot, kiosk)
    with_plan = kiosk.journey.view.breakdown
    assert with_plan.commercial_pay > ZERO and kiosk.journey.view.due == with_plan.cash_due
    press(kiosk, "breakdown-no-commercial")
    qtbot.waitUntil(lambda: kiosk.journey.view.commercial_declined
                    and kiosk.window.shows(Step.BREAKDOWN)
                    and kiosk.journey.view.breakdown.commercial_pay == ZERO, timeout=WAIT_MS)
    without = kiosk.journey.view.breakdown
    assert without.psn_cash_pay == with_plan.psn_cash_pay and without.cash_due == (
        without.psn_cash_pay
    )
    page = kiosk.window.current_page()
    assert f"{without.cash_due} 元" in page.findChild(QLabel, "breakdown-due").text()
    assert not page.findChild(QPushButton, "breakdown-no-commercial").isVisibleTo(page)
    press(kiosk, "breakdown-qr")
    order_no = pay_by_phone(qtbot, kiosk, gateway)
    wait_for(qtbot, kiosk, Step.DONE)
    setlinfo = assert_settled_as_shown(kiosk, platform, PLAN_HOLDER)
    assert gateway.orders()[order_no]["amount"] == str(without.cash_due) == setlinfo[
        "psn_cash_pay"
    ]
    held = platform.control("GET", f"/_sim/commercial?psn_no={PLAN_HOLDER}")["claims"]
    assert not [c for c in held if c["setl_id"] == setlinfo["setl_id"]]  # nothing claimed


def one_wrong_pin(qtbot: QtBot, kiosk: Any, rig: Any) -> Any:
    """张伟's card inserted and a wrong PIN typed once: the card has 2 tries left."""
    card = rig.card(EMPLOYED)
    card.insert()
    wait_for(qtbot, kiosk, Step.PIN)
    kiosk.journey.send(Event.PIN_ENTERED, "000000")
    qtbot.waitUntil(lambda: kiosk.journey.view.tries_left == 2, timeout=WAIT_MS)
    return card


def test_a_wrong_pin_says_the_tries_left_and_the_card_counts_them(
    qtbot: QtBot, make_kiosk, rig
) -> None:
    kiosk = make_kiosk(rig=rig)
    card = one_wrong_pin(qtbot, kiosk, rig)
    wait_for(qtbot, kiosk, Step.PIN)
    error = kiosk.window.findChild(QLabel, "pin-error")
    assert error.isVisibleTo(kiosk.window) and "还可以再试 2 次" in error.text()
    assert not kiosk.window.findChild(QLabel, "pin-tries").isVisibleTo(kiosk.window)
    assert card.card.tries_left == 2


def test_a_card_with_a_wrong_pin_from_an_earlier_visit_shows_the_lower_count(
    qtbot: QtBot, make_kiosk, rig
) -> None:
    kiosk = make_kiosk(rig=rig)
    card = one_wrong_pin(qtbot, kiosk, rig)  # and the patient walks away
    card.remove()
    wait_for(qtbot, kiosk, Step.CARD_REMOVED)
    press(kiosk, "notice-finish")
    wait_for(qtbot, kiosk, Step.WELCOME)
    card.insert()  # the next visit, the same card
    wait_for(qtbot, kiosk, Step.PIN)
    assert kiosk.window.findChild(QLabel, "pin-tries").text() == "还可以输入 2 次"
    assert not kiosk.journey.view.pin_wrong


def test_a_blocked_card_goes_to_the_explanation_without_the_keypad(
    qtbot: QtBot, make_kiosk, rig
) -> None:
    kiosk = make_kiosk(rig=rig)
    steps: list[Step] = []
    kiosk.journey.subscribe(lambda view: steps.append(view.step))
    card = rig.card(EMPLOYED)
    card.card.tries_left = 0
    card.insert()
    wait_for(qtbot, kiosk, Step.PIN_BLOCKED)
    assert Step.PIN not in steps
    assert "锁定" in " ".join(all_texts(kiosk.window.current_page()))


def test_a_card_pulled_out_before_paying_cancels_and_leaves_nothing_at_the_platform(
    qtbot: QtBot, make_kiosk, rig, platform
) -> None:
    kiosk = make_kiosk(rig=rig)
    add_orders(platform, EMPLOYED)
    card = rig.card(EMPLOYED)
    card.insert()
    wait_for(qtbot, kiosk, Step.PIN)
    kiosk.journey.send(Event.PIN_ENTERED, "123456")
    choose_all_orders(qtbot, kiosk)
    reference = kiosk.journey.view.reference
    card.remove()
    wait_for(qtbot, kiosk, Step.CARD_REMOVED)
    qtbot.waitUntil(
        lambda: kiosk.terminal.journal.get(reference).state is TxState.CANCELLED, timeout=WAIT_MS
    )
    assert "没有扣款" in " ".join(all_texts(kiosk.window.current_page()))


def test_platform_offline_shows_what_the_offline_mode_allows_and_queues_the_sale(
    qtbot: QtBot, make_kiosk, rig, platform
) -> None:
    kiosk = make_kiosk(rig=rig)
    add_orders(platform, RESIDENT)
    offline = {"infno": "*", "mode": "offline", "probability": 1}
    platform.control("POST", "/_sim/faults", {"rules": [offline]})
    rig.id_card(RESIDENT)
    choose_all_orders(qtbot, kiosk)
    assert kiosk.journey.view.offline
    estimate = kiosk.window.findChild(QLabel, "breakdown-estimate")
    assert estimate.isVisibleTo(kiosk.window) and "预估" in estimate.text()
    press(kiosk, "breakdown-paycode")
    rig.scanner_sim.scan(DEMO_PAYCODE)
    wait_for(qtbot, kiosk, Step.DONE)
    tx = kiosk.terminal.journal.get(kiosk.journey.view.reference)
    assert tx.state is TxState.COMPLETED_OFFLINE and tx.actual is None  # settled when forwarded
    press(kiosk, "done-finish")
    banner = kiosk.window.findChild(QLabel, "offline-banner")
    kiosk.journey.link(True)  # what the forwarder says next, between patients
    qtbot.waitUntil(lambda: banner.isVisibleTo(kiosk.window))
    assert "身份证" in banner.text()


def test_an_unpaid_qr_code_expires_and_paying_again_settles_once(
    qtbot: QtBot, make_kiosk, platform, gateway
) -> None:
    kiosk = make_kiosk(pay_timeout_s=1.5)
    add_orders(platform, EMPLOYED)
    scan_voucher(kiosk, platform, EMPLOYED)
    choose_all_orders(qtbot, kiosk)
    press(kiosk, "breakdown-qr")
    wait_for(qtbot, kiosk, Step.QR_EXPIRED)
    reference = kiosk.journey.view.reference
    assert kiosk.terminal.journal.get(reference).state is TxState.COLLECTING  # not cancelled
    press(kiosk, "notice-retry")
    wait_for(qtbot, kiosk, Step.BREAKDOWN)
    kiosk.journey.settings = JourneySettings(pay_timeout_s=60)  # time to find the phone
    press(kiosk, "breakdown-qr")
    pay_by_phone(qtbot, kiosk, gateway)
    wait_for(qtbot, kiosk, Step.DONE)
    assert_settled_as_shown(kiosk, platform, EMPLOYED)
    statuses = [p.status for p in kiosk.terminal.journal.payments_of(reference)]
    assert statuses == [PaymentStatus.FAILED, PaymentStatus.COLLECTED]


def test_a_payment_code_not_shown_in_time_ends_with_nothing_charged(
    qtbot: QtBot, make_kiosk, platform, gateway
) -> None:
    kiosk = make_kiosk(pay_timeout_s=60)
    add_orders(platform, EMPLOYED)
    scan_voucher(kiosk, platform, EMPLOYED)
    choose_all_orders(qtbot, kiosk)
    press(kiosk, "breakdown-paycode")
    wait_for(qtbot, kiosk, Step.SHOW_PAYCODE)
    kiosk.now += 61
    wait_for(qtbot, kiosk, Step.PAY_TIMEOUT)
    assert kiosk.terminal.journal.payments_of(kiosk.journey.view.reference) == []
    press(kiosk, "notice-finish")
    wait_for(qtbot, kiosk, Step.WELCOME)


def test_a_printer_out_of_paper_says_so_after_a_good_settlement(
    qtbot: QtBot, make_kiosk, rig, platform, gateway
) -> None:
    kiosk = make_kiosk(rig=rig)
    add_orders(platform, EMPLOYED)
    rig.printer_sim.paper_out = True
    rig.scanner_sim.scan(voucher(platform, EMPLOYED))
    choose_all_orders(qtbot, kiosk)
    press(kiosk, "breakdown-qr")
    pay_by_phone(qtbot, kiosk, gateway)
    wait_for(qtbot, kiosk, Step.PAPER_OUT)
    assert kiosk.journey.view.breakdown.setl_id in {
        s["setl_id"] for s in settlements_of(platform, EMPLOYED)
    }
    assert kiosk.journey.view.reference in kiosk.window.findChild(QLabel, "notice-slip").text()


def test_an_unknown_settlement_outcome_is_pending_with_a_slip_to_the_staffed_window(
    qtbot: QtBot, make_kiosk, rig, platform, gateway
) -> None:
    kiosk = make_kiosk(rig=rig, read_timeout=2.0)
    add_orders(platform, EMPLOYED)
    rig.scanner_sim.scan(voucher(platform, EMPLOYED))
    choose_all_orders(qtbot, kiosk)
    press(kiosk, "breakdown-qr")
    rule = {"infno": "2207", "mode": "drop_after_commit", "count": 50}
    platform.control("POST", "/_sim/faults", {"rules": [rule]})
    pay_by_phone(qtbot, kiosk, gateway)
    wait_for(qtbot, kiosk, Step.PENDING, Step.DONE)
    assert kiosk.journey.view.step is Step.PENDING
    reference = kiosk.journey.view.reference
    qtbot.waitUntil(lambda: reference.encode() in rig.printer_sim.received, timeout=WAIT_MS)
    assert "不要重复缴费" in kiosk.window.findChild(QLabel, "notice-slip").text()


def test_a_settlement_the_platform_refuses_shows_its_reason_prints_a_slip_and_refunds(
    qtbot: QtBot, make_kiosk, rig, platform, gateway
) -> None:
    kiosk = make_kiosk(rig=rig)
    add_orders(platform, EMPLOYED)
    settled_before = settlements_of(platform, EMPLOYED)
    rig.scanner_sim.scan(voucher(platform, EMPLOYED))
    choose_all_orders(qtbot, kiosk)
    press(kiosk, "breakdown-qr")
    reason = "基金支付超过年度最高支付限额 (the fund's annual limit is reached)"
    rule = {"infno": "2207", "mode": "refuse", "count": 1, "err_msg": reason}
    platform.control("POST", "/_sim/faults", {"rules": [rule]})  # after its 2206 passed
    order_no = pay_by_phone(qtbot, kiosk, gateway)
    wait_for(qtbot, kiosk, Step.REFUSED)
    words = kiosk.window.findChild(QLabel, "notice-reason")
    assert words.isVisibleTo(kiosk.window) and words.text() == reason
    reference = kiosk.journey.view.reference
    assert reference in kiosk.window.findChild(QLabel, "notice-slip").text()
    qtbot.waitUntil(lambda: reference.encode() in rig.printer_sim.received, timeout=WAIT_MS)
    order = gateway.orders()[order_no]
    assert order["amount"] == str(kiosk.journey.view.due)  # the patient paid, and
    assert order["refunded"] == order["amount"]  # the saga gave all of it back
    assert settlements_of(platform, EMPLOYED) == settled_before
    assert kiosk.terminal.journal.get(reference).state is TxState.CANCELLED


def test_the_screen_never_stalls_while_the_platform_is_slow(
    qtbot: QtBot, make_kiosk, platform, gateway, watchdog
) -> None:
    kiosk = make_kiosk()
    add_orders(platform, EMPLOYED)
    code = voucher(platform, EMPLOYED)
    slow = {"infno": "*", "mode": "delay", "ms": 800, "probability": 1}
    platform.control("POST", "/_sim/faults", {"rules": [slow]})
    watchdog.start()
    started = time.monotonic()
    kiosk.journey.send(Event.SCANNED, Credential(CredentialKind.VOUCHER, code))
    choose_all_orders(qtbot, kiosk)
    press(kiosk, "breakdown-qr")
    pay_by_phone(qtbot, kiosk, gateway)
    wait_for(qtbot, kiosk, Step.DONE)
    assert time.monotonic() - started > 4  # every platform call waited: the platform was slow
    assert_settled_as_shown(kiosk, platform, EMPLOYED)
