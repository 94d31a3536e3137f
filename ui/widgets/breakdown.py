"""The settlement split as a table and a stacked bar, to the cent of the platform's answer.

Colour is never the only cue: each bar segment also has its own hatching and its words and
amount in a legend, and the table says the same in text. A tap (or Enter) on a self-pay line
emits `explain` with the line's key; the page then says in words why that part is self-paid.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kernel.breakdown import Breakdown
from kernel.money import ZERO, Money, money_sum
from ui import theme
from ui.widgets import Retranslating, identify

# who pays: the bar's segments, in order (a commercial plan pays of the cash part: what is
# left to pay is `cash_due`, docs/commercial.md)
PAYERS: tuple[tuple[str, str, theme.Role, Qt.BrushStyle], ...] = (
    ("fund", "fund_pay_sumamt", theme.Role.FUND, Qt.BrushStyle.SolidPattern),
    ("account", "acct_pay", theme.Role.ACCOUNT, Qt.BrushStyle.BDiagPattern),
    ("mulaid", "acct_mulaid_pay", theme.Role.MULAID, Qt.BrushStyle.CrossPattern),
    ("commercial", "commercial_pay", theme.Role.COMMERCIAL, Qt.BrushStyle.HorPattern),
    ("cash", "cash_due", theme.Role.CASH, Qt.BrushStyle.Dense4Pattern),
)
# why a part is the patient's own: the lines a tap explains, in the order of the bill's scope
REASONS: tuple[tuple[str, str], ...] = (
    ("class_c", "fulamt_ownpay_amt"),
    ("over_limit", "overlmt_selfpay"),
    ("class_b", "preselfpay_amt"),
    ("deductible", "act_pay_dedc"),
    ("pool_share", "pool_prop_selfpay"),
)
HEADINGS = frozenset({"why", "paid_by"})


@dataclass(frozen=True)
class Line:
    key: str
    amount: Money | None  # None: a heading over the lines below it
    explains: bool  # a tap says why
    part_of: str = ""  # the line this one is a part of ("其中"): the parts add up to it
    column: int = 0  # 0: who pays; 1: why the person's share is theirs (side by side)


def reason_amounts(breakdown: Breakdown) -> list[tuple[str, Money]]:
    """Why the person's share (psn_part_amt) is theirs, reason by reason, adding up to it
    exactly: what the named reasons do not explain is `other` (over the fund's cap, for
    example), and what other funds paid of them is `relief`, a negative line."""
    reasons = [(key, getattr(breakdown, name)) for key, name in REASONS]
    reasons = [(key, amount) for key, amount in reasons if amount > ZERO]
    rest = breakdown.psn_part_amt - money_sum(amount for _, amount in reasons)
    if rest > ZERO:
        reasons.append(("other", rest))
    elif rest < ZERO:
        reasons.append(("relief", rest))
    return reasons


def self_pay_reasons(breakdown: Breakdown) -> list[str]:
    """The keys of the reasons that made part of this bill the patient's own."""
    return [key for key, amount in reason_amounts(breakdown) if amount > ZERO]


def lines_of(breakdown: Breakdown, compact: bool = False) -> list[Line]:
    """The table's lines, in groups whose parts add up to the line they belong to:

    - the total, of which the funds and the person's share;
    - the person's share, by why it is theirs (a tap on a reason explains it);
    - the person's share, by who pays it: the personal account, a family member's account,
      the commercial plan (商保), and what is left to pay now.

    ``compact`` (elder mode: fewer lines a screen) shows only the total and who pays it
    (fund, accounts, left to pay); a tap on "left to pay" explains every reason at once."""
    lines = [Line("total", breakdown.medfee_sumamt, False)]
    if compact:
        for key, name, _, _ in PAYERS:  # a payer who pays nothing is left out; "left" never
            amount = getattr(breakdown, name)
            if amount > ZERO or key == "cash":
                lines.append(Line(key, amount, key == "cash", "total"))
        return lines
    lines.append(Line("fund", breakdown.fund_pay_sumamt, False, "total"))
    lines.append(Line("person", breakdown.psn_part_amt, False, "total"))
    if breakdown.psn_part_amt <= ZERO:
        return lines
    lines.append(Line("why", None, False, column=1))
    lines += [
        Line(key, amount, True, "person", column=1) for key, amount in reason_amounts(breakdown)
    ]
    lines.append(Line("paid_by", None, False))
    for key, name, _, _ in PAYERS[1:]:
        amount = getattr(breakdown, name)
        if amount > ZERO or key == "cash":
            lines.append(Line(key, amount, False, "person"))
    return lines


class BreakdownView(Retranslating):
    explain = Signal(str)

    def __init__(self, ident: str = "breakdown", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        identify(self, ident)
        self.high_contrast = False
        self.compact = False
        self.bar = StackedBar(f"{ident}-bar", self)
        # who pays (the total, then the person's share by payer) and, beside it, why the
        # person's share is theirs: two tables, so a row is never read across from the other
        self.table = self._table(f"{ident}-table")
        self.reasons = self._table(f"{ident}-reasons")
        tables = QHBoxLayout()
        tables.setContentsMargins(0, 0, 0, 0)
        tables.addWidget(self.table, 1)
        tables.addWidget(self.reasons, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addLayout(tables)
        self._lines: list[Line] = []
        self._columns: tuple[list[Line], list[Line]] = ([], [])  # each table's lines
        self._person_amount = ZERO
        self.retranslate()

    def _table(self, ident: str) -> QTableWidget:
        table = QTableWidget(0, 2)
        identify(table, ident, "")
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # every line shown at once: a patient does not scroll a bill
        table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        table.setWordWrap(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        table.cellClicked.connect(lambda row, _col: self._chosen(table, row))
        table.cellActivated.connect(lambda row, _col: self._chosen(table, row))
        return table

    def names(self) -> dict[str, str]:
        """Each line's words (the bar's legend uses the payers' ones)."""
        return {
            "total": self.tr("医疗费用总额"),
            "fund": self.tr("医保基金支付"),
            "person": self.tr("您个人负担"),
            "account": self.tr("个人账户支付"),
            "mulaid": self.tr("家庭共济账户支付"),
            "commercial": self.tr("商业保险支付"),
            "cash": self.tr("还需您支付"),
            "class_c": self.tr("全自费项目"),
            "over_limit": self.tr("超出限价部分"),
            "class_b": self.tr("乙类先行自付"),
            "deductible": self.tr("起付线以下"),
            "pool_share": self.tr("统筹内按比例自付"),
            "other": self.tr("其他个人负担"),
            "relief": self.tr("其他基金为您减负"),
        }

    def row_text(self, line: Line, names: dict[str, str]) -> str:
        """A line as the table says it: a part indented under what it is part of, a
        heading with the amount it divides, a reason with its hint to tap."""
        person = self._person_amount
        if line.key == "why":
            return self.tr("您负担的 {amount} 元由以下部分组成(点一行看原因):").format(
                amount=person
            )
        if line.key == "paid_by":
            return self.tr("您个人负担的 {amount} 元,这样支付:").format(amount=person)
        text = names[line.key]
        if line.key == "cash" and line.explains:
            text = self.tr("还需您支付(点击查看原因)")
        return ("    " + text) if line.part_of else text

    def show_breakdown(self, breakdown: Breakdown | None) -> None:
        self._lines = lines_of(breakdown, self.compact) if breakdown is not None else []
        self._person_amount = breakdown.psn_part_amt if breakdown is not None else ZERO
        self.bar.set_amounts(
            {key: getattr(breakdown, name) for key, name, _, _ in PAYERS} if breakdown else {}
        )
        self.retranslate()

    def retranslate(self) -> None:
        names = self.names()
        self._columns = (
            [line for line in self._lines if line.column == 0],
            [line for line in self._lines if line.column == 1],
        )
        amount = self.tr("金额(元)")
        heads = ((self.tr("谁来支付"), amount), (self.tr("为什么由您负担"), amount))
        for table, lines, head in zip((self.table, self.reasons), self._columns, heads,
                                      strict=True):
            table.setRowCount(len(lines))
            table.setHorizontalHeaderLabels(list(head))
            for row, line in enumerate(lines):
                name = QTableWidgetItem(self.row_text(line, names))
                money = QTableWidgetItem("" if line.amount is None else str(line.amount))
                money.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if line.key in ("total", "cash", *HEADINGS):
                    font = name.font()
                    font.setBold(True)
                    name.setFont(font)
                    money.setFont(font)
                table.setItem(row, 0, name)
                table.setItem(row, 1, money)
            table.resizeRowsToContents()
        self.reasons.setVisible(self.has_reasons())
        self.bar.names = names
        self.bar.update()

    def has_reasons(self) -> bool:
        """Whether the why-table has lines (not in elder mode's compact breakdown)."""
        return bool(self._columns[1])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        for table in (self.table, self.reasons):  # wrapped lines take the width they got
            table.resizeRowsToContents()

    def line_at(self, table: QTableWidget, row: int) -> Line | None:
        """The line shown in a row of one of the two tables, if any."""
        lines = self._columns[0] if table is self.table else self._columns[1]
        return lines[row] if 0 <= row < len(lines) else None

    def _chosen(self, table: QTableWidget, row: int) -> None:
        line = self.line_at(table, row)
        if line is not None and line.explains:
            self.explain.emit(line.key)


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
