"""Screenshots of every kiosk screen from a real window (run under Xvfb), in both languages
and in elder mode, into docs/screenshots/:

    xvfb-run -a -s "-screen 0 1280x1024x24" env QT_QPA_PLATFORM=xcb PYTHONPATH=.:tests \\
        .venv/bin/python tests/ui/screenshots.py docs/screenshots

The screens show the sample patient (ui.kiosk.sample) through the stand-in session of
tests/journey_fakes.py, until the real-saga demo (`make demo`) writes its own.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

from journey_fakes import FakeCheckout
from PySide6.QtWidgets import QApplication

from terminal.flows.journey import Journey, JourneySettings, PayMethod, Step, View
from ui import i18n
from ui.app import Look, start
from ui.bridge import Bridge, BridgeRunner
from ui.kiosk import sample
from ui.kiosk.window import KioskWindow

SHOWN = View(
    step=Step.WELCOME, person=sample.PERSON, orders=sample.ORDERS,
    breakdown=sample.breakdown(), due=sample.breakdown().psn_cash_pay,
    reference="TX-20250301-0042",
    method=PayMethod.QR, qr_url=sample.QR_URL, reason="参保人本月已在其他医院结算,超出限额",
    tries_left=2, deadline_total=120.0,
)


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
        journey = Journey(FakeCheckout(), BridgeRunner(bridge), settings, clock=time.monotonic)
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
                    view = View()
                elif step is Step.PIN and not elder:
                    view = dataclasses.replace(view, tries_left=None)
                window.render(view)
                settle(app)
                mode = "elder" if elder else "normal"
                window.grab().save(str(out / f"{step.value}-{language.value}-{mode}.png"))
        window.shutdown()
        bridge.shutdown()
    translations.switch(i18n.Language.ZH_CN)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
