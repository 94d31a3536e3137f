"""Recovery at start: drive every unfinished transaction to a final state (offline.md), except
those another process (or thread) is still running: only a transaction whose owner is gone is
taken over (offline_store/ownership.py), so several processes on one journal never finish,
cancel or refund each other's sales.

The same code as normal operation does the work (the saga's steps, the offline chain's
landing), so recovery is only a decision per state. Running it twice changes nothing the
second time: every step it calls checks the journal first.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from kernel.errors import MedtermError
from kernel.protocol import profile_of
from kernel.states import PaymentStatus, RequestStatus, TxState
from offline_store.ownership import TransactionOwnership
from terminal.flows.checkout import CheckoutSaga, SettlementPending
from terminal.flows.offline_chain import OfflineChainHooks
from terminal.flows.returns import Returns
from terminal.payment import PaymentError

log = logging.getLogger("terminal.recovery")

BEFORE_PAYMENT = (
    TxState.CREATED,
    TxState.IDENTIFIED,
    TxState.BILLED,
    TxState.PRESETTLED,
    TxState.ESTIMATED,
)

UNFINISHED = (
    *BEFORE_PAYMENT,
    TxState.COLLECTING,
    TxState.SETTLED,
    TxState.COLLECTING_OFFLINE,
    TxState.RETURNING,
)


@dataclass(frozen=True)
class RecoveryReport:
    actions: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.actions.values())


def recover(saga: CheckoutSaga, hooks: OfflineChainHooks) -> RecoveryReport:
    """One pass over the journal's unfinished transactions; returns what was done."""
    journal = saga.journal
    done: Counter[str] = Counter()
    candidates = [tx.tx_id for tx in journal.transactions(UNFINISHED)]
    with TransactionOwnership(journal.database.path).taking_over(candidates) as orphans:
        if len(orphans) < len(candidates):
            done["left to their running owner"] += len(candidates) - len(orphans)
        for tx_id in orphans:
            state = journal.get(tx_id).state  # again: its owner (or a return) may have moved it
            if state not in UNFINISHED:
                continue
            try:
                done[_recover_one(saga, tx_id, state)] += 1
            except SettlementPending:
                done["settlement still pending"] += 1
            except (MedtermError, PaymentError) as err:
                log.warning("recovery of %s stopped: %s", tx_id, err.describe())
                done["left for later"] += 1
    landed = hooks.finish_landed()
    if landed:
        done["offline settlement landed"] += landed
    return RecoveryReport(dict(done))


def _recover_one(saga: CheckoutSaga, tx_id: str, state: TxState) -> str:
    journal = saga.journal
    if state is TxState.RETURNING:
        Returns(saga).resume(tx_id)
        return "return completed"
    for payment in journal.payments_of(tx_id):
        if payment.status is PaymentStatus.PENDING:
            saga.resolve_payment(payment.order_no, payment.channel)
    collected = journal.collected_total(tx_id)
    if state in BEFORE_PAYMENT:
        journal.cancel(tx_id, "interrupted before payment")
        return "cancelled before payment"
    if state is TxState.COLLECTING_OFFLINE:
        tx = journal.get(tx_id)
        due = tx.estimated.cash_due if tx.estimated else collected
        if collected == due:
            saga.queue_offline_chain(tx_id)
            return "offline transaction queued"
        saga.refund_all(tx_id)
        journal.cancel(tx_id, "offline payment not completed")
        return "cancelled, payment refunded"
    latest = _latest_settlement_request(saga, tx_id)
    if state is TxState.SETTLED or (latest is not None and latest is not RequestStatus.FAILED):
        saga.settle_collected(tx_id)
        return "settlement completed"
    tx = journal.get(tx_id)
    due = tx.estimated.cash_due if tx.estimated else collected
    if latest is None and collected == due:
        saga.settle_collected(tx_id)
        return "settlement completed"
    saga.refund_all(tx_id)
    journal.cancel(tx_id, "settlement refused or payment incomplete")
    return "cancelled, payment refunded"


def _latest_settlement_request(saga: CheckoutSaga, tx_id: str) -> RequestStatus | None:
    """The status of the transaction's last settlement request, if one was written."""
    infno = profile_of(saga.journal.get(tx_id).kind).settle_infno
    statuses = [r.status for r in saga.journal.requests_of(tx_id) if r.infno == infno]
    return statuses[-1] if statuses else None
