"""Drug prices (药价查询), from the welcome screen with nobody identified: a drug's name,
its pinyin initials or its barcode typed (the on-screen keys, or a keyboard) or scanned, and
"this drug at other pharmacies": each pharmacy's price, cheapest first, with the insurance
class. A query that is none of those is answered in words on the screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from terminal.flows.journey import Event, Step, View
from terminal.rx.prices import MAX_NAME
from ui.kiosk.pages import Page, page_for
from ui.kiosk.service_parts import ServiceNotice, level_name
from ui.widgets import identify, label
from ui.widgets.buttons import BigButton
from ui.widgets.keyboard import SearchKeyboard

ROWS_SHOWN = 6


@page_for(Step.PRICES)
class PricesPage(Page):
    ident = "prices"

    def build(self) -> None:
        self.query = QLineEdit()
        identify(self.query, "prices-query", "")
        self.query.setMaxLength(MAX_NAME)
        self.query.setMinimumHeight(self.look.sizes.target_px)
        self.query.returnPressed.connect(self._search)
        self.search = BigButton("prices-search", "primary")
        self.search.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.search.clicked.connect(self._search)
        # the keys give the results the room once they come; "type again" brings them back
        self.edit = BigButton("prices-edit")
        self.edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.edit.clicked.connect(self._type_again)
        self.typing = False  # the patient asked for the keys back over the results
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(self.edit)
        row.addWidget(self.search)
        self.keyboard = SearchKeyboard("prices-keyboard", self.query)
        self.notice = ServiceNotice("prices-notice")
        self.status = label("prices-status", "muted")
        self.table = QTableWidget(0, 4)
        identify(self.table, "prices-results", "")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.body.addLayout(row)
        self.body.addWidget(self.keyboard)
        self.body.addWidget(self.notice)
        self.body.addWidget(self.status)
        self.body.addWidget(self.table, 1)
        self.back = self.button("back", Event.BACK)

    def _search(self) -> None:
        self.typing = False
        self.send(Event.PRICE_QUERY, self.query.text())

    def _type_again(self) -> None:
        self.typing = True
        self._show_keys(self.view)
        self.query.setFocus()

    def _show_keys(self, view: View) -> None:
        keys = self.typing or view.prices is None or bool(view.notice)
        self.keyboard.setVisible(keys)
        self.edit.setVisible(not keys)

    def show_view(self, view: View) -> None:
        if self.query.text() != view.price_query:
            self.query.setText(view.price_query)
        offers = view.prices.offers[:ROWS_SHOWN] if view.prices is not None else ()
        self.table.setRowCount(len(offers))
        for row, offer in enumerate(offers):
            cells = (f"{offer.name} {offer.spec}", offer.fixmedins_name, str(offer.price))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
            self.table.setItem(row, 3, QTableWidgetItem(""))
        self.table.setVisible(bool(offers))
        self.search.setEnabled(not view.busy)
        if not view.price_query:  # a new visit to the screen (or the idle wipe)
            self.typing = False
        self._show_keys(view)

    def retranslate(self) -> None:
        view = self.view
        self.prompt.setText(self.tr("药价查询:这种药在其他药店卖多少钱"))
        self.query.setPlaceholderText(self.tr("药品名称、拼音首字母或条形码(也可扫码)"))
        self.query.setAccessibleName(self.tr("查询内容"))
        self.search.set_label(self.tr("查询"))
        self.edit.set_label(self.tr("重新输入"))
        self.keyboard.retranslate()
        self.notice.show_notice(view.notice)
        answer = view.prices
        if view.busy:
            status = self.tr("正在查询,请稍候")
        elif answer is not None and not answer.offers:
            status = self.tr("没有查到这种药的药店价格。")
        elif answer is not None:
            status = self.tr("共 {count} 家药店有售,以下按价格从低到高,仅供参考。").format(
                count=answer.offers_total)
        else:
            status = ""
        self.status.setText(status)
        self.status.setVisible(bool(status))
        self.table.setHorizontalHeaderLabels(
            [self.tr("药品"), self.tr("药店"), self.tr("价格(元)"), self.tr("医保类别")])
        offers = answer.offers[:ROWS_SHOWN] if answer is not None else ()
        for row, offer in enumerate(offers):
            item = self.table.item(row, 3)
            if item is not None:
                item.setText(level_name(offer))
        self.back.set_label(self.tr("返回首页"))

    def first_focus(self) -> QWidget:
        return self.query
