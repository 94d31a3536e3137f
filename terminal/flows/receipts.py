"""What the printer is given at the end of a checkout: the settlement receipt from the
outcome, or the failure slip for the staffed window (drivers/printer/receipt.py lays both out).

Shared by the kiosk and the counter: the receipt's amounts are the outcome's breakdown (the
platform's actual split, or the offline estimate), its items the journalled bill.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from drivers.printer.receipt import Receipt, ReceiptItem, Slip
from kernel.breakdown import Breakdown
from kernel.errors import MedtermError
from kernel.records import Transaction
from terminal.flows.bill import BillLine
from terminal.flows.checkout import CheckoutOutcome
from terminal.flows.commercial import ClaimState, ClaimStatus


class NothingToReprint(MedtermError):
    code = "E920"
    message_zh = "这笔缴费没有可补打的凭证"
    message_en = "this payment has no settlement receipt to print again"
    action = "Choose a settled payment from today's list, or ask at the staffed window."
    action_zh = "请从当日缴费记录中选择已结算的一笔,或到人工窗口咨询。"


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
    return _receipt(
        outcome.transaction, outcome.breakdown, outcome.claim, channel, institution, printed_at
    )


def copy_of(
    tx: Transaction,
    claim: ClaimStatus,
    channel: str | None,
    institution: str,
    printed_at: datetime,
) -> Receipt:
    """The receipt of a transaction settled earlier, printed again and marked as a copy:
    the split the journal holds (the platform's actual one, else the offline estimate), and
    what became of its commercial claim (`terminal.flows.commercial.status`)."""
    breakdown = tx.actual or tx.estimated
    if breakdown is None:
        raise NothingToReprint(f"{tx.tx_id} has no settlement to print")
    # completed offline, a sale is final only once reconciled: until then, when it changed
    original = datetime.fromtimestamp(tx.finished_at or tx.updated_at)
    receipt = _receipt(tx, breakdown, claim, channel, institution, printed_at)
    return replace(receipt, copy_of=original)


def _receipt(
    tx: Transaction,
    breakdown: Breakdown,
    claim: ClaimStatus,
    channel: str | None,
    institution: str,
    printed_at: datetime,
) -> Receipt:
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
        channel=breakdown.cash_due,
        commercial=breakdown.commercial_pay,
        commercial_label=f"{claim.plan_name or '商业保险'}支付",
        notes=claim_notes(claim),
    )


def claim_notes(claim: ClaimStatus) -> tuple[str, ...]:
    """What the receipt says of a commercial claim that did not pay as shown (in Chinese)."""
    name = claim.plan_name or "商业保险"
    if claim.state is ClaimState.REFUSED:
        return (f"{name}未予赔付:{claim.reason or '保险方拒绝'}。差额已由您支付。",)
    if claim.state is ClaimState.UNREACHABLE:
        return (f"{name}暂时无法连接,本次未申请赔付,差额已由您支付。",)
    if claim.state is ClaimState.QUEUED:
        return (f"{name}赔付将在联网后申请,赔付金额退还给您。",)
    return ()


def slip_of(kind: str, reference: str, institution: str, printed_at: datetime) -> Slip:
    """The failure slip of a `failed`, `pending` or `refused` journey."""
    title, text = SLIP_TEXTS[kind]
    return Slip(institution, printed_at, title, reference, (text,))
