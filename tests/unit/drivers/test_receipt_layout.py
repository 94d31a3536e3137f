"""Receipt layout: golden ESC/POS bytes from python-escpos's Dummy printer."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.printer.errors import ReceiptError
from drivers.printer.printer import receipt_bytes, slip_bytes
from drivers.printer.receipt import Slip, columns, fit, two_sides, wrap
from drivers.printer.sample import sample_receipt
from kernel.money import Money

GOLDEN = Path(__file__).parent / "golden" / "receipt_58mm.hex"

RECEIPT = sample_receipt()


def test_receipt_matches_the_golden_bytes() -> None:
    assert receipt_bytes(RECEIPT).hex() == GOLDEN.read_text().strip()


def test_receipt_starts_in_chinese_mode_and_ends_with_a_cut() -> None:
    data = receipt_bytes(RECEIPT)
    assert data.startswith(b"\x1c\x26")
    assert data.endswith(b"\x1d\x56\x00")


def test_name_is_printed_masked_in_gb18030() -> None:
    data = receipt_bytes(RECEIPT)
    assert "张*丰".encode("gb18030") in data
    assert "张三丰".encode("gb18030") not in data


def test_settlement_id_is_in_a_native_qr_code() -> None:
    data = receipt_bytes(RECEIPT)
    store = b"\x1d\x28\x6b" + (len("S20261123000001") + 3).to_bytes(2, "little") + b"\x31\x50\x30"
    assert store + b"S20261123000001" in data


def test_payers_that_do_not_cover_the_items_are_refused() -> None:
    with pytest.raises(ReceiptError, match="add up"):
        receipt_bytes(replace(RECEIPT, channel=Money("7.49")))


def test_wide_characters_take_two_columns() -> None:
    assert columns("合计12") == 6
    assert two_sides("合计", "22.50", 16) == "合计       22.50"


@given(st.text(max_size=40), st.integers(0, 40))
def test_fit_never_exceeds_the_width(text: str, width: int) -> None:
    assert columns(fit(text, width)) <= width


SLIP = Slip(
    institution="深圳市模拟第二人民医院",
    printed_at=datetime(2026, 12, 1, 10, 30, 0),
    title="缴费未完成",
    reference="TX20261201103000ABCDEF",
    lines=("请持此凭条到人工窗口办理,不要重复缴费。",),
)
SLIP_GOLDEN = Path(__file__).parent / "golden" / "slip_58mm.hex"


def test_failure_slip_matches_the_golden_bytes() -> None:
    assert slip_bytes(SLIP).hex() == SLIP_GOLDEN.read_text().strip()


def test_failure_slip_carries_the_reference_in_words_and_as_a_qr_code() -> None:
    data = slip_bytes(SLIP)
    assert SLIP.reference.encode() + b"\n" in data
    store = b"\x1d\x28\x6b" + (len(SLIP.reference) + 3).to_bytes(2, "little") + b"\x31\x50\x30"
    assert store + SLIP.reference.encode() in data
    assert "不要重复缴费".encode("gb18030") in data and data.endswith(b"\x1d\x56\x00")


def test_failure_slip_without_a_reference_is_refused() -> None:
    with pytest.raises(ReceiptError, match="reference"):
        slip_bytes(replace(SLIP, reference=""))


@given(st.text(max_size=80), st.integers(2, 48))
def test_wrapped_lines_keep_every_character_within_the_width(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert "".join(lines) == text
    assert all(columns(line) <= width for line in lines)


COPY = replace(RECEIPT, printed_at=datetime(2026, 11, 23, 15, 30, 0),
               copy_of=datetime(2026, 11, 23, 12, 0, 0))
COPY_GOLDEN = Path(__file__).parent / "golden" / "receipt_copy_58mm.hex"


def test_a_copy_matches_the_golden_bytes() -> None:
    assert receipt_bytes(COPY).hex() == COPY_GOLDEN.read_text().strip()


def test_a_copy_is_marked_under_the_title_with_the_original_time_and_at_the_end() -> None:
    data = receipt_bytes(COPY)
    title = data.index("医保结算凭证".encode("gb18030"))
    mark = data.index("** 重打 副本 **".encode("gb18030"))
    assert title < mark < data.index("结算号".encode("gb18030"))
    assert "原结算时间   2026-11-23 12:00:00".encode("gb18030") in data
    assert "本凭证为补打副本".encode("gb18030") in data


def test_an_original_receipt_carries_no_copy_mark() -> None:
    data = receipt_bytes(RECEIPT)
    assert "副本".encode("gb18030") not in data and "重打".encode("gb18030") not in data


def test_a_commercial_plans_share_is_printed_and_counted_among_the_payers() -> None:
    paid_by_plan = replace(
        RECEIPT,
        channel=RECEIPT.channel - Money("5.60"),
        commercial=Money("5.60"),
        commercial_label="深圳惠民保2026支付",
        notes=("深圳惠民保2026赔付将在联网后申请,赔付金额退还给您。",),
    )
    data = receipt_bytes(paid_by_plan)
    assert "深圳惠民保2026支付".encode("gb18030") in data and b"5.60" in data
    assert "联网后申请".encode("gb18030") in data
    with pytest.raises(ReceiptError, match="add up"):
        receipt_bytes(replace(paid_by_plan, commercial=Money("5.61")))


def test_no_commercial_line_without_a_plan() -> None:
    assert "商业保险".encode("gb18030") not in receipt_bytes(RECEIPT)
