"""The card's PIN on an on-screen keypad with shuffled digits, with the tries the card has
left: from the first screen (the card was asked before the keypad showed), and after a wrong
PIN in words that warn the card locks itself."""

from __future__ import annotations

from PySide6.QtCore import Qt

from terminal.flows.journey import Event, Step, View
from ui.kiosk.pages import Page, page_for
from ui.widgets import label
from ui.widgets.keypad import PinKeypad


@page_for(Step.PIN)
class PinPage(Page):
    ident = "pin"

    def build(self) -> None:
        self.tries = label("pin-tries")
        self.tries.setAlignment(Qt.AlignmentFlag.AlignCenter)  # read with the prompt above it
        self.error = label("pin-error", "error")
        self.keypad = PinKeypad("pin-keypad")
        self.keypad.entered.connect(lambda pin: self.send(Event.PIN_ENTERED, pin))
        self.body.addWidget(self.tries)
        self.body.addWidget(self.error)
        self.body.addWidget(self.keypad, 1)
        self.cancel = self.button("cancel", Event.CANCEL)

    def render(self, view: View) -> None:
        # a new PIN is asked for (the page shown afresh, or after a wrong PIN): the digits
        # typed so far go and the keys are shuffled again; any other render (a touch moving
        # the idle deadline) keeps what the patient is typing
        fresh = view.step is not self.view.step or view.tries_left != self.view.tries_left
        if fresh or not self.isVisible():
            self.keypad.clear()
            self.keypad.reshuffle()
        super().render(view)

    def show_view(self, view: View) -> None:
        # one count on screen: plain before the first PIN, the warning after a wrong one; a
        # card that could not say how many shows none
        known = view.tries_left is not None
        self.tries.setVisible(known and not view.pin_wrong)
        self.error.setVisible(known and view.pin_wrong)

    def retranslate(self) -> None:
        self.prompt.setText(self.tr("请输入社保卡密码(6位)"))
        tries = self.view.tries_left
        if tries is not None:
            self.tries.setText(self.tr("还可以输入 %n 次", "", tries))
            self.error.setText(
                self.tr("密码错误。还可以再试 %n 次,次数用完后卡片将被锁定。", "", tries)
            )
        self.cancel.set_label(self.tr("取消"))

    def first_focus(self) -> PinKeypad:
        return self.keypad
