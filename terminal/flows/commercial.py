"""The commercial plan settled alongside (医保商保同步结算): the checkout's claim step.

    pre-settle (2206 | 2101) -> pre-claim (9801: what the plan would pay, nothing recorded)
    -> the patient pays the cash part less the plan's share
    -> settle (2207 | 2102) -> claim (9802, journalled before and after) -> settled

The claim is part of the settle step, before the journal records the settlement: a crash
anywhere in between resumes the same settlement and the same claim (same msgids), so nothing
is settled or claimed twice. Its compensations (docs/commercial.md):

- refused (-2): the claim is journalled as failed with the platform's reason; the settled
  split has no commercial line and the patient pays the rest (the saga's difference step);
- unreachable (its outcome unknown after the retries): a withdrawal (9803, harmless when
  there is nothing to withdraw) is queued for the forwarder before the claim is given up, so
  a claim that did land is undone; the patient pays the rest;
- the settlement cancelled by a return: the claim is withdrawn first (9803), then 2208/2103.

Offline nobody can ask the plan: the patient pays the offline split in full, the claim is
queued behind the settlement (its `setl_id` a placeholder), and what the plan paid when it
lands is owed back to the patient as an adjustment (`offline_chain.CLAIM_LANDED_REASON`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from kernel.breakdown import Breakdown
from kernel.money import ZERO, Money
from kernel.protocol import CLAIM_CANCEL_INFNO, CLAIM_INFNO, PRECLAIM_INFNO
from kernel.records import PersonIdentity, Transaction
from kernel.states import RequestStatus
from offline_store.journal import Journal
from terminal.central import inputs
from terminal.central.client import PlatformClient
from terminal.central.errors import BusinessError, PlatformError
from terminal.central.results import CommercialClaim, parse_result
from terminal.flows import checkout_fields as fields
from terminal.flows.offline_chain import output_of

if TYPE_CHECKING:
    from terminal.flows.checkout import CheckoutSaga

log = logging.getLogger("terminal.commercial")

USE = "use_commercial"  # identity.extra: "0" when the patient declined the plan for this sale
POLICY = "commercial_policy"  # identity.extra: the policy the pre-claim found ("" none)
PLAN_NAME = "commercial_plan"  # identity.extra: its plan's name, for the receipt
HELD = "commercial_held"  # identity.extra: "0" when 1101 listed no policy covering today
UNREACHABLE = "unreachable: withdrawal queued"


class ClaimState(StrEnum):
    NOT_USED = "not_used"  # no plan (or declined): nothing was claimed
    PAID = "paid"  # the plan paid its share (maybe 0: deductible, nothing covered)
    REFUSED = "refused"  # the platform refused the claim: the patient paid the rest
    UNREACHABLE = "unreachable"  # given up, withdrawal queued: the patient paid the rest
    QUEUED = "queued"  # offline: forwarded after the settlement
    WITHDRAWN = "withdrawn"  # the settlement was cancelled, and the claim with it


@dataclass(frozen=True)
class ClaimStatus:
    """What became of a transaction's claim, read from the journal (never kept apart)."""

    state: ClaimState
    amount: Money = ZERO
    plan_name: str = ""
    reason: str = ""  # the platform's words (refused) or why the plan paid nothing

    @property
    def shown(self) -> bool:
        """Whether a receipt or screen has something to say about the plan."""
        return self.state is not ClaimState.NOT_USED

    def describe(self) -> str:
        """One line in English for the command line and logs (nothing personal)."""
        name = self.plan_name or "commercial plan"
        if self.state is ClaimState.PAID:
            why = f" ({self.reason})" if self.reason and not self.amount else ""
            return f"{name} paid {self.amount}{why}"
        if self.state is ClaimState.REFUSED:
            return f"{name} refused the claim: {self.reason}; you paid the rest"
        if self.state is ClaimState.UNREACHABLE:
            return f"{name} could not be reached; you paid the rest (nothing is claimed)"
        if self.state is ClaimState.QUEUED:
            return f"{name}: the claim is sent after the settlement; its share is refunded"
        if self.state is ClaimState.WITHDRAWN:
            return f"{name}: the claim was withdrawn with the settlement"
        return "no commercial plan"


NO_CLAIM = ClaimStatus(ClaimState.NOT_USED)


def estimate(
    client: PlatformClient, identity: PersonIdentity, presettled: Breakdown, *, use: bool
) -> tuple[Breakdown, PersonIdentity]:
    """The pre-settled split with the plan's estimated share, and the identity carrying the
    choice and the policy for the settle step. A pre-claim that fails leaves no commercial
    line (the patient then pays the cash part): it never stops the checkout."""
    extra = {**identity.extra, USE: "1" if use else "0", POLICY: "", PLAN_NAME: ""}
    if not use or identity.extra.get(HELD) == "0":  # no plan: no round trip for nothing
        return presettled, replace(identity, extra=extra)
    request = client.prepare(
        PRECLAIM_INFNO,
        inputs.pre_claim(identity.psn_no, presettled),
        insuplc_admdvs=identity.insuplc_admdvs,
    )
    try:
        found: CommercialClaim = parse_result(client.send(request))
    except PlatformError as err:
        log.warning("pre-claim not answered: %s", err.code)
        return presettled, replace(identity, extra=extra)
    extra.update({POLICY: found.policy_no, PLAN_NAME: found.plan_name})
    share = min(found.pay_amt, presettled.psn_cash_pay)
    return presettled.with_commercial(share), replace(identity, extra=extra)


def claim(saga: CheckoutSaga, tx_id: str, actual: Breakdown) -> Breakdown:
    """The claim on the settlement `actual` (journalled; resumed with the same msgid), and
    the settled split with the plan's share. Refused or unreachable: the split unchanged."""
    journal = saga.journal
    tx = journal.get(tx_id)
    assert tx.identity is not None
    if not tx.identity.extra.get(POLICY):
        return actual
    requests = journal.requests_of(tx_id)
    if any(r.infno == CLAIM_CANCEL_INFNO for r in requests):
        return actual  # given up before a crash: its withdrawal is queued
    claims = [r for r in requests if r.infno == CLAIM_INFNO]
    if claims and claims[-1].status is RequestStatus.FAILED:
        return actual  # refused before a crash
    psn_no = tx.identity.psn_no
    prepared = saga.journalled_request(
        tx, CLAIM_INFNO, lambda: inputs.claim(psn_no, actual.setl_id)
    )
    from terminal.flows.checkout import SettlementPending, parse_result_output  # (cycle)

    try:
        output = saga.send_resolving(tx_id, prepared)
    except BusinessError as err:
        log.warning("claim of %s refused: %s", tx_id, err.code)
        return actual
    except SettlementPending as err:
        log.warning("claim of %s given up: %s", tx_id, err.detail)
        _give_up(saga, tx, prepared.msgid, actual.setl_id)
        return actual
    paid: CommercialClaim = parse_result_output(CLAIM_INFNO, output)
    if paid.pay_amt > actual.psn_cash_pay:  # never more than the patient's cash part
        log.warning("claim of %s pays more than the cash part; capped", tx_id)
    return actual.with_commercial(min(paid.pay_amt, actual.psn_cash_pay))


def _give_up(saga: CheckoutSaga, tx: Transaction, claim_msgid: str, setl_id: str) -> None:
    """Queue the withdrawal first, then close the claim: a crash in between resumes as given
    up (a withdrawal exists), never as a second claim."""
    assert tx.identity is not None
    withdrawal = saga.client.prepare(
        CLAIM_CANCEL_INFNO,
        inputs.cancel_claim(tx.identity.psn_no, setl_id),
        insuplc_admdvs=tx.identity.insuplc_admdvs,
    )
    body = fields.body(withdrawal)
    saga.journal.prepare_request(tx.tx_id, CLAIM_CANCEL_INFNO, withdrawal.msgid, body, forward=True)
    saga.journal.mark_request(claim_msgid, RequestStatus.FAILED, error=UNREACHABLE)


def withdraw(saga: CheckoutSaga, tx: Transaction) -> None:
    """Before a settlement is cancelled (a return): withdraw its claim, journalled (a return
    resumed after a crash resends the same withdrawal). Nothing to do when nothing was
    claimed: no claim, a refused one, or one given up (its queued withdrawal undoes it;
    `pending` keeps a return from starting before that withdrawal is forwarded)."""
    requests = saga.journal.requests_of(tx.tx_id)
    claims = [r for r in requests if r.infno == CLAIM_INFNO]
    if not claims or claims[-1].status is not RequestStatus.SUCCEEDED:
        return
    if any(
        r.infno == CLAIM_CANCEL_INFNO and r.status is RequestStatus.SUCCEEDED for r in requests
    ):
        return
    assert tx.identity is not None
    identity = tx.identity
    setl_id = (tx.actual or tx.estimated).setl_id  # type: ignore[union-attr]
    prepared = saga.journalled_request(
        tx, CLAIM_CANCEL_INFNO, lambda: inputs.cancel_claim(identity.psn_no, setl_id)
    )
    saga.send_resolving(tx.tx_id, prepared)


def pending(journal: Journal, tx_id: str) -> bool:
    """A claim, or a claim's withdrawal, still queued or in flight: the settlement may not be
    cancelled yet (the platform refuses while a claim may still be live)."""
    final = (RequestStatus.SUCCEEDED, RequestStatus.FAILED)
    return any(
        r.infno in (CLAIM_INFNO, CLAIM_CANCEL_INFNO) and r.status not in final
        for r in journal.requests_of(tx_id)
    )


def status(journal: Journal, tx_id: str) -> ClaimStatus:
    """What became of the transaction's claim, from its journalled requests."""
    tx = journal.get(tx_id)
    extra = tx.identity.extra if tx.identity is not None else {}
    name = extra.get(PLAN_NAME, "")
    requests = journal.requests_of(tx_id)
    claims = [r for r in requests if r.infno == CLAIM_INFNO]
    if not claims:
        return ClaimStatus(ClaimState.NOT_USED)
    last = claims[-1]
    if last.status is RequestStatus.SUCCEEDED:
        paid = _claim_of(last.response or {})
        name = name or paid.plan_name
        withdrawn = any(
            r.infno == CLAIM_CANCEL_INFNO and r.status is RequestStatus.SUCCEEDED
            for r in requests
        )
        if withdrawn:
            return ClaimStatus(ClaimState.WITHDRAWN, paid.pay_amt, name)
        settled = tx.actual.commercial_pay if tx.actual is not None else ZERO
        return ClaimStatus(ClaimState.PAID, settled or paid.pay_amt, name, paid.reason)
    if last.status is RequestStatus.FAILED:
        if last.error == UNREACHABLE:
            return ClaimStatus(ClaimState.UNREACHABLE, ZERO, name)
        reason = str((last.response or {}).get("err_msg", ""))
        return ClaimStatus(ClaimState.REFUSED, ZERO, name, reason)
    return ClaimStatus(ClaimState.QUEUED, ZERO, name)


def _claim_of(response: Mapping[str, Any]) -> CommercialClaim:
    from terminal.flows.checkout import parse_result_output  # the saga builds on this module

    result: CommercialClaim = parse_result_output(CLAIM_INFNO, output_of(response))
    return result
