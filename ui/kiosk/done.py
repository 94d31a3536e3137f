"""Done: the settlement's result, the printed receipt, and an e-receipt QR to keep on the
phone (it carries the reference and the platform's settlement id, nothing personal)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from terminal.flows.commercial import ClaimState
from terminal.flows.journey import Event, Step, View
from ui.kiosk.pages import Page, page_for
from ui.widgets import label
from ui.widgets.qr import QrCode


def receipt_payload(view: View) -> str:
    setl_id = view.breakdown.setl_id if view.breakdown is not None else ""
    return f"medterm:receipt:{view.reference}:{setl_id}"


@page_for(Step.DONE)
class DonePage(Page):
    ident = "done"

    def build(self) -> None:
        self.summary = label("done-summary", "")
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.claim = label("done-claim", "muted")
        self.claim.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.claim.setWordWrap(True)
        self.receipt = label("done-receipt", "")
        self.receipt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr = QrCode("done-ereceipt")
        self.body.addWidget(self.summary)
        self.body.addWidget(self.claim)
        self.body.addWidget(self.receipt)
        self.body.addWidget(self.qr, 1, Qt.AlignmentFlag.AlignHCenter)
        self.finish = self.button("finish", Event.FINISH, "primary")

    def show_view(self, view: View) -> None:
        self.qr.set_payload(receipt_payload(view) if view.reference else "")

    def retranslate(self) -> None:
        self.prompt.setText(self.tr("缴费成功"))
        b = self.view.breakdown
        if b is not None:
            self.summary.setText(
                self.tr("医保支付 {fund} 元,个人账户 {account} 元,个人支付 {cash} 元").format(
                    fund=b.fund_pay_sumamt, account=b.account_total, cash=b.cash_due
                )
            )
        self.claim.setText(self.claim_text())
        self.claim.setVisible(bool(self.claim.text()))
        self.receipt.setText(self.tr("请取走打印的凭条;也可扫码保存电子凭证"))
        self.finish.set_label(self.tr("完成"))

    def claim_text(self) -> str:
        """The commercial plan's line (docs/commercial.md): what it paid, or why it did not."""
        claim = self.view.claim
        name = claim.plan_name or self.tr("商业保险")
        if claim.state is ClaimState.PAID and claim.amount:
            return self.tr("{plan}支付 {amount} 元").format(plan=name, amount=claim.amount)
        if claim.state is ClaimState.REFUSED:
            return self.tr("{plan}未予赔付:{reason}。剩余部分已由您支付。").format(
                plan=name, reason=claim.reason
            )
        if claim.state is ClaimState.UNREACHABLE:
            return self.tr("{plan}暂时无法连接,本次未赔付,剩余部分已由您支付。").format(
                plan=name
            )
        if claim.state is ClaimState.QUEUED:
            return self.tr("{plan}将在联网后申请赔付,赔付金额会退还给您。").format(plan=name)
        return ""
