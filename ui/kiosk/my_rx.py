"""My e-prescriptions (我的处方): the person's prescriptions at the prescription centre
(hospital, doctor, status, valid until, drugs) and, under each drug, the pharmacies that have
it, cheapest first, with the insurance class (from the price service)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from terminal.flows.journey import Event, Step, View
from terminal.flows.kiosk_services import DrugOffers
from terminal.rx.prices import Offer
from terminal.rx.records import RxStatus, RxSummary, RxUse
from ui.kiosk.pages import Page, page_for
from ui.kiosk.service_parts import ServiceNotice, clear, level_name
from ui.widgets import identify, label

OFFERS_SHOWN = 3


@page_for(Step.MY_RX)
class MyRxPage(Page):
    ident = "my-rx"

    def build(self) -> None:
        self.notice = ServiceNotice("my-rx-notice")
        self.status = label("my-rx-status", "muted")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll = QScrollArea()
        identify(self.scroll, "my-rx-list", "")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.content = QWidget()
        self.rows = QVBoxLayout(self.content)
        self.scroll.setWidget(self.content)
        self.body.addWidget(self.notice)
        self.body.addWidget(self.status)
        self.body.addWidget(self.scroll, 1)
        self.rx_labels: list[tuple[QLabel, RxSummary]] = []
        self.drug_labels: list[tuple[QLabel, DrugOffers]] = []
        self.offer_labels: list[tuple[QLabel, Offer]] = []
        self.back = self.button("back", Event.BACK)
        self.cancel = self.button("cancel", Event.CANCEL)

    def show_view(self, view: View) -> None:
        clear(self.rows)
        self.rx_labels, self.drug_labels, self.offer_labels = [], [], []
        indent = self.look.sizes.spacing_px
        for n, rx in enumerate(view.prescriptions or ()):
            header = self._add(f"my-rx-{n}", "", 0)
            header.setStyleSheet("font-weight: bold")  # body size: a heading, not a prompt
            self.rx_labels.append((header, rx.summary))
            for d, drug in enumerate(rx.drugs):
                self.drug_labels.append((self._add(f"my-rx-{n}-drug-{d}", "", indent), drug))
                for o, offer in enumerate(drug.offers[:OFFERS_SHOWN]):
                    row = self._add(f"my-rx-{n}-drug-{d}-offer-{o}", "muted", indent * 2)
                    self.offer_labels.append((row, offer))
        self.rows.addStretch(1)

    def _add(self, ident: str, role: str, indent: int) -> QLabel:
        row = label(ident, role)
        row.setContentsMargins(indent, 0, 0, 0)
        self.rows.addWidget(row)
        return row

    def retranslate(self) -> None:
        view = self.view
        self.prompt.setText(self.tr("我的电子处方"))
        self.notice.show_notice(view.notice)
        if view.busy:
            status = self.tr("正在查询您的处方和各药店价格,请稍候")
        elif view.prescriptions == ():
            status = self.tr("处方流转平台上没有查到您的电子处方。")
        elif view.prescriptions:
            status = self.tr("药店价格仅供参考,以购药时为准。")
        else:
            status = ""
        self.status.setText(status)
        states = {
            RxStatus.VALID: self.tr("有效"), RxStatus.REVOKED: self.tr("已撤销"),
            RxStatus.EXPIRED: self.tr("已过期"),
        }
        uses = {
            RxUse.UNUSED: self.tr("未取药"), RxUse.RESERVED: self.tr("药店审核中"),
            RxUse.DISPENSED: self.tr("已取药"),
        }
        for row, rx in self.rx_labels:
            row.setText(self.tr("{hospital} · {doctor}  {status} · {use}\n有效期至 {until}").format(
                hospital=rx.fixmedins_name, doctor=rx.dr_name, status=states[rx.status],
                use=uses[rx.use], until=rx.vali_end_time[:16]))
        for row, drug in self.drug_labels:
            text = self.tr("{drug}:以下药店有售") if drug.offers else self.tr(
                "{drug}:暂未查到药店价格")
            row.setText(text.format(drug=drug.name))
        for row, offer in self.offer_labels:
            row.setText(self.tr("{pharmacy}  {price} 元  {level}").format(
                pharmacy=offer.fixmedins_name, price=offer.price, level=level_name(offer)))
        self.back.set_label(self.tr("返回"))
        self.cancel.set_label(self.tr("退出"))

    def first_focus(self) -> QWidget:
        return self.back
