"""One checkout, driven a step at a time: what a screen (or the command line's script) calls.

    session = saga.begin(TxKind.OUTPATIENT)      # journalled: session.tx_id at once
    session.identify(credential)                 # who (None offline: the platform is away)
    session.unpaid_orders()                      # the person's HIS orders, to choose from
    session.bill(lines)                          # what is paid ((): every unpaid order)
    session.presettle(use_account=..., mulaid_psn_no=..., use_commercial=...)
                                                 # the split to show (with the commercial
                                                 # plan's share, 9801); again to change
    session.confirm()                            # the self-pay part due (cash_due): money
                                                 # moves after this
    session.pay(collect, attempt)                # collected (cancellable, with a time limit)
    session.settle(collect)                      # the platform's actual split, then the
                                                 # commercial claim (9802)
    session.complete()                           # the outcome for the receipt
    session.cancel(reason)                       # at any step before the settlement

Each step checks the journal's state first and refuses to run out of order (`StepOutOfOrder`),
so a screen that sends an event twice changes nothing. The state lives in the journal, not
here: a session is a handle, and recovery after a crash finishes what it left.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field

from kernel.breakdown import Breakdown
from kernel.money import Money
from kernel.protocol import CheckoutProfile, profile_of
from kernel.records import PersonIdentity, Transaction
from kernel.states import FINAL_STATES, TxKind, TxState
from terminal.central.errors import AmbiguousOutcomeError, PlatformError, TransportError
from terminal.flows import bill as bills
from terminal.flows import commercial
from terminal.flows.checkout import (
    CheckoutOutcome,
    CheckoutSaga,
    Collector,
    NothingToPay,
    PaymentAttempt,
    StepOutOfOrder,
)
from terminal.flows.identify import Credential, IdentifiedPerson, identify_online
from terminal.flows.offline_chain import self_pay_breakdown
from terminal.flows.offline_policy import OfflineRefused
from terminal.flows.offline_requests import offline_certno
from terminal.his import HisError, HisOrder

log = logging.getLogger("terminal.checkout")

_OFFLINE_CAUSES = (TransportError, AmbiguousOutcomeError)


@dataclass
class CheckoutSession:
    """A handle on one journalled checkout. Not thread-safe: one patient's steps run one at
    a time (the screens run them on a single worker)."""

    saga: CheckoutSaga
    tx_id: str
    kind: TxKind
    person: IdentifiedPerson | None = None  # online only: offline nobody is looked up
    offline_cause: str = ""  # the error code that took this checkout offline
    # this process's claim on the transaction (offline_store.ownership): while it is held,
    # no recovery in another process takes the checkout over
    owner: ExitStack = field(default_factory=ExitStack, repr=False)
    _due: Money | None = None

    @property
    def profile(self) -> CheckoutProfile:
        return profile_of(self.kind)

    @property
    def transaction(self) -> Transaction:
        return self.saga.journal.get(self.tx_id)

    @property
    def state(self) -> TxState:
        return self.saga.journal.state_of(self.tx_id)

    @property
    def offline(self) -> bool:
        return bool(self.offline_cause)

    # -- before money moves ------------------------------------------------------------------

    def identify(self, credential: Credential) -> IdentifiedPerson | None:
        """Who is paying (1162/1191, then 1101). When the platform cannot be reached the
        checkout goes offline: the credential must then carry the ID number (card, ID card),
        and None is returned. Any other failure cancels the checkout and is raised."""
        self._expect(TxState.CREATED)
        saga = self.saga
        try:
            person = identify_online(
                saga.client, credential, kind=self.kind.value, now=saga.clock()
            )
        except _OFFLINE_CAUSES as err:
            self._go_offline(err)
            self._identify_offline(credential)
            return None
        except BaseException:
            saga.journal.cancel(self.tx_id, "identification failed")
            raise
        saga.journal.identify(self.tx_id, _identity_of(person))
        self.person = person
        return person

    def unpaid_orders(self) -> list[HisOrder]:
        """The person's unpaid orders at the hospital (empty without an HIS)."""
        self._expect(TxState.IDENTIFIED)
        if self.saga.his is None:
            return []
        identity = self.transaction.identity
        assert identity is not None
        return self.saga.his.unpaid_orders(identity.certno)

    def bill(self, lines: Sequence[bills.BillLine] = ()) -> tuple[bills.BillLine, ...]:
        """What is paid in this checkout: the lines given (a pharmacy sale, or the orders the
        patient chose), else every unpaid HIS order. Nothing to pay cancels the checkout."""
        self._expect(TxState.IDENTIFIED)
        try:
            chosen = tuple(lines) or bills.lines_from_orders(self.unpaid_orders())
            if not chosen:
                raise NothingToPay()
        except (NothingToPay, HisError):
            self.saga.journal.cancel(self.tx_id, "nothing to bill")
            raise
        self.saga.journal.bill(self.tx_id, [line.to_json() for line in chosen])
        return chosen

    def presettle(
        self, *, use_account: bool = True, mulaid_psn_no: str = "", use_commercial: bool = True
    ) -> Breakdown:
        """The split to show before any money moves: the platform's pre-settlement online
        (with the commercial plan's share when the person holds one and `use_commercial`),
        the offline policy's estimate offline. Called again (online) when the person changes
        how the accounts are used, for example to accept a family member's (共济)."""
        saga = self.saga
        if self.offline:
            self._expect(TxState.BILLED)
            return self._estimate()
        self._expect(TxState.BILLED, TxState.PRESETTLED)
        try:
            breakdown = saga.presettle_online(
                self.tx_id,
                use_account=use_account,
                mulaid_psn_no=mulaid_psn_no,
                use_commercial=use_commercial,
            )
        except _OFFLINE_CAUSES as err:
            self._go_offline(err)
            return self._estimate()
        except BaseException:
            self._cancel_quietly("pre-settlement failed")
            raise
        self._due = breakdown.cash_due
        return breakdown

    def confirm(self) -> Money:
        """The patient accepted the split: what is due by a self-pay channel. Money may move
        from here on."""
        self._expect(TxState.PRESETTLED, TxState.ESTIMATED)
        self.saga.journal.collect(self.tx_id)
        return self._due_now()

    # -- money -------------------------------------------------------------------------------

    def pay(
        self,
        collect: Collector,
        attempt: PaymentAttempt | None = None,
        *,
        cancel_on_fail: bool = True,
    ) -> Money:
        """Collect what is due; the attempt carries the patient's cancel and the time limit.
        When the payment does not happen (cancelled, expired, declined) the checkout is
        cancelled with everything undone, and the channel's error is raised; with
        `cancel_on_fail=False` it stays collecting instead (the order closed, nothing taken),
        so a screen can offer to pay again under a new order number, or `cancel`."""
        self._expect(TxState.COLLECTING, TxState.COLLECTING_OFFLINE)
        return self.saga.collect_part(
            self.tx_id,
            self._due_now(),
            collect,
            attempt or PaymentAttempt(),
            cancel_on_fail=cancel_on_fail,
        )

    def settle(self, collect: Collector | None = None) -> Breakdown:
        """Online: the settlement (a difference from the pre-settlement is refunded, or
        collected through `collect`). Offline: the platform's requests are queued for the
        forwarder and the estimate stands until they land."""
        if self.offline:
            self._expect(TxState.COLLECTING_OFFLINE)
            self.saga.queue_offline_requests(self.tx_id)
            estimated = self.transaction.estimated
            assert estimated is not None
            return estimated
        self._expect(TxState.COLLECTING)
        return self.saga.settle(self.tx_id, collect)

    def complete(self) -> CheckoutOutcome:
        """Finish: the HIS is told, the transaction completed; the outcome for the receipt."""
        tx = self.transaction
        if self.offline:
            self._expect(TxState.COLLECTING_OFFLINE)
            tx = self.saga.journal.complete(self.tx_id)
            assert tx.estimated is not None
            breakdown = tx.estimated
        else:
            self._expect(TxState.SETTLED)
            assert tx.actual is not None
            self.saga.finish(self.tx_id, tx.actual.setl_id)
            tx = self.transaction
            assert tx.actual is not None
            breakdown = tx.actual
        collected = self.saga.journal.collected_total(self.tx_id)
        claim = commercial.status(self.saga.journal, self.tx_id)
        self.release()
        return CheckoutOutcome(tx, breakdown, collected, offline=self.offline, claim=claim)

    def cancel(self, reason: str = "cancelled by the patient") -> Transaction:
        """Stop here: any money taken is given back and what the platform holds is undone."""
        try:
            return self.saga.cancel(self.tx_id, reason)
        finally:
            if self.state in FINAL_STATES:
                self.release()

    def release(self) -> None:
        """Let go of the transaction: once it is final, or when this process gives it up
        (recovery may then finish it)."""
        self.owner.close()

    # -- inside ------------------------------------------------------------------------------

    def _expect(self, *states: TxState) -> None:
        state = self.state
        if state not in states:
            wanted = " or ".join(s.value for s in states)
            raise StepOutOfOrder(f"{self.tx_id} is {state.value}, not {wanted}")

    def _due_now(self) -> Money:
        """What the patient pays by a self-pay channel: the split's cash part (read back from
        the journal when this handle did not pre-settle itself)."""
        if self._due is None:
            estimated = self.transaction.estimated
            assert estimated is not None
            self._due = estimated.cash_due
        return self._due

    def _go_offline(self, cause: PlatformError) -> None:
        log.warning("checkout %s goes offline: %s", self.tx_id, cause.code)
        self.offline_cause = cause.code

    def _identify_offline(self, credential: Credential) -> None:
        """Offline the credential itself must say who it is: the ID number read from the card
        or the ID card. An e-voucher or a face cannot be checked without the platform."""
        try:
            certno = offline_certno(credential)
        except OfflineRefused:
            self.saga.journal.cancel(self.tx_id, "refused offline")
            raise
        identity = PersonIdentity(
            cert_type="01",
            certno=certno,
            name=credential.name,
            insuplc_admdvs=self.saga.config.terminal.region,
            extra={"offline": "1", "card_sn": credential.card_sn},
        )
        self.saga.journal.identify(self.tx_id, identity)

    def _estimate(self) -> Breakdown:
        """The offline policy's decision for this bill, journalled as the estimate."""
        saga = self.saga
        tx = self.transaction
        lines = tuple(bills.BillLine.from_json(line) for line in tx.bill or ())
        try:
            decision = saga.offline_decision(self.kind, lines)
        except OfflineRefused:
            saga.cancel(self.tx_id, "refused offline")
            raise
        estimate = decision.estimate or self_pay_breakdown(
            bills.split_with_catalogue(lines, saga.catalogue)
        )
        saga.journal.estimate(self.tx_id, estimate)
        self._due = decision.cash_due
        return estimate

    def _cancel_quietly(self, reason: str) -> None:
        """Cancel after a failure that is being raised: the failure is what the caller must
        see; a cancel that cannot finish now is left to recovery and logged."""
        try:
            self.saga.cancel(self.tx_id, reason)
        except Exception as err:  # the original error matters more than this one
            log.warning("cancel of %s left to recovery: %s", self.tx_id, type(err).__name__)


def _identity_of(person: IdentifiedPerson) -> PersonIdentity:
    return PersonIdentity(
        cert_type="01",
        certno=person.certno,
        name=person.name,
        psn_no=person.psn_no,
        insuplc_admdvs=person.insuplc_admdvs,
        extra={
            "mdtrt_cert_type": person.mdtrt_cert_type,
            "mdtrt_cert_no": person.mdtrt_cert_no,
            "card_sn": person.card_sn,
            "insutype": person.insutype,
            "psn_type": person.psn_type,
            "mulaid_psn_no": "",
            "use_account": "1",
            commercial.HELD: "1" if person.holds_commercial_plan else "0",
        },
    )
