"""What happens to an offline transaction's queued requests as the forwarder sends them.

A queued request names what only the platform's earlier answers can tell (the person's
`psn_no`, the visit's `mdtrt_id`, the pre-settlement's scope figures) by a placeholder
`{"$ref": "<infno>:<dotted path>"}` into the output of the transaction's earlier request of
that infno. Placeholders are resolved afresh at every attempt from responses that never
change once succeeded, so a retry sends the identical body under the identical msgid.

When the settlement lands, the actual split is compared with what the patient paid offline
and the difference becomes an adjustment (offline.md, "Offline policy"). The commercial claim
queued behind it (docs/commercial.md) lands after it: what the plan paid is owed back too.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from kernel.breakdown import Breakdown
from kernel.errors import MedtermError
from kernel.money import ZERO, Money
from kernel.protocol import CLAIM_INFNO, SETTLEMENT_INFNOS
from kernel.states import RequestStatus, TxState
from offline_store.journal import Journal
from offline_store.outbox import Claim
from terminal.policy.engine import BillSplit

log = logging.getLogger("terminal.offline_chain")

LANDED_REASON = "offline settlement landed"
CLAIM_LANDED_REASON = "commercial claim landed"


class UnresolvedPlaceholder(MedtermError):
    code = "E205"
    message_zh = "离线交易的前序请求尚未成功"
    message_en = "a queued request depends on an answer the platform has not given yet"
    action = "Let the queue drain; if it stays stuck, see `medterm queue status`."
    action_zh = "请等待发送队列处理完毕；如果一直卡住，请运行 `medterm queue status` 查看。"


def ref(infno: str, path: str) -> dict[str, str]:
    """A placeholder for the value at `path` in the output of this transaction's `infno`."""
    return {"$ref": f"{infno}:{path}"}


def resolve(value: Any, outputs: Mapping[str, Mapping[str, Any]]) -> Any:
    """`value` with every placeholder replaced from `outputs` (output by infno)."""
    if isinstance(value, Mapping):
        if set(value) == {"$ref"}:
            return _lookup(str(value["$ref"]), outputs)
        return {key: resolve(item, outputs) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, outputs) for item in value]
    return value


def self_pay_breakdown(bill: BillSplit) -> Breakdown:
    """The split when the patient pays everything now: no fund, no account."""
    return Breakdown(
        medfee_sumamt=bill.medfee_sumamt,
        fulamt_ownpay_amt=bill.fulamt_ownpay_amt,
        overlmt_selfpay=bill.overlmt_selfpay,
        preselfpay_amt=bill.preselfpay_amt,
        inscp_scp_amt=bill.inscp_scp_amt,
        act_pay_dedc=ZERO,
        hifp_pay=ZERO,
        pool_prop_selfpay=bill.inscp_scp_amt,
        cvlserv_pay=ZERO,
        hifes_pay=ZERO,
        hifmi_pay=ZERO,
        hifob_pay=ZERO,
        maf_pay=ZERO,
        oth_pay=ZERO,
        fund_pay_sumamt=ZERO,
        psn_part_amt=bill.medfee_sumamt,
        acct_pay=ZERO,
        acct_mulaid_pay=ZERO,
        psn_cash_pay=bill.medfee_sumamt,
    )


class OfflineChainHooks:
    """The forwarder's hooks (offline_store.forwarder.ForwardHooks) for offline checkouts."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def body_to_send(self, claim: Claim) -> Mapping[str, Any]:
        return resolve(claim.body, self._outputs(claim.tx_id))

    def on_succeeded(self, claim: Claim, response: Mapping[str, Any]) -> None:
        if claim.infno in SETTLEMENT_INFNOS:
            actual = Breakdown.from_setlinfo(output_of(response)["setlinfo"])
            self.land(claim.tx_id, actual)
        elif claim.infno == CLAIM_INFNO:
            self.land_claim(claim.tx_id, output_of(response))

    def land_claim(self, tx_id: str, output: Mapping[str, Any]) -> None:
        """The queued commercial claim succeeded: what the plan paid is owed back to the
        patient, who paid the whole cash part offline. Idempotent (one adjustment)."""
        if any(a.reason == CLAIM_LANDED_REASON for a in self.journal.adjustments_of(tx_id)):
            return
        info = output.get("claiminfo")
        paid = Money.parse(info.get("pay_amt", "0.00")) if isinstance(info, Mapping) else ZERO
        if paid:
            self.journal.add_adjustment(tx_id, paid, CLAIM_LANDED_REASON)

    def on_dead_letter(self, claim: Claim, message: str) -> None:
        log.warning(
            "queued %s %s of transaction %s refused: %s",
            claim.infno,
            claim.msgid,
            claim.tx_id,
            message,
        )

    def land(self, tx_id: str, actual: Breakdown) -> None:
        """The queued settlement succeeded: forwarded, the difference owed, reconciled.
        Idempotent, and resumable from any of its steps after a crash."""
        tx = self.journal.get(tx_id)
        if tx.state is TxState.COMPLETED_OFFLINE:
            tx = self.journal.mark_forwarded(tx_id)
        if tx.state is not TxState.FORWARDED:
            return
        if not any(a.reason == LANDED_REASON for a in self.journal.adjustments_of(tx_id)):
            owed = self.journal.collected_total(tx_id) - actual.psn_cash_pay
            if owed:
                self.journal.add_adjustment(tx_id, owed, LANDED_REASON)
        self.journal.reconcile(tx_id, actual)

    def finish_landed(self) -> int:
        """Recovery: land every offline transaction whose settlement succeeded but whose
        landing a crash interrupted. Returns how many were finished."""
        finished = 0
        for tx in self.journal.transactions([TxState.FORWARDED, TxState.RECONCILED]):
            for request in self.journal.requests_of(tx.tx_id):
                if request.infno == CLAIM_INFNO and request.status is RequestStatus.SUCCEEDED:
                    self.land_claim(tx.tx_id, output_of(request.response or {}))
        for tx in self.journal.transactions([TxState.COMPLETED_OFFLINE, TxState.FORWARDED]):
            for request in self.journal.requests_of(tx.tx_id):
                if (
                    request.infno in SETTLEMENT_INFNOS
                    and request.status is RequestStatus.SUCCEEDED
                    and request.response is not None
                ):
                    self.land(
                        tx.tx_id, Breakdown.from_setlinfo(output_of(request.response)["setlinfo"])
                    )
                    finished += 1
        return finished

    def _outputs(self, tx_id: str) -> dict[str, Mapping[str, Any]]:
        return {
            request.infno: output_of(request.response)
            for request in self.journal.requests_of(tx_id)
            if request.status is RequestStatus.SUCCEEDED and request.response is not None
        }


def output_of(response: Mapping[str, Any]) -> Mapping[str, Any]:
    """The transaction output of a stored response (a whole envelope or just its output)."""
    inner = response.get("output")
    if "infcode" in response and isinstance(inner, Mapping):
        return inner
    return response


def _lookup(reference: str, outputs: Mapping[str, Mapping[str, Any]]) -> Any:
    infno, _, path = reference.partition(":")
    if infno not in outputs:
        raise UnresolvedPlaceholder(f"{reference}: no answer to {infno} yet")
    value: Any = outputs[infno]
    for key in path.split("."):
        if isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        elif isinstance(value, Mapping) and key in value:
            value = value[key]
        else:
            raise UnresolvedPlaceholder(f"{reference}: no {key} in the answer to {infno}")
    return value
