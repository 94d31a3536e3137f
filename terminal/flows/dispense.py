"""Dispensing an e-prescription at the pharmacy counter (处方流转), end to end:

    dispensary = Dispensary(saga, rx_client)
    rx = rx_client.scan(code)  /  rx_client.view_for_person(hi_rxno, certno)
    outcome = dispensary.dispense(rx, review, credential, lines, collect)

which is, in order: the prescription checked locally (valid, not dispensed elsewhere, no more
than prescribed); a pharmacy checkout begun (journalled, note `rx-dispense`); the pharmacist's
review uploaded (an acceptance reserves it at the centre) and audited in the journal; the
patient identified (and checked to be the prescription's person); the lines billed with the
prescription's number as `rxno` and `rx_circ_flag=1`; the usual pre-settlement, payment and
settlement; completion; and last the dispensing result reported to the centre.

The report, journalled before and after like any request: it is the request `rx.dispensed`
of the transaction. A report the centre does not take because it is unreachable is handed to
the forwarder (queued, a new id), whose `RoutingSender` (terminal/flows/forwarding.py) sends
it through this client; a report lost by a crash anywhere between the settlement and the
journal's record of it is found again by `resume_reports()` (run at start-up and by
`medterm queue`): every completed `rx-dispense` transaction has exactly one report that
succeeded or is queued. The centre is idempotent by (hiRxno, setlId), so a report resent after
a lost answer is answered the same, and a second *different* dispensing is refused.

Dispensing an e-prescription is online only: the review needs the centre, which is behind the
platform's link; a checkout that goes offline is cancelled (nothing charged) and says so.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from kernel.money import Money
from kernel.records import PlatformRequest, Transaction
from kernel.states import RequestStatus, TxKind, TxState
from terminal.flows.bill import BillLine
from terminal.flows.checkout import CheckoutOutcome, CheckoutSaga, Collector, PaymentAttempt
from terminal.flows.forwarding import RX_REPORT as REPORT
from terminal.flows.identify import Credential
from terminal.flows.session import CheckoutSession
from terminal.rx.client import RxClient
from terminal.rx.errors import RxNotDispensable, RxRefused, RxUnreachable
from terminal.rx.records import (
    DispensedLine,
    DispensingResult,
    Prescription,
    Review,
    ReviewResult,
)

log = logging.getLogger("terminal.dispense")

NOTE = "rx-dispense"  # the note of every dispensing transaction
_DONE = (TxState.COMPLETED, TxState.FORWARDED, TxState.RECONCILED)
_MONEY_MOVING = (TxState.COLLECTING, TxState.SETTLED, TxState.RETURNING)


@dataclass(frozen=True)
class DispenseLine:
    """What the pharmacist hands out of one prescribed drug: how much, at the pharmacy's
    price, with one traceability code per unit (scanned from the boxes)."""

    med_list_codg: str
    cnt: Decimal
    pric: Money
    trac_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DispenseOutcome:
    review: ReviewResult
    checkout: CheckoutOutcome | None  # None: the pharmacist rejected it, nothing was sold
    report: DispensingResult | None  # None: queued for the forwarder (centre unreachable)


@dataclass
class Dispensary:
    saga: CheckoutSaga
    rx: RxClient

    @property
    def pharmacy(self) -> str:
        return self.saga.config.terminal.fixmedins_code

    def dispense(
        self,
        prescription: Prescription,
        review: Review,
        credential: Credential,
        lines: Sequence[DispenseLine],
        collect: Collector,
        attempt: PaymentAttempt | None = None,
        *,
        use_account: bool = True,
    ) -> DispenseOutcome:
        """Review, sell and report one prescription (module docstring). A rejection is
        reviewed and audited, and the checkout cancelled with nothing charged."""
        review_result, checkout = self.sell(
            prescription, review, credential, lines, collect, attempt, use_account=use_account
        )
        if checkout is None:
            return DispenseOutcome(review_result, None, None)
        return DispenseOutcome(
            review_result, checkout, self.report(checkout.transaction.tx_id)
        )

    def sell(
        self,
        prescription: Prescription,
        review: Review,
        credential: Credential,
        lines: Sequence[DispenseLine],
        collect: Collector,
        attempt: PaymentAttempt | None = None,
        *,
        use_account: bool = True,
    ) -> tuple[ReviewResult, CheckoutOutcome | None]:
        """Everything but the report: what a terminal killed right after the sale completed
        leaves behind (`resume_reports()` reports it)."""
        now = self.saga.clock()
        prescription.check_dispensable(
            now, self.pharmacy, [(line.med_list_codg, line.cnt) for line in lines]
        )
        self._check_no_earlier_sale(prescription.hi_rxno)
        session = self.saga.begin(TxKind.PHARMACY, note=NOTE)
        result = self._review(session, prescription, review, now)
        if not result.accepted:
            session.cancel("prescription rejected by the pharmacist")
            return result, None
        self._identify(session, prescription, credential)
        session.bill(bill_lines(prescription, lines))
        session.presettle(use_account=use_account)
        if session.offline:
            session.cancel("e-prescription dispensing needs the platform")
            raise RxUnreachable("the platform went offline: nothing was charged")
        session.confirm()
        session.pay(collect, attempt)
        session.settle(collect)
        return result, session.complete()

    def report(self, tx_id: str) -> DispensingResult | None:
        """Report a completed dispensing once (journalled before and after); None when it was
        queued for the forwarder instead. Idempotent: a report already made is not redone."""
        tx = self.saga.journal.get(tx_id)
        journalled = self._reports(tx_id)
        if _reported(journalled):
            return None
        pending = next((r for r in journalled if r.status is not RequestStatus.FAILED), None)
        body = pending.body if pending is not None else self._report_body(tx)
        msgid = pending.msgid if pending is not None else self.saga.allocator.next()
        if pending is None:
            self.saga.journal.prepare_request(tx_id, REPORT, msgid, body)
        if pending is None or pending.status is RequestStatus.PREPARED:
            self.saga.journal.mark_request(msgid, RequestStatus.SENT)
        try:
            result = self.rx.report_dispensing(body["rx"])
        except RxUnreachable as err:
            self.saga.journal.mark_request(msgid, RequestStatus.FAILED, error=err.code)
            queued = {**body, "msgid": self.saga.allocator.next(), "queued": True}
            self.saga.journal.prepare_request(tx_id, REPORT, queued["msgid"], queued, forward=True)
            log.warning("dispensing report of %s queued: %s", tx_id, err.code)
            return None
        except RxRefused as err:
            # settled but refused (e.g. revoked meanwhile): the pharmacy must sort it out
            # with the centre; the refusal is kept on the request for the technician
            self.saga.journal.mark_request(msgid, RequestStatus.FAILED, error=err.reason[:200])
            raise
        self.saga.journal.mark_request(
            msgid, RequestStatus.SUCCEEDED, response={"setlId": result.setl_id}
        )
        return result

    def resume_reports(self) -> int:
        """After a crash: report every completed dispensing not yet reported or queued.
        Returns how many were handled."""
        handled = 0
        for tx in self.saga.journal.transactions_noted(NOTE, _DONE):
            if _reported(self._reports(tx.tx_id)):
                continue
            try:
                self.report(tx.tx_id)
            except RxRefused as err:
                log.warning("dispensing report of %s refused: %s", tx.tx_id, err.code)
            handled += 1
        return handled

    # -- steps -------------------------------------------------------------------------------

    def _check_no_earlier_sale(self, hi_rxno: str) -> None:
        """`RxNotDispensable` if this terminal sold the prescription already (its report to
        the centre may still be queued, so the centre can still show it reserved), or sold
        it with the settlement's outcome not known yet (paid; a crash, the platform
        unreachable): selling it again could settle one prescription twice (the platform
        refuses the same traceability codes, not other boxes of the drug)."""
        for tx in self.saga.journal.transactions_noted(NOTE, (*_DONE, *_MONEY_MOVING)):
            if _rxno(tx) != hi_rxno:
                continue
            if tx.state in _DONE:
                raise RxNotDispensable(
                    f"{hi_rxno} was dispensed here ({tx.tx_id[:8]}); its report to the centre "
                    "is sent by the queue"
                )
            if tx.state in _MONEY_MOVING:
                raise RxNotDispensable(
                    f"{hi_rxno}: an earlier sale of it ({tx.tx_id[:8]}) is still being "
                    "settled; recovery (medterm queue) finishes it first"
                )

    def _reports(self, tx_id: str) -> list[PlatformRequest]:
        return [r for r in self.saga.journal.requests_of(tx_id) if r.infno == REPORT]

    def _review(
        self, session: CheckoutSession, rx: Prescription, review: Review, now: datetime
    ) -> ReviewResult:
        try:
            result = self.rx.review(rx.hi_rxno, review, now)
        except BaseException:
            session.cancel("prescription review not accepted by the centre")
            raise
        self.saga.journal.record_rx_review(
            session.tx_id,
            hi_rxno=rx.hi_rxno,
            accepted=result.accepted,
            reason="" if review.reason is None else review.reason.value,
            phar_code=review.phar_code,
        )
        return result

    def _identify(
        self, session: CheckoutSession, rx: Prescription, credential: Credential
    ) -> None:
        session.identify(credential)
        identity = session.transaction.identity
        if session.offline or identity is None:
            session.cancel("e-prescription dispensing needs the platform")
            raise RxUnreachable("the platform is offline: nothing was charged")
        if identity.certno != rx.certno:
            session.cancel("not the prescription's patient")
            raise RxNotDispensable(f"{rx.hi_rxno} was issued to another person")

    def _report_body(self, tx: Transaction) -> dict[str, Any]:
        assert tx.actual is not None and tx.bill is not None
        lines = [BillLine.from_json(line) for line in tx.bill]
        hi_rxno = lines[0].rxno
        when = tx.actual.setl_time or f"{datetime.fromtimestamp(tx.updated_at):%Y-%m-%d %H:%M:%S}"
        dispensed = [
            DispensedLine(line.med_list_codg, line.name, line.cnt, line.drug_trac_codg)
            for line in lines
        ]
        body = self.rx.dispensing_body(hi_rxno, tx.actual.setl_id, when, dispensed)
        return {"infno": REPORT, "rx": body}


def _rxno(tx: Transaction) -> str:
    """The prescription a dispensing sale is of (every line carries it as its `rxno`)."""
    return BillLine.from_json(tx.bill[0]).rxno if tx.bill else ""


def _reported(reports: Sequence[PlatformRequest]) -> bool:
    """Made (succeeded) or handed to the forwarder (a queued copy: the outbox owns it)."""
    return any(r.status is RequestStatus.SUCCEEDED or r.body.get("queued") for r in reports)


def bill_lines(rx: Prescription, lines: Sequence[DispenseLine]) -> tuple[BillLine, ...]:
    """The sale's fee lines: the prescription's number as `rxno`, `rx_circ_flag=1`, the
    prescribing doctor, and the traceability codes of the units handed out."""
    out = []
    for n, line in enumerate(lines, start=1):
        drug = rx.drug(line.med_list_codg)
        out.append(
            BillLine(
                feedetl_sn=f"{rx.hi_rxno[-12:]}-{n:03d}",
                med_list_codg=line.med_list_codg,
                name=drug.name,
                pric=line.pric,
                cnt=line.cnt,
                rxno=rx.hi_rxno,
                dept_name=rx.dept_name,
                dr_code=rx.dr_code,
                dr_name=rx.dr_name,
                drug_trac_codg=line.trac_codes,
                rx_circ=True,
            )
        )
    return tuple(out)
