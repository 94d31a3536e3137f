"""What the printer is given at the end of a checkout: the settlement receipt from the
outcome, or the failure slip for the staffed window (drivers/printer/receipt.py lays both out).

Shared by the kiosk and the counter: the receipt's amounts are the outcome's breakdown (the
platform's actual split, or the offline estimate), its items the journalled bill.
"""

from __future__ import annotations

from datetime import datetime

from drivers.printer.receipt import Receipt, ReceiptItem, Slip
from terminal.flows.bill import BillLine
from terminal.flows.checkout import CheckoutOutcome

CHANNEL_LABELS = {
    "qr": "扫码支付",
    "paycode": "付款码支付",
    "credit": "信用就医",
    "cash": "现金",
}

# what each failure screen's slip says (the slip is printed in Chinese, as receipts are)
SLIP_TEXTS = {
    "failed": ("缴费未完成", "请持此凭条到人工窗口办理,不要重复缴费。"),
    "pending": ("结算结果待确认", "您的付款已记录。请持此凭条到人工窗口确认,不要重复缴费。"),
    "refused": ("医保结算未成功", "您的付款已原路退回。请持此凭条到人工窗口咨询,不要重复缴费。"),
}


def receipt_of(
    outcome: CheckoutOutcome, channel: str | None, institution: str, printed_at: datetime
) -> Receipt:
    """The receipt of a finished checkout: its bill's items and who paid them (`channel`:
    how the self-pay part was taken)."""
    tx = outcome.transaction
    breakdown = outcome.breakdown
    lines = [BillLine.from_json(line) for line in tx.bill or ()]
    label = CHANNEL_LABELS.get(channel or "", "自付")
    return Receipt(
        institution=institution,
        printed_at=printed_at,
        patient_name=tx.identity.name if tx.identity is not None else "",
        settlement_id=breakdown.setl_id or tx.tx_id,
        items=tuple(ReceiptItem(line.name, str(line.cnt), line.amount) for line in lines),
        fund=breakdown.fund_pay_sumamt,
        personal_account=breakdown.acct_pay,
        family_account=breakdown.acct_mulaid_pay,
        channel_label=label,
        channel=breakdown.psn_cash_pay,
    )


def slip_of(kind: str, reference: str, institution: str, printed_at: datetime) -> Slip:
    """The failure slip of a `failed`, `pending` or `refused` journey."""
    title, text = SLIP_TEXTS[kind]
    return Slip(institution, printed_at, title, reference, (text,))
