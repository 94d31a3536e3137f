"""共济: a family member's personal account may cover what the patient's own does not. The
patient is asked first, with the member shown masked as on receipts, and the amount their
account could cover; nothing is taken from it unless they say yes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from kernel.masking import mask_name
from terminal.flows.journey import Event, Step, View
from ui.kiosk.pages import Page, page_for
from ui.widgets import label


@page_for(Step.MULAID)
class MulaidPage(Page):
    ident = "mulaid"

    def build(self) -> None:
        self.text = label("mulaid-text", "")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.member = label("mulaid-member", "amount")
        self.member.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addStretch(1)
        self.body.addWidget(self.text)
        self.body.addWidget(self.member)
        self.body.addStretch(1)
        self.no = self.button("no", Event.MULAID_DECLINE)
        self.yes = self.button("yes", Event.MULAID_ACCEPT, "primary")

    def relations(self) -> dict[str, str]:
        return {
            "spouse": self.tr("配偶"),
            "parent": self.tr("父母"),
            "child": self.tr("子女"),
        }

    def retranslate(self) -> None:
        self.prompt.setText(self.tr("使用家庭共济账户支付吗?"))
        self.text.setText(
            self.tr("您的个人账户余额不足,还需支付 {amount} 元。您绑定的家庭成员的个人账户"
                    "可以为您支付(家庭共济)。使用前需要您同意。").format(amount=self.view.due)
        )
        member = self.view.mulaid
        if member is not None:
            relation = self.relations().get(member.relation, self.tr("家庭成员"))
            self.member.setText(
                self.tr("{relation} {name}  账户余额 {balance} 元").format(
                    relation=relation, name=mask_name(member.psn_name), balance=member.acct_balc
                )
            )
        else:
            self.member.setText("")
        self.no.set_label(self.tr("不使用,自己支付"))
        self.yes.set_label(self.tr("同意使用"))

    def show_view(self, view: View) -> None:
        self.member.setVisible(view.mulaid is not None)

    def first_focus(self) -> QWidget:
        return self.yes
