"""The sample receipt: what the technician's test print shows, and what the tests print.

No real person: the name is the conventional placeholder, the settlement id says TEST.
"""

from __future__ import annotations

from datetime import datetime

from drivers.printer.receipt import Receipt, ReceiptItem
from kernel.money import Money


def sample_receipt(printed_at: datetime = datetime(2026, 11, 23, 12, 0, 0)) -> Receipt:
    return Receipt(
        institution="深圳市第一人民医院",
        printed_at=printed_at,
        patient_name="张三丰",
        settlement_id="S20261123000001",
        items=(
            ReceiptItem("阿莫西林胶囊", "2", Money("12.50")),
            ReceiptItem("挂号费", "1", Money("10.00")),
        ),
        fund=Money("10.00"),
        personal_account=Money("5.00"),
        family_account=Money("0.00"),
        channel_label="微信支付",
        channel=Money("7.50"),
    )
