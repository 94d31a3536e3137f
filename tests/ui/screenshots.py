"""Screenshots of every kiosk screen from a real window (run under Xvfb), in both languages
and in elder mode, into docs/screenshots/:

    xvfb-run -a -s "-screen 0 1280x1024x24" env QT_QPA_PLATFORM=xcb PYTHONPATH=.:tests \\
        .venv/bin/python tests/ui/screenshots.py docs/screenshots

The screens show the sample patient (ui.kiosk.sample), each step's view rendered directly:
no checkout is started (the journeys themselves are tests/ui/kiosk/test_journeys.py, on the
real saga and simulators), so the window's journey is given a port that refuses to begin one.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication
from testdata import FACES

from drivers.camera.images import read_rgb
from drivers.camera.source import Frame
from kernel.money import Money
from kernel.states import TxKind
from terminal.central.results import MutualAidMember
from terminal.flows.commercial import ClaimState, ClaimStatus
from terminal.flows.journey import (
    CheckoutSession,
    Journey,
    JourneySettings,
    PayMethod,
    Step,
    View,
)
from ui import i18n
from ui.app import Look, start
from ui.bridge import Bridge, BridgeRunner
from ui.kiosk import sample
from ui.kiosk.window import KioskWindow

COMMERCIAL_STEPS = (Step.BREAKDOWN, Step.DONE)  # also shown with a commercial plan's share
SPOUSE = MutualAidMember("44030000000000000004", "刘秀兰", "spouse", Money("300.00"))
SHOWN = dataclasses.replace(sample.view(), mulaid=SPOUSE)
REFUSED_REASON = "参保人本月已在其他医院结算,超出限额"
# the face check's steps, as the check and its failures leave them (normal / elder differ,
# so both kinds of each screen are shown)
FACE_VIEWS: dict[Step, Callable[[bool], dict[str, Any]]] = {
    Step.FACE: lambda elder: {"face_prompt": "TURN_LEFT" if elder else "BLINK",
                              "person": None, "deadline_total": 8.0,
                              "deadline": time.monotonic() + 6},
    Step.FACE_FAILED: lambda elder: {
        "face_error": "E411" if elder else "E410", "face_failures": 3 if elder else 1,
        "face_tries_left": 0 if elder else 2, "staff_offered": True, "person": None,
    },
    Step.STAFF_PIN: lambda elder: {"staff_tries_left": 2 if elder else None, "person": None},
    Step.STAFF_REASON: lambda elder: {"person": None},
}


def with_commercial_plan(view: View) -> View:
    """The sample view with the city plan paying 70% of its class-C part (docs/commercial.md)."""
    assert view.breakdown is not None
    b = view.breakdown.with_commercial(Money("5.60"))
    claim = ClaimStatus(ClaimState.PAID, Money("5.60"), "深圳惠民保2026")
    return dataclasses.replace(view, breakdown=b, due=b.cash_due, claim=claim, offline=False)


class NoCheckout:
    """The screenshots render views; nothing may start a checkout."""

    def begin(self, kind: TxKind) -> CheckoutSession:
        raise RuntimeError("the screenshots start no checkout")


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()
        time.sleep(0.02)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    i18n.build()
    app, translations = start(Look(), i18n.Language.ZH_CN)
    for elder in (False, True):
        look = Look(elder=elder)
        look.apply(app)
        bridge = Bridge()
        settings = JourneySettings()
        journey = Journey(NoCheckout(), BridgeRunner(bridge), settings, clock=time.monotonic)
        window = KioskWindow(journey, look, translations, settings, clock=time.monotonic)
        window.setFixedSize(1280, 1024)  # the kiosk's screen
        window.show()
        # the views below are rendered directly, not reached by the journey: keep the
        # window's tick from re-reading the journey's own (welcome) view
        window._ticker.stop()
        for language in i18n.Language:
            translations.switch(language)
            for step in Step:
                offline = step is Step.BREAKDOWN and elder  # the estimate banner, once
                view = dataclasses.replace(
                    SHOWN, step=step, offline=offline, deadline=time.monotonic() + 87
                )
                if step is Step.WELCOME:
                    view = View(face_offered=True)
                elif step in FACE_VIEWS:
                    view = dataclasses.replace(view, **FACE_VIEWS[step](elder))
                elif step is Step.SHOW_PAYCODE:  # the patient chose to show their code
                    view = dataclasses.replace(view, method=PayMethod.PAYMENT_CODE, qr_url="")
                elif step is Step.REFUSED:
                    view = dataclasses.replace(view, reason=REFUSED_REASON)
                elif step is Step.PIN:  # normal: the first keypad; elder: after a wrong PIN
                    view = dataclasses.replace(view, tries_left=2 if elder else 3,
                                               pin_wrong=elder)
                elif step is Step.PRICES:  # from the welcome screen: nobody identified
                    view = dataclasses.replace(view, person=None)
                elif step is Step.PAID_TODAY:  # a copy just printed
                    view = dataclasses.replace(view, reprinted=sample.PAID_TODAY[0].tx_id)
                mode = "elder" if elder else "normal"
                shots = [(step.value, view)]
                if step is Step.PRICES:  # and a query that is none of name, initials, barcode
                    shots.append(("prices_invalid", dataclasses.replace(
                        view, price_query="%%%", prices=None, notice="query_invalid")))
                if step in COMMERCIAL_STEPS:  # the commercial plan paid its share (商保)
                    shots.append((f"{step.value}-commercial", with_commercial_plan(view)))
                if step is Step.BREAKDOWN:  # the patient declined the plan for this sale
                    shots.append((f"{step.value}-commercial-declined",
                                  dataclasses.replace(view, commercial_declined=True)))
                for name, shown in shots:
                    window.render(shown)
                    if step is Step.FACE:  # a camera frame in the preview, as the check shows
                        window.show_frame(Frame(read_rgb(FACES / "obama_480p.jpg"), 0.0, 0))
                    settle(app)
                    window.grab().save(str(out / f"{name}-{language.value}-{mode}.png"))
        window.shutdown()
        bridge.shutdown()
    translations.switch(i18n.Language.ZH_CN)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
