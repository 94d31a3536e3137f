"""Pay the rest: the QR code the patient scans with a phone and its countdown, or the
prompt to show their own payment code to the scanner; cancel until the money is paid."""

from __future__ import annotations

from PySide6.QtCore import Qt

from terminal.flows.journey import Event, PayMethod, Step, View
from ui.kiosk.pages import Page, page_for
from ui.widgets import label
from ui.widgets.countdown import Countdown
from ui.widgets.qr import QrCode


@page_for(Step.PAYING)
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
        if self.view.method is PayMethod.PAYMENT_CODE:
            self.hint.setText(self.tr("请打开微信或支付宝的付款码,对准下方扫描口"))
        elif self.view.qr_url:
            self.hint.setText(self.tr("请用微信或支付宝扫描上方二维码"))
        else:
            self.hint.setText(self.tr("正在生成支付二维码"))
        self.cancel.set_label(self.tr("取消支付"))
