"""The service screens rendered from views (no core needed for what a view alone decides):
every notice of a service in English on the English screens, and the keys of the price
query editing its field."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from terminal.flows.journey import Step, View
from terminal.flows.kiosk_services import Notice
from ui.i18n import Language
from ui.kiosk import sample

SERVICE_STEPS = (Step.REGISTER, Step.PAID_TODAY, Step.MY_RX, Step.PRICES)


@pytest.mark.parametrize("notice", list(Notice))
def test_every_service_notice_is_worded_in_english(
    qtbot: QtBot, make_kiosk, notice: Notice
) -> None:
    kiosk = make_kiosk()
    kiosk.translations.switch(Language.EN)
    qtbot.wait(10)
    for step in SERVICE_STEPS:
        kiosk.window.render(dataclasses.replace(sample.view(), step=step, notice=notice))
        page = kiosk.window.current_page()
        shown = [w for w in page.findChildren(QLabel) if w.objectName().endswith("-notice")]
        (label,) = shown
        assert label.isVisibleTo(page) and label.text()
        assert not [c for c in label.text() if "\u4e00" <= c <= "\u9fff"], label.text()


def test_the_keys_type_into_the_query_and_delete_and_clear_it(make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.window.render(View(step=Step.PRICES))
    page = kiosk.window.current_page()
    field = page.findChild(QLineEdit, "prices-query")
    for key in ("prices-keyboard-key-A", "prices-keyboard-key-M", "prices-keyboard-key-7"):
        page.findChild(QPushButton, key).click()
    assert field.text() == "AM7"
    page.findChild(QPushButton, "prices-keyboard-delete").click()
    assert field.text() == "AM"
    page.findChild(QPushButton, "prices-keyboard-clear").click()
    assert field.text() == ""


def test_results_give_the_keys_room_until_the_patient_types_again(make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.window.render(dataclasses.replace(sample.view(), step=Step.PRICES, person=None))
    page = kiosk.window.current_page()
    keyboard = page.findChild(QPushButton, "prices-keyboard-key-A").parent()
    assert not keyboard.isVisibleTo(page)
    page.findChild(QPushButton, "prices-edit").click()
    assert keyboard.isVisibleTo(page)
