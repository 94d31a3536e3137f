"""Face (刷脸): the live preview with its oval guide, what the check asks now (look at the
camera, blink, turn your head...) as the main prompt, and the check's countdown. The check
itself runs off the GUI thread (`terminal.flows.kiosk_face`); this page shows its prompts
from the journey's view and its frames as they are relayed here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QHideEvent

from drivers.camera.source import Frame
from terminal.flows.journey import Event, Step, View
from ui.kiosk.pages import Page, page_for
from ui.widgets import label
from ui.widgets.countdown import Countdown
from ui.widgets.preview import FacePreview


@page_for(Step.FACE)
class FacePage(Page):
    ident = "face"

    def build(self) -> None:
        self.preview = FacePreview("face-preview", self.look.high_contrast)
        self.hint = label("face-hint", "")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = Countdown("face-countdown")
        self.body.addWidget(self.preview, 1)
        self.body.addWidget(self.hint)
        self.body.addWidget(self.countdown)
        self.back = self.button("back", Event.CANCEL)

    def show_frame(self, frame: Frame) -> None:
        """A frame the check has just looked at (on the GUI thread)."""
        if self.view.step is Step.FACE and self.isVisible():
            self.preview.show_image(frame.image)

    def hideEvent(self, event: QHideEvent) -> None:
        self.preview.clear()  # the page left: no picture of the patient is kept
        super().hideEvent(event)

    def show_view(self, view: View) -> None:
        if view.step is not Step.FACE or not view.face_prompt:
            self.preview.clear()  # a new check, or the page left: no picture kept

    def prompts(self) -> dict[str, str]:
        """The liveness prompts (`drivers.face.liveness.Prompt` by name), in words."""
        return {
            "FACE_CAMERA": self.tr("请正对摄像头"),
            "WHOLE_FACE": self.tr("请将整张脸移入框内"),
            "ONE_PERSON": self.tr("请仅本人面对摄像头"),
            "BLINK": self.tr("请眨眼"),
            "TURN_LEFT": self.tr("请向左转头"),
            "TURN_RIGHT": self.tr("请向右转头"),
            "LOOK_BACK": self.tr("请转回正面"),
            "DONE": self.tr("检测通过,正在识别"),
        }

    def retranslate(self) -> None:
        self.prompt.setText(self.prompts().get(self.view.face_prompt, self.tr("请正对摄像头")))
        self.hint.setText(self.tr("请把脸放在框内,摘下帽子和口罩;也可以返回,改用社保卡或电子凭证"))
        self.back.set_label(self.tr("返回"))
