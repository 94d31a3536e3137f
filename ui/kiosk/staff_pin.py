"""A staff member vouches for the patient: their staff PIN on the shuffled keypad (the same
widget as the card's PIN; the journey checks it against `[kiosk] staff_pins` off the GUI
thread). After a wrong PIN, the tries left; too many and the journey returns to the start."""

from __future__ import annotations

from terminal.flows.journey import Event, Step, View
from ui.kiosk.pages import Page, page_for
from ui.widgets import label
from ui.widgets.keypad import PinKeypad


@page_for(Step.STAFF_PIN)
class StaffPinPage(Page):
    ident = "staff-pin"

    def build(self) -> None:
        self.note = label("staff-pin-note", "muted")
        self.error = label("staff-pin-error", "error")
        self.keypad = PinKeypad("staff-pin-keypad")
        self.keypad.entered.connect(lambda pin: self.send(Event.STAFF_PIN_ENTERED, pin))
        self.body.addWidget(self.note)
        self.body.addWidget(self.error)
        self.body.addWidget(self.keypad, 1)
        self.cancel = self.button("cancel", Event.CANCEL)

    def render(self, view: View) -> None:
        # a fresh keypad (cleared, reshuffled) when shown anew or after a wrong PIN
        shown = self.view
        fresh = view.step is not shown.step or view.staff_tries_left != shown.staff_tries_left
        if fresh or not self.isVisible():
            self.keypad.clear()
            self.keypad.reshuffle()
        super().render(view)

    def show_view(self, view: View) -> None:
        self.error.setVisible(view.staff_tries_left is not None)

    def retranslate(self) -> None:
        self.prompt.setText(self.tr("请工作人员输入工号密码"))
        self.note.setText(self.tr("工作人员核验本人后输入;本次协助将记入审计日志。"))
        tries = self.view.staff_tries_left
        if tries is not None:
            self.error.setText(self.tr("密码错误,还可以再试 {tries} 次").format(tries=tries))
        self.cancel.set_label(self.tr("取消"))

    def first_focus(self) -> PinKeypad:
        return self.keypad
