"""The settlement receipt, laid out as ESC/POS bytes (pure: no port is opened here).

Chinese thermal printers print GB18030 (a superset of GBK) in their Chinese character mode
(``FS &``), which they start in by default. python-escpos's `text()` encodes through single-byte
code-page tables (its MagicEncode) and has no GB18030, so text lines are encoded here and sent
with `_raw`; python-escpos still provides the styling commands (`set`), the native QR code and
the cut, so the printer language lives in one library. `layout` writes into any python-escpos
printer: the `Dummy` in tests (golden bytes) and in the driver (the bytes then go to the port
in one write).

Widths are counted in columns: a CJK character takes two, as on the paper.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from drivers.printer.errors import ReceiptError
from kernel.masking import mask_name
from kernel.money import ZERO, Money, money_sum

CHINESE_MODE = b"\x1c\x26"  # FS &: two-byte (GB18030) characters on
ENCODING = "gb18030"
TIME = "%Y-%m-%d %H:%M:%S"
COPY_MARK = "** 重打 副本 **"
COPY_NOTE = "本凭证为补打副本,不作重复缴费依据"


@dataclass(frozen=True)
class ReceiptItem:
    name: str
    quantity: str  # as the catalogue counts it: "2", "0.5"
    amount: Money


@dataclass(frozen=True)
class Receipt:
    institution: str
    printed_at: datetime
    patient_name: str  # masked when laid out; never printed whole
    settlement_id: str
    items: tuple[ReceiptItem, ...]
    fund: Money  # 统筹基金支付
    personal_account: Money  # 个人账户支付
    family_account: Money  # 共济账户支付
    channel_label: str  # "现金", "微信支付", "支付宝", ...
    channel: Money
    # a copy printed again (补打): when the original was settled. A copy says so on the
    # paper, under the title and at the end, so it is never taken for a second payment
    copy_of: datetime | None = None
    commercial: Money = ZERO  # 商业保险支付 (docs/commercial.md): printed only when paid
    commercial_label: str = "商业保险支付"  # the plan's name when known
    notes: tuple[str, ...] = ()  # what the patient must know (a refused commercial claim)

    @property
    def total(self) -> Money:
        return money_sum(item.amount for item in self.items)

    def check(self) -> None:
        """The payers must cover the items exactly: a receipt never shows sums that differ."""
        paid = (
            self.fund + self.personal_account + self.family_account + self.commercial
            + self.channel
        )
        if paid != self.total:
            raise ReceiptError(f"payers add up to {paid}, items to {self.total}")


@dataclass(frozen=True)
class Slip:
    """A failure slip: what a patient takes to the staffed window when a checkout failed or
    its outcome is pending. The reference finds the transaction in the journal; nothing
    personal is printed."""

    institution: str
    printed_at: datetime
    title: str  # "缴费未完成", "结算结果待确认", ...
    reference: str
    lines: tuple[str, ...]  # what to do, in words

    def check(self) -> None:
        if not self.reference:
            raise ReceiptError("a failure slip needs its reference number")


def columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns (never splitting a wide character)."""
    out, used = "", 0
    for ch in text:
        w = columns(ch)
        if used + w > width:
            break
        out, used = out + ch, used + w
    return out


def two_sides(left: str, right: str, width: int) -> str:
    """``left`` and ``right`` on one line, the left cut to leave room for the right."""
    left = fit(left, width - columns(right) - 1)
    return left + " " * (width - columns(left) - columns(right)) + right


def _line(printer: Any, text: str) -> None:
    try:
        printer._raw(text.encode(ENCODING) + b"\n")
    except UnicodeEncodeError:
        raise ReceiptError("a character cannot be printed in GB18030") from None


def layout(receipt: Receipt, printer: Any, width: int = 32) -> None:
    """Write ``receipt`` into a python-escpos printer (32 columns: 58 mm paper; 48: 80 mm)."""
    receipt.check()
    rule = "-" * width
    printer._raw(CHINESE_MODE)
    printer.set(align="center", bold=True, double_height=True, double_width=True)
    _line(printer, fit(receipt.institution, width // 2))
    printer.set(align="center", normal_textsize=True)
    _line(printer, "医保结算凭证")
    if receipt.copy_of is not None:
        printer.set(align="center", bold=True, double_height=True)
        _line(printer, COPY_MARK)
        printer.set(bold=False)
    printer.set(align="left", normal_textsize=True)
    _line(printer, rule)
    _line(printer, two_sides("时间", receipt.printed_at.strftime(TIME), width))
    if receipt.copy_of is not None:
        _line(printer, two_sides("原结算时间", receipt.copy_of.strftime(TIME), width))
    _line(printer, two_sides("姓名", mask_name(receipt.patient_name), width))
    _line(printer, two_sides("结算号", receipt.settlement_id, width))
    _line(printer, rule)
    for item in receipt.items:
        _line(printer, two_sides(item.name, f"x{item.quantity} {item.amount}", width))
    _line(printer, rule)
    _line(printer, two_sides("合计", str(receipt.total), width))
    _line(printer, two_sides("统筹基金支付", str(receipt.fund), width))
    _line(printer, two_sides("个人账户支付", str(receipt.personal_account), width))
    _line(printer, two_sides("共济账户支付", str(receipt.family_account), width))
    if receipt.commercial:
        _line(printer, two_sides(receipt.commercial_label, str(receipt.commercial), width))
    _line(printer, two_sides(receipt.channel_label, str(receipt.channel), width))
    for note in receipt.notes:
        for part in wrap(note, width):
            _line(printer, part)
    _line(printer, rule)
    printer.set(align="center", normal_textsize=True)  # centres the native QR code too
    printer.qr(receipt.settlement_id, native=True, size=6)
    _line(printer, "请妥善保管本凭证")
    if receipt.copy_of is not None:
        _line(printer, COPY_NOTE)
    printer.cut()


BREAKS = ",。;、,.; "


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns (a wide character is never split),
    broken after a punctuation mark where one falls in the second half of a line, so a
    phrase like 不要重复缴费 stays whole."""
    lines: list[str] = []
    rest = text
    while rest:
        line = fit(rest, width) or rest[0]
        if len(line) < len(rest):
            cut = max(line.rfind(mark) for mark in BREAKS)
            if cut >= 0 and columns(line[: cut + 1]) * 2 >= width:
                line = line[: cut + 1]
        lines.append(line)
        rest = rest[len(line) :]
    return lines


def layout_slip(slip: Slip, printer: Any, width: int = 32) -> None:
    """Write a failure slip: the title, the reference large and as a QR code, what to do."""
    slip.check()
    rule = "-" * width
    printer._raw(CHINESE_MODE)
    printer.set(align="center", bold=True, double_height=True, double_width=True)
    _line(printer, fit(slip.institution, width // 2))
    printer.set(align="center", bold=True, normal_textsize=True)
    _line(printer, fit(slip.title, width))
    printer.set(align="left", normal_textsize=True)
    _line(printer, rule)
    _line(printer, two_sides("时间", slip.printed_at.strftime("%Y-%m-%d %H:%M:%S"), width))
    _line(printer, "参考号")
    for part in wrap(slip.reference, width):
        _line(printer, part)
    _line(printer, rule)
    for text in slip.lines:
        for part in wrap(text, width):
            _line(printer, part)
    printer.set(align="center", normal_textsize=True)
    printer.qr(slip.reference, native=True, size=6)
    printer.cut()
