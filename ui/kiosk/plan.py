"""The city plan (惠民保) bought or renewed at the kiosk: the plan's terms as the platform
answers them (premium, deductible, ratio, what it covers, annual cap, the plan year), the
premium paid from the personal account, and a consent box that must be ticked before the
buy button is enabled. The purchase itself is the core's (`medterm plan buy`'s function),
run off the GUI thread by the journey; this page only shows and sends."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QWidget

from terminal.central.results import PlanOffer
from terminal.flows.journey import Event, Step, View
from ui.kiosk.pages import Page, page_for
from ui.kiosk.service_parts import ServiceNotice
from ui.widgets import identify, label


@page_for(Step.PLAN, Step.PLAN_BUYING)
class PlanPage(Page):
    ident = "plan"

    def build(self) -> None:
        self.notice = ServiceNotice("plan-notice")
        self.status = label("plan-status", "muted")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name = label("plan-name", "amount")
        self.terms = label("plan-terms")
        self.premium = label("plan-premium", "banner")
        self.consent = QCheckBox()
        identify(self.consent, "plan-consent", "")
        self.consent.toggled.connect(lambda _: self._update())
        for widget in (self.notice, self.status, self.name, self.terms, self.premium,
                       self.consent):
            self.body.addWidget(widget)
        self.body.addStretch(1)
        self.back = self.button("back", Event.BACK)
        self.buy = self.button("buy", None, "primary")
        self.buy.clicked.connect(self._buy)
        self._shown: PlanOffer | None = None

    def show_view(self, view: View) -> None:
        offer = view.plan_offers[0] if view.plan_offers else None  # the city's plan
        if offer != self._shown or view.plan_offers is None:
            self.consent.setChecked(False)  # a new plan (or patient): consent asked again
        self._shown = offer
        for widget in (self.name, self.terms, self.premium, self.consent):
            widget.setVisible(offer is not None)
        buying = view.step is Step.PLAN_BUYING
        self.consent.setEnabled(not buying)
        self.back.setVisible(not buying)
        self.buy.setVisible(offer is not None)

    def scopes(self) -> dict[str, str]:
        return {
            "fulamt_ownpay_amt": self.tr("全自费(丙类)药品和项目"),
            "overlmt_selfpay": self.tr("超出医保限价的部分"),
            "preselfpay_amt": self.tr("乙类先行自付部分"),
        }

    def retranslate(self) -> None:
        view, offer = self.view, self._shown
        buying = view.step is Step.PLAN_BUYING
        self.prompt.setText(self.tr("商业补充保险(惠民保)"))
        self.notice.show_notice(view.notice)
        if buying:
            status = self.tr("正在办理投保,请稍候")
        elif view.busy:
            status = self.tr("正在查询,请稍候")
        elif view.plan_offers == ():
            status = self.tr("您目前没有可以购买或续保的商业保险。")
        else:
            status = ""
        self.status.setText(status)
        self.status.setVisible(bool(status))
        if offer is not None:
            self._show_offer(offer)
        else:  # nobody's plan, balance or consent stays in a widget (the idle wipe)
            for widget in (self.name, self.terms, self.premium, self.consent):
                widget.setText("")
            self.consent.setAccessibleName("")
        self.back.set_label(self.tr("返回"))
        self.buy.set_label(self.tr("续保") if offer is not None and offer.renewal
                           else self.tr("购买"))
        self._update()

    def _show_offer(self, offer: PlanOffer) -> None:
        scopes = self.scopes()
        covers = self.tr("、").join(scopes.get(c, c) for c in offer.covers)
        self.name.setText(self.tr("{name}({insurer})").format(
            name=offer.plan_name, insurer=offer.insurer) if offer.insurer else offer.plan_name)
        ratio = f"{(offer.ratio * 100).quantize(Decimal(1))}%"
        self.terms.setText(self.tr(
            "保障期:{begin} 至 {end}\n"
            "保障范围:医保结算后个人负担的{covers}\n"
            "年度免赔额:{deductible} 元,超过部分赔付 {ratio}\n"
            "年度最高赔付:{cap} 元"
        ).format(begin=offer.begndate, end=offer.enddate, covers=covers,
                 deductible=offer.deductible, ratio=ratio, cap=offer.annual_cap))
        self.premium.setText(self.tr(
            "保费 {premium} 元,从您的医保个人账户支付(当前余额 {balance} 元)。"
        ).format(premium=offer.premium, balance=self.view.plan_balance))
        self.consent.setText(self.tr("我已了解保障内容,同意支付保费 {premium} 元").format(
            premium=offer.premium))
        self.consent.setAccessibleName(self.consent.text())

    def _update(self) -> None:
        idle = not self.view.busy and self.view.step is Step.PLAN
        self.buy.setEnabled(idle and self._shown is not None and self.consent.isChecked())

    def _buy(self) -> None:
        if self._shown is not None:
            self.send(Event.PLAN_BUY, (self._shown.plan_code, self.consent.isChecked()))

    def first_focus(self) -> QWidget:
        return self.consent if self._shown is not None else self.back
