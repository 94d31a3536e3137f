"""The face check did not pass: why, in words, how many tries are left, and the ways on:
try again, ask a staff member to help, or use a card, ID card or e-voucher instead. Never
a dead end: the last two are always there."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from terminal.flows.journey import Event, Step, View
from ui.kiosk.pages import Page, page_for
from ui.widgets import label


@page_for(Step.FACE_FAILED)
class FaceFailedPage(Page):
    ident = "face-failed"

    def build(self) -> None:
        self.reason = label("face-failed-reason", "error")
        self.tries = label("face-failed-tries", "")
        self.other = label("face-failed-other", "muted")
        for text in (self.reason, self.tries, self.other):
            text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addStretch(1)
        self.body.addWidget(self.reason)
        self.body.addWidget(self.tries)
        self.body.addWidget(self.other)
        self.body.addStretch(1)
        self.cancel = self.button("cancel", Event.CANCEL)
        self.staff = self.button("staff", Event.STAFF_HELP)
        self.retry = self.button("retry", Event.RETRY, "primary")

    def show_view(self, view: View) -> None:
        self.retry.setVisible(view.face_tries_left > 0)
        self.staff.setVisible(view.staff_offered)
        self.reason.setVisible(bool(view.face_error))

    def retranslate(self) -> None:
        view = self.view
        self.prompt.setText(self.tr("刷脸未通过"))
        self.reason.setText(self.reasons().get(view.face_error, self.tr("未能确认是您本人")))
        if view.face_tries_left > 0:
            self.tries.setText(self.tr("还可以再试 {tries} 次").format(tries=view.face_tries_left))
        else:
            self.tries.setText(self.tr("刷脸次数已用完"))
        self.other.setText(
            self.tr("不方便眨眼或转头(如年长、面瘫)?可请工作人员协助核验。")
            if view.staff_offered else self.tr("也可以改用社保卡、身份证或医保电子凭证。")
        )
        self.cancel.set_label(self.tr("改用其他方式"))
        self.staff.set_label(self.tr("工作人员协助"))
        self.retry.set_label(self.tr("再试一次"))

    def reasons(self) -> dict[str, str]:
        """Why, by the face error's code (drivers.face.errors, drivers.camera.errors)."""
        return {
            "E402": self.tr("没有看到人脸,请正对摄像头"),
            "E403": self.tr("人脸不完整,请将整张脸移入框内"),
            "E404": self.tr("画面中有多张人脸,请仅本人面对摄像头"),
            "E405": self.tr("人脸与登记照片不一致"),
            "E410": self.tr("没有看到提示的眨眼或转头动作"),
            "E411": self.tr("画面没有变化:请本人面对摄像头,照片和屏幕不能使用"),
            "E412": self.tr("在规定时间内没有看到人脸"),
            "E413": self.tr("检测过程中人脸发生了变化"),
            "E420": self.tr("摄像头不可用"),
            "E421": self.tr("摄像头没有画面"),
            "E430": self.tr("没有找到与您匹配的登记人脸"),
            "E431": self.tr("刷脸授权已失效,请重新刷脸"),
            "E910": self.tr("您尚未登记人脸,无法核验"),
        }

    def first_focus(self) -> QWidget:
        return self.retry if self.view.face_tries_left > 0 else self.cancel
