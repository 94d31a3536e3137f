"""Today's payments (当日缴费记录) of the person identified, from the journal: when, what,
how much; each can have its receipt printed again, marked as a copy on the paper (重打
副本), and every copy is audited. The list is looked up off the GUI thread by the journey."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QWidget

from terminal.flows.journey import Event, Step, View
from terminal.flows.kiosk_services import PaidToday
from ui.kiosk.pages import Page, page_for
from ui.kiosk.service_parts import ServiceNotice, clear
from ui.widgets import label
from ui.widgets.buttons import BigButton


@page_for(Step.PAID_TODAY)
class PaidTodayPage(Page):
    ident = "paid-today"

    def build(self) -> None:
        self.notice = ServiceNotice("paid-today-notice")
        self.status = label("paid-today-status", "muted")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.printed = label("paid-today-printed", "banner")
        self.rows = QGridLayout()
        self.rows.setColumnStretch(0, 1)
        self.body.addWidget(self.notice)
        self.body.addWidget(self.printed)
        self.body.addWidget(self.status)
        self.body.addLayout(self.rows)
        self.body.addStretch(1)
        self.lines: list[tuple[QWidget, BigButton, PaidToday]] = []
        self.back = self.button("back", Event.BACK)
        self.cancel = self.button("cancel", Event.CANCEL)

    def show_view(self, view: View) -> None:
        clear(self.rows)
        self.lines = []
        for row, paid in enumerate(view.paid_today or ()):
            text = label(f"paid-today-line-{row}")
            reprint = BigButton(f"paid-today-reprint-{row}", "primary")
            reprint.setEnabled(not view.busy)
            reprint.clicked.connect(lambda _=False, tx=paid.tx_id: self.send(Event.REPRINT, tx))
            self.rows.addWidget(text, row, 0)
            self.rows.addWidget(reprint, row, 1)
            self.lines.append((text, reprint, paid))

    def retranslate(self) -> None:
        view = self.view
        self.prompt.setText(self.tr("当日缴费记录"))
        self.notice.show_notice(view.notice)
        if view.busy:
            status = self.tr("正在查询,请稍候")
        elif view.paid_today == ():
            status = self.tr("今天没有查到您已结算的缴费。")
        else:
            status = self.tr("补打的凭条印有“重打 副本”,不作重复缴费依据。")
        self.status.setText(status if view.paid_today is not None or view.busy else "")
        self.printed.setText(self.tr("已补打凭条(副本),请从出纸口取走。"))
        self.printed.setVisible(bool(view.reprinted) and not view.notice)
        for text, reprint, paid in self.lines:
            names = "、".join(paid.items[:2])
            if len(paid.items) > 2:
                names = self.tr("{names} 等 {count} 项").format(names=names, count=len(paid.items))
            at = datetime.fromtimestamp(paid.finished_at).strftime("%H:%M")
            text.setText(self.tr("{time}  {names}\n合计 {total} 元,个人支付 {own} 元").format(
                time=at, names=names, total=paid.total, own=paid.self_pay))
            reprint.set_label(self.tr("补打凭条"))
            reprint.setAccessibleName(f"{reprint.text()} {at}")
        self.back.set_label(self.tr("返回"))
        self.cancel.set_label(self.tr("退出"))

    def first_focus(self) -> QWidget:
        return self.back
