"""Why the staff member vouched for the patient, chosen from a list (a code in the audit
log: `terminal.flows.journey_face.STAFF_REASONS`, here in words)."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QWidget

from terminal.flows.journey import Event, Step
from terminal.flows.journey_face import STAFF_REASONS
from ui.kiosk.pages import Page, page_for
from ui.widgets.buttons import BigButton


@page_for(Step.STAFF_REASON)
class StaffReasonPage(Page):
    ident = "staff-reason"

    def build(self) -> None:
        grid = QGridLayout()
        self.reasons: dict[str, BigButton] = {}
        for index, code in enumerate(STAFF_REASONS):
            button = BigButton(f"staff-reason-{code}", "secondary")
            button.clicked.connect(lambda _=False, c=code: self.send(Event.STAFF_REASON, c))
            grid.addWidget(button, index // 2, index % 2)
            self.reasons[code] = button
        self.body.addStretch(1)
        self.body.addLayout(grid)
        self.body.addStretch(1)
        self.cancel = self.button("cancel", Event.CANCEL)

    def words(self) -> dict[str, str]:
        return {
            "cannot_act": self.tr("无法按提示眨眼或转头"),
            "facial_condition": self.tr("面部疾病(如面瘫)"),
            "elderly": self.tr("年长,操作困难"),
            "camera_or_light": self.tr("摄像头或光线问题"),
            "other": self.tr("其他原因(已核验本人)"),
        }

    def retranslate(self) -> None:
        self.prompt.setText(self.tr("请选择协助核验的原因"))
        for code, text in self.words().items():
            self.reasons[code].set_label(text)
        self.cancel.set_label(self.tr("取消"))

    def first_focus(self) -> QWidget:
        return self.reasons[STAFF_REASONS[0]]
