"""What became of the city plan's purchase: bought (the policy, its plan year, the premium
taken from the account and the balance left), refused with the platform's reason (nothing
was taken), or not known yet (recorded; asking again finishes it, never twice)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from terminal.flows.journey import Event, Step
from terminal.flows.kiosk_services import PlanOutcome
from ui.kiosk.pages import Page, page_for
from ui.kiosk.service_parts import ServiceNotice
from ui.widgets import label


@page_for(Step.PLAN_RESULT)
class PlanResultPage(Page):
    ident = "plan-result"

    def build(self) -> None:
        self.notice = ServiceNotice("plan-result-notice")
        self.text = label("plan-result-text", "")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addStretch(1)
        self.body.addWidget(self.notice)
        self.body.addWidget(self.text)
        self.body.addStretch(1)
        self.cancel = self.button("cancel", Event.CANCEL)
        self.back = self.button("back", Event.BACK, "primary")

    def retranslate(self) -> None:
        result = self.view.plan_result
        self.notice.show_notice(self.view.notice)
        outcome = result.outcome if result is not None else None
        prompts = {
            PlanOutcome.BOUGHT: self.tr("投保成功"),
            PlanOutcome.REFUSED: self.tr("未能投保"),
            PlanOutcome.PENDING: self.tr("投保结果待确认"),
        }
        self.prompt.setText(prompts[outcome] if outcome is not None else self.tr("未能投保"))
        if result is not None and result.bought is not None:
            b = result.bought
            text = self.tr(
                "已投保 {name}\n保单号 {policy}\n保障期 {begin} 至 {end}\n"
                "保费 {premium} 元已从个人账户支付,余额 {balance} 元。"
            ).format(name=b.plan_name, policy=b.policy_no, begin=b.begndate, end=b.enddate,
                     premium=b.premium, balance=b.balc)
        elif outcome is PlanOutcome.REFUSED:
            text = self.tr("医保平台未受理:{reason}。没有扣款。").format(
                reason=result.reason if result is not None else "")
        elif outcome is PlanOutcome.PENDING:
            text = self.tr("暂未收到投保结果,已记录。请稍后再次办理:不会重复扣款。")
        else:
            text = ""
        self.text.setText(text)
        self.text.setVisible(bool(text))
        self.cancel.set_label(self.tr("退出"))
        self.back.set_label(self.tr("返回"))

    def first_focus(self) -> QWidget:
        return self.back
