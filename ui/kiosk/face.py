"""Face (刷脸): the prompt to look at the camera; the live preview, liveness and the
staff-assisted path come with the face check's own issue."""

from __future__ import annotations

from PySide6.QtCore import Qt

from terminal.flows.journey import Event, Step
from ui.kiosk.pages import Page, page_for
from ui.widgets import label


@page_for(Step.FACE)
class FacePage(Page):
    ident = "face"

    def build(self) -> None:
        self.hint = label("face-hint", "")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addStretch(1)
        self.body.addWidget(self.hint)
        self.body.addStretch(1)
        self.back = self.button("back", Event.CANCEL)

    def retranslate(self) -> None:
        self.prompt.setText(self.tr("请正对屏幕上方的摄像头"))
        self.hint.setText(self.tr("摘下帽子和口罩,保持不动;也可以返回,改用社保卡或电子凭证"))
        self.back.set_label(self.tr("返回"))
