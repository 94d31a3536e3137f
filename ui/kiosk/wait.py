"""The steps where the terminal works and the patient waits: what it is doing, in words, and
a moving bar, so that a wait never looks like a frozen screen."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar

from terminal.flows.journey import Event, Step, View
from ui.kiosk.pages import Page, page_for
from ui.widgets import identify

STEPS = 10


@page_for(
    Step.READING_CARD, Step.IDENTIFYING, Step.PRESETTLING, Step.SETTLING, Step.STAFF_CHECKING
)
class WaitPage(Page):
    ident = "wait"

    def build(self) -> None:
        self.progress = QProgressBar()
        identify(self.progress, "wait-progress", "")
        # moving without a percentage, one step a tick of the window (5 a second): Qt's own
        # busy bar repaints 60 times a second, and every repaint takes the interpreter from
        # the worker the patient is waiting for (25 ms of a 50 ms identification, measured)
        self.progress.setRange(0, STEPS)
        self.progress.setTextVisible(False)
        self.body.addStretch(1)
        self.body.addWidget(self.progress)
        self.body.addStretch(1)
        self.cancel = self.button("cancel", Event.CANCEL)

    def advance(self) -> None:
        """One step of the moving bar (the window's ticker calls it)."""
        self.progress.setValue((self.progress.value() + 1) % (STEPS + 1))

    def show_view(self, view: View) -> None:
        # settling: money has moved, the patient cannot (and need not) stop it
        self.cancel.setVisible(view.step is not Step.SETTLING)

    def retranslate(self) -> None:
        texts = {
            Step.READING_CARD: self.tr("正在读取社保卡,请不要拔卡"),
            Step.IDENTIFYING: self.tr("正在查询您的参保信息和待缴费项目"),
            Step.PRESETTLING: self.tr("正在计算医保报销金额"),
            Step.SETTLING: self.tr("正在结算,请稍候,请不要离开"),
            Step.STAFF_CHECKING: self.tr("工作人员已核验,正在确认您的身份"),
        }
        self.prompt.setText(texts.get(self.view.step, texts[Step.IDENTIFYING]))
        self.progress.setAccessibleName(self.prompt.text())
        self.cancel.set_label(self.tr("取消"))
