"""The breakdown: who pays what, to the cent of the platform's answer, as a table and a
stacked bar; a tap on a self-pay line says why; then the ways to pay what is left. When the
person's commercial plan pays a share, the patient may decline it for this sale (the journey
pre-settles again without it; docs/commercial.md)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kernel.money import ZERO
from terminal.flows.journey import Event, PayMethod, Step, View
from ui.kiosk.pages import Page, page_for
from ui.widgets import label
from ui.widgets.breakdown import BreakdownView, self_pay_reasons
from ui.widgets.buttons import BigButton


@page_for(Step.BREAKDOWN)
class BreakdownPage(Page):
    ident = "breakdown"

    def build(self) -> None:
        self.estimate = label("breakdown-estimate", "banner")
        self.declined = label("breakdown-declined", "error")
        self.view_widget = BreakdownView("breakdown")
        self.view_widget.explain.connect(self._explain)
        self.why = label("breakdown-why", "muted")
        self.due = label("breakdown-due", "amount")
        self.body.addWidget(self.estimate)
        self.body.addWidget(self.declined)
        self.body.addWidget(self.view_widget)
        self.body.addWidget(self.why)
        self.lines = BigButton("breakdown-lines")
        self.lines.clicked.connect(lambda: self._explain(""))
        self.body.addWidget(self.lines)
        self.no_commercial = BigButton("breakdown-no-commercial")
        self.no_commercial.clicked.connect(lambda: self.send(Event.COMMERCIAL_DECLINE))
        self.body.addWidget(self.no_commercial)
        self.without_commercial = label("breakdown-without-commercial", "muted")
        self.body.addWidget(self.without_commercial)
        self.body.addStretch(1)
        self.body.addWidget(self.due)
        self._why_key = ""
        self.cancel = self.button("cancel", Event.CANCEL)
        self.qr = self.button("qr", Event.PAY, "primary", PayMethod.QR)
        self.paycode = self.button("paycode", Event.PAY, "secondary", PayMethod.PAYMENT_CODE)
        self.credit = self.button("credit", Event.PAY, "secondary", PayMethod.CREDIT)
        self.confirm = self.button("confirm", Event.PAY, "primary", PayMethod.QR)

    credit_offered = False  # [kiosk] credit: this institution offers 信用就医

    def show_view(self, view: View) -> None:
        self._why_key = ""
        self.view_widget.high_contrast = self.look.high_contrast
        self.view_widget.compact = self.look.elder
        self.view_widget.show_breakdown(view.breakdown)
        paying = view.due > ZERO
        self.qr.setVisible(paying)
        self.paycode.setVisible(paying and not self.look.elder)  # elder: fewer choices
        # 信用就医 where the kiosk offers it; the gateway decides for the person (a refusal
        # comes back here, in words), and offline there is nobody to grant it
        self.credit.setVisible(paying and self.credit_offered and not self.look.elder
                               and not view.offline)
        self.confirm.setVisible(not paying)
        self.estimate.setVisible(view.offline)
        self.declined.setVisible(bool(view.reason))
        plan_pays = view.breakdown is not None and view.breakdown.commercial_pay > ZERO
        self.no_commercial.setVisible(plan_pays and not view.commercial_declined)
        self.without_commercial.setVisible(view.commercial_declined)

    def _explain(self, key: str) -> None:
        self._why_key = key
        self.retranslate()

    def reasons(self) -> dict[str, str]:
        return {
            "class_c": self.tr("全自费项目:不在医保目录内(丙类)的药品和项目,医保不报销。"),
            "over_limit": self.tr("超出限价部分:价格高于医保支付标准,超出的部分由个人支付。"),
            "class_b": self.tr("乙类先行自付:乙类药品和项目先由个人按比例支付一部分。"),
            "deductible": self.tr("起付线:本年度累计费用未达到起付标准的部分,由个人支付。"),
            "pool_share": self.tr("统筹内按比例自付:医保按比例报销后,剩余比例由个人支付。"),
            "other": self.tr("其他个人负担:例如超过医保年度最高支付限额的部分,由个人支付。"),
            "relief": self.tr(
                "其他基金为您减负:公务员补助、大病保险等基金为您支付了上面的一部分。"
            ),
        }

    def retranslate(self) -> None:
        self.prompt.setText(self.tr("医保结算明细"))
        self.estimate.setText(
            self.tr("医保平台暂时无法连接:以下为预估金额,联网后以平台结算为准。")
        )
        reasons = self.reasons()
        if self._why_key == "cash" and self.view.breakdown is not None:
            keys = self_pay_reasons(self.view.breakdown)
            self.why.setText("\n".join(reasons[key] for key in keys))
        else:
            self.why.setText(reasons.get(self._why_key, ""))
        self.why.setVisible(bool(self._why_key))
        # the words take the place of the bar (and, in elder mode's larger type, of the
        # whole breakdown, back at a tap), so the screen never grows past the display
        # a notice above the table (an estimate, a declined payment) takes the bar's place
        # too: the table says the same in words, and the screen never grows past the display
        banner = self.view.offline or bool(self.view.reason)
        # elder mode's larger type: the plan's control (or its note) takes the bar's place too
        plan_shown = self.no_commercial.isVisibleTo(self) or self.view.commercial_declined
        banner = banner or (self.look.elder and plan_shown)
        self.view_widget.bar.setVisible(not self._why_key and not banner)
        self.view_widget.table.setVisible(not (self._why_key and self.look.elder))
        self.view_widget.reasons.setVisible(
            self.view_widget.has_reasons() and not (self._why_key and self.look.elder)
        )
        self.lines.setVisible(bool(self._why_key))
        self.lines.set_label(self.tr("返回明细"))
        self.due.setText(self.tr("还需支付 {amount} 元").format(amount=self.view.due))
        self.cancel.set_label(self.tr("取消"))
        self.qr.set_label(self.tr("手机扫码支付"))
        self.paycode.set_label(self.tr("出示付款码"))
        self.credit.set_label(self.tr("信用就医(先看病后付费)"))
        self.declined.setText(
            self.tr("支付未成功:{reason}。没有扣款,请换一种方式支付。").format(
                reason=self.view.reason
            )
        )
        self.confirm.set_label(self.tr("确认结算"))
        self.no_commercial.set_label(self.tr("不使用商业保险"))
        self.without_commercial.setText(
            self.tr("本次不使用商业保险:个人负担部分由您自己支付。")
        )

    def first_focus(self) -> QWidget:
        return self.qr if self.qr.isVisibleTo(self) else self.confirm
