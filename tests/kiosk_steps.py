"""The steps of a patient's journey at a kiosk on the real core, as the screen tests take
them: wait for a screen, press a control, present the e-voucher, pay by phone, and check the
platform's settlement against the amounts the screen showed (tests/ui/kiosk/)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot
from terminals import voucher

from terminal.flows.identify import Credential, CredentialKind
from terminal.flows.journey import Event, Step

EMPLOYED = "44030000000000000001"  # 张伟: employed, account 500, a version 3.00 card (PIN)
RESIDENT = "44030000000000000002"  # 王芳: resident insurance, a 2.00 card
DEMO_PAYCODE = "134567890123456789"  # a WeChat Pay code, as the patient's phone shows it
WAIT_MS = 20_000


def wait_for(qtbot: QtBot, kiosk: Any, *steps: Step) -> None:
    """Until the screen shows one of ``steps`` (drawn, so its controls are the step's)."""
    qtbot.waitUntil(lambda: any(kiosk.window.shows(s) for s in steps), timeout=WAIT_MS)


def press(kiosk: Any, ident: str) -> None:
    button = kiosk.window.findChild(QPushButton, ident)
    assert button is not None and button.isVisibleTo(kiosk.window), ident
    button.click()


def scan_voucher(kiosk: Any, platform: Any, psn_no: str) -> None:
    """The e-voucher as the scanner driver reports it (for the journeys without devices)."""
    kiosk.journey.send(Event.SCANNED, Credential(CredentialKind.VOUCHER, voucher(platform, psn_no)))


def choose_all_orders(qtbot: QtBot, kiosk: Any) -> None:
    wait_for(qtbot, kiosk, Step.ORDERS)
    press(kiosk, "orders-next")
    wait_for(qtbot, kiosk, Step.BREAKDOWN)


def pay_by_phone(qtbot: QtBot, kiosk: Any, gateway: Any) -> str:
    """The patient scans the QR code on screen with their phone and pays."""
    qtbot.waitUntil(lambda: bool(kiosk.journey.view.qr_url), timeout=WAIT_MS)
    order_no = kiosk.terminal.journal.payments_of(kiosk.journey.view.reference)[-1].order_no
    gateway.pay(order_no)
    return order_no


def settlements_of(platform: Any, psn_no: str) -> list[dict[str, Any]]:
    rows = platform.control("GET", f"/_sim/settlements?psn_no={psn_no}")["settlements"]
    return [s for s in rows if s["kind"] == "settlement" and s["state"] == "settled"]


def assert_settled_as_shown(kiosk: Any, platform: Any, psn_no: str) -> dict[str, str]:
    """The done screen's amounts are the platform's settlement, to the cent."""
    view = kiosk.journey.view
    assert view.step in (Step.DONE, Step.PAPER_OUT)
    setl_id = view.breakdown.setl_id
    settled = {s["setl_id"]: s for s in settlements_of(platform, psn_no)}
    assert setl_id in settled
    setlinfo = settled[setl_id]["setlinfo"]
    summary = kiosk.window.findChild(QLabel, "done-summary").text()
    for name in ("fund_pay_sumamt", "psn_cash_pay"):
        assert setlinfo[name] in summary
        assert str(getattr(view.breakdown, name)) == setlinfo[name]
    return setlinfo
