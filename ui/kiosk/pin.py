"""The card's PIN on an on-screen keypad with shuffled digits; after a wrong PIN, the tries
left in words."""

from __future__ import annotations

from terminal.flows.journey import Event, Step, View
from ui.kiosk.pages import Page, page_for
from ui.widgets import label
from ui.widgets.keypad import PinKeypad


@page_for(Step.PIN)
class PinPage(Page):
    ident = "pin"

    def build(self) -> None:
        self.error = label("pin-error", "error")
        self.keypad = PinKeypad("pin-keypad")
        self.keypad.entered.connect(lambda pin: self.send(Event.PIN_ENTERED, pin))
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
        self.error.setVisible(view.tries_left is not None)

    def retranslate(self) -> None:
        self.prompt.setText(self.tr("请输入社保卡密码(6位)"))
        tries = self.view.tries_left
        if tries is not None:
            self.error.setText(
                self.tr("密码错误。还可以再试 {tries} 次,次数用完后卡片将被锁定。").format(
                    tries=tries
                )
            )
        self.cancel.set_label(self.tr("取消"))

    def first_focus(self) -> PinKeypad:
        return self.keypad
