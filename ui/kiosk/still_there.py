"""Idle: "still there?" with its countdown; no answer, and the journey returns to the start
with the patient's data wiped."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from terminal.flows.journey import Event, Step
from ui.kiosk.pages import Page, page_for
from ui.widgets.countdown import Countdown


@page_for(Step.STILL_THERE)
class StillTherePage(Page):
    ident = "still-there"

    def build(self) -> None:
        self.countdown = Countdown("still-there-countdown")
        self.body.addStretch(1)
        self.body.addWidget(self.countdown)
        self.body.addStretch(1)
        self.cancel = self.button("cancel", Event.CANCEL)
        self.here = self.button("here", Event.STILL_HERE, "primary")

    def retranslate(self) -> None:
        self.prompt.setText(self.tr("您还在吗?"))
        self.cancel.set_label(self.tr("结束本次服务"))
        self.here.set_label(self.tr("我还在,继续"))

    def first_focus(self) -> QWidget:
        return self.here
