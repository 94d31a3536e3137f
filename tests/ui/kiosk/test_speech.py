"""Elder mode's spoken prompts (ui/speech.py) on a kiosk window on the real core, with the
engine Qt has here: only "mock" works on this machine (Qt's `speechd` engine needs Debian's
speech-dispatcher), which speaks English voices and has no Chinese one."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from terminals import add_orders
from test_journeys import scan_voucher, wait_for

from terminal.flows.journey import Step
from ui.app import Look
from ui.i18n import Language
from ui.speech import Speech

EMPLOYED = "44030000000000000001"


def to_orders(qtbot: QtBot, kiosk, platform) -> None:
    add_orders(platform, EMPLOYED)
    scan_voucher(kiosk, platform, EMPLOYED)
    wait_for(qtbot, kiosk, Step.ORDERS)


def speaking(kiosk, engine: str = "mock") -> list[str]:
    said: list[str] = []
    Speech(kiosk.window, kiosk.journey, engine).said.connect(said.append)
    return said


def test_elder_mode_speaks_each_screens_main_prompt_in_the_screens_language(
    qtbot: QtBot, make_kiosk, platform
) -> None:
    kiosk = make_kiosk(Look(elder=True))
    kiosk.translations.switch(Language.EN)
    said = speaking(kiosk)
    to_orders(qtbot, kiosk, platform)
    prompt = kiosk.window.findChild(QLabel, "orders-prompt").text()
    qtbot.waitUntil(lambda: prompt in said)
    assert all(text.isascii() for text in said)  # English, as on the screen


def test_nothing_is_spoken_outside_elder_mode(qtbot: QtBot, make_kiosk, platform) -> None:
    kiosk = make_kiosk(Look(elder=False))
    kiosk.translations.switch(Language.EN)
    said = speaking(kiosk)
    to_orders(qtbot, kiosk, platform)
    qtbot.wait(100)
    assert said == []


def test_without_a_voice_for_the_language_nothing_is_spoken_and_it_is_logged_once(
    qtbot: QtBot, make_kiosk, platform, caplog: pytest.LogCaptureFixture
) -> None:
    kiosk = make_kiosk(Look(elder=True))  # Chinese: the mock engine has no Chinese voice
    said = speaking(kiosk)
    with caplog.at_level(logging.WARNING, logger="ui.speech"):
        to_orders(qtbot, kiosk, platform)
        qtbot.wait(100)
    assert said == []
    assert len([r for r in caplog.records if "no zh_CN voice" in r.getMessage()]) == 1


@pytest.mark.qt_log_ignore(r"Text-to-speech plug-in .* is not supported")
def test_without_an_engine_the_kiosk_carries_on_silent_and_logs_it_once(
    qtbot: QtBot, make_kiosk, platform, caplog: pytest.LogCaptureFixture
) -> None:
    kiosk = make_kiosk(Look(elder=True))
    kiosk.translations.switch(Language.EN)
    said = speaking(kiosk, engine="not-installed")
    with caplog.at_level(logging.WARNING, logger="ui.speech"):
        to_orders(qtbot, kiosk, platform)
        qtbot.wait(100)
    assert said == [] and kiosk.journey.view.step is Step.ORDERS
    assert len([r for r in caplog.records if "speech unavailable" in r.getMessage()]) == 1
