"""The settlement split as a table and a stacked bar, to the cent of the platform's answer.

Colour is never the only cue: each bar segment also has its own hatching and its words and
amount in a legend, and the table says the same in text. A tap (or Enter) on a self-pay line
emits `explain` with the line's key; the page then says in words why that part is self-paid.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kernel.breakdown import Breakdown
from kernel.money import ZERO, Money
from ui import theme
from ui.widgets import Retranslating, identify

# who pays: the bar's segments, in order
PAYERS: tuple[tuple[str, str, theme.Role, Qt.BrushStyle], ...] = (
    ("fund", "fund_pay_sumamt", theme.Role.FUND, Qt.BrushStyle.SolidPattern),
    ("account", "acct_pay", theme.Role.ACCOUNT, Qt.BrushStyle.BDiagPattern),
    ("mulaid", "acct_mulaid_pay", theme.Role.MULAID, Qt.BrushStyle.CrossPattern),
    ("cash", "psn_cash_pay", theme.Role.CASH, Qt.BrushStyle.Dense4Pattern),
)
# why a part is the patient's own: the lines a tap explains
REASONS: tuple[tuple[str, str], ...] = (
    ("class_c", "fulamt_ownpay_amt"),
    ("over_limit", "overlmt_selfpay"),
    ("class_b", "preselfpay_amt"),
    ("deductible", "act_pay_dedc"),
    ("pool_share", "pool_prop_selfpay"),
)


@dataclass(frozen=True)
class Line:
    key: str
    amount: Money
    explains: bool  # a tap says why


def self_pay_reasons(breakdown: Breakdown) -> list[str]:
    """The keys of the reasons that made part of this bill the patient's own."""
    return [key for key, name in REASONS if getattr(breakdown, name) > ZERO]


def lines_of(breakdown: Breakdown, compact: bool = False) -> list[Line]:
    """The table's lines: the total, who pays (what is left always), then each non-zero
    reason for self-pay; ``compact`` (elder mode: fewer lines a screen) leaves the reasons
    out and lets the "left to pay" line explain them all at once."""
    lines = [Line("total", breakdown.medfee_sumamt, False)]
    for key, name, _, _ in PAYERS:  # a payer who pays nothing is left out; "left" never
        amount = getattr(breakdown, name)
        if amount > ZERO or key == "cash":
            lines.append(Line(key, amount, compact and key == "cash"))
    if compact:
        return lines
    for key, name in REASONS:
        amount: Money = getattr(breakdown, name)
        if amount > ZERO:
            lines.append(Line(key, amount, True))
    return lines


class BreakdownView(Retranslating):
    explain = Signal(str)

    def __init__(self, ident: str = "breakdown", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        identify(self, ident)
        self.high_contrast = False
        self.compact = False
        self.bar = StackedBar(f"{ident}-bar", self)
        self.table = QTableWidget(0, 2)
        identify(self.table, f"{ident}-table", "")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # every line shown at once: a patient does not scroll a bill
        self.table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellClicked.connect(lambda row, _col: self._chosen(row))
        self.table.cellActivated.connect(lambda row, _col: self._chosen(row))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.table)
        self._lines: list[Line] = []
        self.retranslate()

    def names(self) -> dict[str, str]:
        return {
            "total": self.tr("医疗费用总额"),
            "fund": self.tr("医保基金支付"),
            "account": self.tr("个人账户支付"),
            "mulaid": self.tr("家庭共济账户支付"),
            "cash": self.tr("还需您支付"),
            "class_c": self.tr("其中:全自费项目(点击查看原因)"),
            "over_limit": self.tr("其中:超出限价部分(点击查看原因)"),
            "class_b": self.tr("其中:乙类先行自付(点击查看原因)"),
            "deductible": self.tr("其中:起付线以下(点击查看原因)"),
            "pool_share": self.tr("其中:统筹内个人负担(点击查看原因)"),
        }

    def show_breakdown(self, breakdown: Breakdown | None) -> None:
        self._lines = lines_of(breakdown, self.compact) if breakdown is not None else []
        self.bar.set_amounts(
            {key: getattr(breakdown, name) for key, name, _, _ in PAYERS} if breakdown else {}
        )
        self.retranslate()

    def retranslate(self) -> None:
        names = self.names()
        self.table.setHorizontalHeaderLabels([self.tr("项目"), self.tr("金额(元)")])
        self.table.setRowCount(len(self._lines))
        for row, line in enumerate(self._lines):
            text = names[line.key]
            if line.key == "cash" and line.explains:  # the legend keeps the plain words
                text = self.tr("还需您支付(点击查看原因)")
            name = QTableWidgetItem(text)
            amount = QTableWidgetItem(str(line.amount))
            amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if line.key in ("total", "cash"):
                font = name.font()
                font.setBold(True)
                name.setFont(font)
                amount.setFont(font)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, amount)
        self.table.resizeRowsToContents()
        self.bar.names = names
        self.bar.update()

    def _chosen(self, row: int) -> None:
        if 0 <= row < len(self._lines) and self._lines[row].explains:
            self.explain.emit(self._lines[row].key)


class StackedBar(QWidget):
    """Who pays what, as one bar of segments, each with a colour, a hatching and a legend."""

    def __init__(self, ident: str, view: BreakdownView) -> None:
        super().__init__(view)
        identify(self, ident)
        self._view = view
        self.amounts: dict[str, Money] = {}
        self.names: dict[str, str] = {}
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_amounts(self, amounts: dict[str, Money]) -> None:
        self.amounts = amounts
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(600, 56 + 2 * (line + 12))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def _shown(self) -> list[tuple[str, Money, theme.Role, Qt.BrushStyle]]:
        return [
            (key, self.amounts[key], role, pattern)
            for key, _, role, pattern in PAYERS
            if self.amounts.get(key, ZERO) > ZERO
        ]

    def paintEvent(self, event: QPaintEvent) -> None:
        shown = self._shown()
        total = sum((amount.amount for _, amount, _, _ in shown), start=ZERO.amount)
        if not shown or total <= 0:
            return
        hc = self._view.high_contrast
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        outline = QPen(QColor(theme.colour(theme.Role.TEXT, hc)), 2)
        x, width, bar_h = 0.0, float(self.width() - 2), 48.0
        for _key, amount, role, pattern in shown:
            w = width * float(amount.amount / total)
            rect = QRectF(1 + x, 1, w, bar_h)
            _hatched(painter, rect, role, pattern, hc)
            painter.setPen(outline)
            painter.drawRect(rect)
            x += w
        # the legend: a hatched swatch, the words and the amount, two entries a line
        metrics = self.fontMetrics()
        line_h = metrics.height() + 12
        column_w = self.width() / 2
        for index, (key, amount, role, pattern) in enumerate(shown):
            left = (index % 2) * column_w
            top = bar_h + 8 + (index // 2) * line_h
            swatch = QRectF(left + 2, top + 4, line_h - 8, line_h - 8)
            _hatched(painter, swatch, role, pattern, hc)
            painter.setPen(outline)
            painter.drawRect(swatch)
            text = f"{self.names.get(key, key)} {amount}"
            painter.drawText(
                QRectF(swatch.right() + 8, top, column_w - line_h, line_h),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                text,
            )
        painter.end()

    def legend_texts(self) -> list[str]:
        """What the legend says, for the accessibility description and the tests."""
        return [f"{self.names.get(key, key)} {amount}" for key, amount, _, _ in self._shown()]


def _hatched(
    painter: QPainter, rect: QRectF, role: theme.Role, pattern: Qt.BrushStyle, hc: bool
) -> None:
    """A segment's colour with its own hatching on top (the cue that is not colour)."""
    painter.fillRect(rect, QColor(theme.colour(role, hc)))
    if pattern is not Qt.BrushStyle.SolidPattern:
        ink = QColor(theme.colour(theme.Role.ON_SEGMENT, hc))
        painter.fillRect(rect, QBrush(ink, pattern))
