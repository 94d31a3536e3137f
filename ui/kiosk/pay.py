"""Pay the rest: the QR code the patient scans with a phone and its countdown, or the
prompt to show their own payment code to the scanner (with its countdown, before anything is
charged), or 信用就医 being granted; cancel until the money is paid."""

from __future__ import annotations

from PySide6.QtCore import Qt

from terminal.flows.journey import Event, PayMethod, Step, View
from ui.kiosk.pages import Page, page_for
from ui.widgets import label
from ui.widgets.countdown import Countdown
from ui.widgets.qr import QrCode


@page_for(Step.PAYING, Step.SHOW_PAYCODE)
class PayPage(Page):
    ident = "pay"

    def build(self) -> None:
        self.amount = label("pay-amount", "amount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr = QrCode("pay-qr")
        self.hint = label("pay-hint", "")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = Countdown("pay-countdown")
        self.body.addWidget(self.amount)
        self.body.addWidget(self.qr, 1, Qt.AlignmentFlag.AlignHCenter)
        self.body.addWidget(self.hint)
        self.body.addWidget(self.countdown)
        self.cancel = self.button("cancel", Event.CANCEL)

    def show_view(self, view: View) -> None:
        self.qr.set_payload(view.qr_url if view.method is PayMethod.QR else "")
        self.qr.setVisible(view.method is PayMethod.QR and bool(view.qr_url))
        self.countdown.setVisible(view.deadline is not None)

    def retranslate(self) -> None:
        self.prompt.setText(self.tr("请支付个人自付部分"))
        self.amount.setText(self.tr("{amount} 元").format(amount=self.view.due))
        method, step = self.view.method, self.view.step
        if method is PayMethod.PAYMENT_CODE and step is Step.SHOW_PAYCODE:
            self.hint.setText(self.tr("请打开微信或支付宝的付款码,对准下方扫描口"))
        elif method is PayMethod.PAYMENT_CODE:
            self.hint.setText(self.tr("已读取付款码,正在扣款;如手机提示,请在手机上确认"))
        elif method is PayMethod.CREDIT:
            self.hint.setText(self.tr("正在办理信用就医,本次自付部分以后再付"))
        elif self.view.qr_url:
            self.hint.setText(self.tr("请用微信或支付宝扫描上方二维码"))
        else:
            self.hint.setText(self.tr("正在生成支付二维码"))
        self.cancel.set_label(self.tr("取消支付"))
