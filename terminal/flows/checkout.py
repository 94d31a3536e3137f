"""The one-step mixed payment (offline.md): a journalled saga from credential to receipt.

A checkout is driven step by step through a `CheckoutSession` (`session.py`): begin, identify,
bill, pre-settle, confirm, pay, settle, complete, or cancel before money moves. Every step is
written to the journal before its side effect and again after it, so a crash at any instant
leaves a record from which `recovery.py` resumes with this same code. Online:

    identify (1162/1101) -> bill -> [2201, 2204] -> pre-settle (2206 | 2101) [-> 9801]
    -> collect the cash part -> settle (2207 | 2102) [-> claim 9802] -> correct any
    difference -> complete

The bracketed steps are the commercial plan settled alongside (`commercial.py`): the patient
pays what is left after the fund, the accounts and the plan.

When the platform cannot be reached before money moves, the offline policy decides (refuse,
self-pay, provisional); the patient pays what it says, and the platform requests are queued for
the forwarder with placeholders for what only the platform can tell (`offline_requests.py`).

`CheckoutSaga` holds what every checkout of the terminal shares (journal, client, channels,
policies) and the steps that recovery also runs; `run` is the whole checkout as one script over
the session's steps, for the command line.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from kernel.breakdown import Breakdown
from kernel.errors import MedtermError
from kernel.events import PaymentProgress, PaymentStage
from kernel.fees import CatalogueItem
from kernel.money import ZERO, Money
from kernel.observers import Observers
from kernel.protocol import (
    FEE_CANCEL_INFNO,
    FEE_UPLOAD_INFNO,
    REGISTER_INFNO,
    REVERSIBLE_INFNOS,
    SETTLEMENT_INFNOS,
    UnknownOutcome,
    profile_of,
)
from kernel.records import Adjustment, Transaction
from kernel.states import CANCELLABLE, PaymentStatus, RequestStatus, TxKind, TxState
from offline_store.journal import Journal
from offline_store.ownership import TransactionOwnership
from terminal.central import inputs
from terminal.central.client import PlatformClient, PreparedRequest
from terminal.central.envelope import ParsedResponse
from terminal.central.errors import (
    BusinessError,
    PlatformError,
    SignInRefused,
    TransportError,
)
from terminal.central.msgid import MsgidAllocator
from terminal.central.results import Registration, parse_result
from terminal.config import TerminalConfig
from terminal.flows import bill as bills
from terminal.flows import checkout_fields as fields
from terminal.flows import commercial
from terminal.flows.identify import Credential
from terminal.flows.offline_policy import OfflineDecision, Outstanding, decide_offline
from terminal.flows.offline_requests import offline_chain
from terminal.his import HisClient, HisError
from terminal.payment import (
    PaymentCancelled,
    PaymentChannel,
    PaymentError,
    PaymentResult,
    PaymentTimeout,
)
from terminal.policy.rules import PolicyBook

if TYPE_CHECKING:
    from terminal.flows.session import CheckoutSession

log = logging.getLogger("terminal.checkout")

RESOLVE_ATTEMPTS = 3
DIFFERENCE_REASON = "settled split differs from the pre-settlement"


@dataclass(frozen=True)
class PaymentAttempt:
    """What a collector is given besides the amount: when to stop waiting (the patient
    cancelled, or the time is up) and where to report progress (QR shown, paid, expired)."""

    cancel: threading.Event = field(default_factory=threading.Event)
    timeout: float | None = None  # None: the channel's configured time to pay
    report: Callable[[PaymentProgress], None] = lambda progress: None


class Collector(Protocol):
    """How this checkout takes the self-pay part: one call per amount due, with the order
    number already journalled. Returns the PAID result or raises a PaymentError (among them
    PaymentCancelled and PaymentTimeout, after closing the order, when the attempt says so)."""

    channel: str

    def __call__(self, order_no: str, amount: Money, attempt: PaymentAttempt) -> PaymentResult: ...


class SettlementPending(MedtermError):
    code = "E203"
    message_zh = "结算结果待确认,您的付款已记录"
    message_en = "the settlement's outcome is not known yet; the payment is recorded"
    action = "Keep the receipt; the terminal confirms the settlement when the platform answers."
    action_zh = "请保留小票；医保平台答复后，终端会自动确认本次结算。"


class SettlementRefused(MedtermError):
    code = "E204"
    message_zh = "医保结算未成功,已退回您的付款"
    message_en = "the platform refused the settlement; any payment was refunded"
    action = "Read the platform's reason; ask the cashier if it is unclear."
    action_zh = "请阅读医保平台给出的原因；如有疑问，请咨询收费窗口。"


class NothingToPay(MedtermError):
    code = "E206"
    message_zh = "没有待缴费的项目"
    message_en = "there is nothing to pay"
    action = "Check with the doctor's desk that the orders were issued, then try again."
    action_zh = "请到医生诊室确认医嘱是否已开出，然后重试。"


class StepOutOfOrder(MedtermError):
    """A step called in a state that does not allow it: a program error of the caller (a
    screen that sent an event twice), never a patient's; the journal is unchanged."""

    code = "E207"
    message_zh = "操作顺序有误，本次操作未执行"
    message_en = "this step cannot be done now; nothing was changed"
    action = "Go back to the start screen and begin again; nothing was charged by this step."
    action_zh = "请回到首页重新开始；本步骤没有扣款。"


@dataclass(frozen=True)
class CheckoutRequest:
    kind: TxKind
    credential: Credential
    lines: tuple[bills.BillLine, ...] = ()  # empty: the person's unpaid HIS orders
    use_account: bool = True
    mulaid_psn_no: str = ""  # a family member whose account may cover a shortfall (共济)
    use_commercial: bool = True  # claim on the person's commercial plan, if they hold one


@dataclass(frozen=True)
class CheckoutOutcome:
    transaction: Transaction
    breakdown: Breakdown  # the actual split online, the estimate offline
    collected: Money
    offline: bool
    claim: commercial.ClaimStatus = commercial.NO_CLAIM


@dataclass
class CheckoutSaga:
    """What every checkout of one terminal shares, and the steps recovery runs too. Begin one
    checkout at a time per instance: a patient's steps run one after the other."""

    config: TerminalConfig
    journal: Journal
    client: PlatformClient
    allocator: MsgidAllocator
    channels: Mapping[str, PaymentChannel]
    policies: PolicyBook
    catalogue: Mapping[str, CatalogueItem]
    his: HisClient | None = None
    institution_level: str = "2"
    clock: Callable[[], datetime] = datetime.now
    # every self-pay order's progress, for the screens (QR shown, paid, expired)
    payments: Observers[PaymentProgress] = field(
        default_factory=lambda: Observers("payments"), repr=False
    )

    # -- driving a checkout ------------------------------------------------------------------

    def begin(self, kind: TxKind, *, note: str = "") -> CheckoutSession:
        """A new checkout, journalled at once: its transaction id is known from here on.
        `note` is plain text kept on the transaction (nothing personal)."""
        from terminal.flows.session import CheckoutSession  # the session builds on the saga

        owner = ExitStack()  # this process owns the transaction until the session ends
        ownership = TransactionOwnership(self.journal.database.path)
        tx = owner.enter_context(ownership.running(lambda: self.journal.create(kind, note=note)))
        return CheckoutSession(self, tx.tx_id, kind, owner=owner)

    def run(
        self, request: CheckoutRequest, collect: Collector, attempt: PaymentAttempt | None = None
    ) -> CheckoutOutcome:
        """The whole checkout in one call (the command line): the session's steps in order."""
        session = self.begin(request.kind)
        try:
            session.identify(request.credential)
            session.bill(request.lines)
            session.presettle(
                use_account=request.use_account,
                mulaid_psn_no=request.mulaid_psn_no,
                use_commercial=request.use_commercial,
            )
            session.confirm()
            session.pay(collect, attempt or PaymentAttempt())
            session.settle(collect)
            return session.complete()
        finally:
            session.release()

    # -- steps shared with recovery -----------------------------------------------------------

    def settle_collected(self, tx_id: str, collect: Collector | None = None) -> Breakdown:
        """From `collecting` (money taken) to `completed`: send the settlement (or resolve the
        one already sent), correct any difference, mark the HIS orders paid. Recovery calls
        this without a collector: a shortfall then stays owed by the patient."""
        actual = self.settle(tx_id, collect)
        self.finish(tx_id, actual.setl_id)
        return actual

    def settle(self, tx_id: str, collect: Collector | None) -> Breakdown:
        """Send the settlement (or resolve the one already sent), claim on the commercial
        plan (before the journal records the settlement: a resumed step claims the same
        claim), and correct any difference between what was collected and what is due."""
        settle_request = self.settlement_request(self.journal.get(tx_id))
        response = self.send_resolving(tx_id, settle_request)
        if self.journal.get(tx_id).state is TxState.COLLECTING:
            settled = parse_result_output(settle_request.infno, response).breakdown
            self.journal.settle(tx_id, commercial.claim(self, tx_id, settled))
        actual = self.journal.get(tx_id).actual
        assert actual is not None
        self._correct_difference(tx_id, actual, collect)
        return actual

    def finish(self, tx_id: str, setl_id: str) -> None:
        """Tell the HIS its orders are paid, then complete (the receipt may be printed)."""
        self._mark_his_paid(tx_id, setl_id)
        if self.journal.get(tx_id).state is TxState.SETTLED:
            self.journal.complete(tx_id)

    def collect_part(
        self,
        tx_id: str,
        amount: Money,
        collect: Collector,
        attempt: PaymentAttempt,
        *,
        cancel_on_fail: bool,
    ) -> Money:
        """Take `amount` through the collector, journalled before and after. When it is
        not taken and `cancel_on_fail`, the checkout is cancelled (money back, platform
        holdings undone) before the error goes on."""
        if amount <= ZERO:
            return ZERO
        order_no = f"MT{tx_id[:24]}{len(self.journal.payments_of(tx_id)) + 1:02d}"
        self.journal.add_payment(tx_id, collect.channel, order_no, amount)

        def report(stage: PaymentStage) -> None:
            progress = PaymentProgress(order_no, collect.channel, amount, stage)
            attempt.report(progress)
            self.payments.emit(progress)

        def forward(progress: PaymentProgress) -> None:  # a channel's own (QR shown, ...)
            attempt.report(progress)
            self.payments.emit(progress)

        report(PaymentStage.STARTED)
        try:
            result = collect(order_no, amount, replace(attempt, report=forward))
        except PaymentError as err:
            status = self.resolve_payment(order_no, collect.channel)
            if status is PaymentStatus.FAILED:
                report(_stage_of(err))
                if cancel_on_fail:
                    self.cancel(tx_id, "self-pay part not collected")
            raise
        self.journal.set_payment_status(order_no, PaymentStatus.COLLECTED)
        report(PaymentStage.PAID)
        return result.amount

    def resolve_payment(self, order_no: str, channel_name: str) -> PaymentStatus:
        """Ask the channel what became of a pending order (close it if still open)."""
        channel = self.channels[channel_name]
        result = channel.query(order_no)
        if not result.paid and result.state.value == "pending":
            result = channel.close(order_no)
        status = PaymentStatus.COLLECTED if result.paid else PaymentStatus.FAILED
        self.journal.set_payment_status(order_no, status)
        return status

    def refund_all(self, tx_id: str, reason: str = "settlement refused") -> None:
        """Resolve every pending payment, then refund every collected one in full."""
        for payment in self.journal.payments_of(tx_id):
            if payment.status is PaymentStatus.PENDING:
                self.resolve_payment(payment.order_no, payment.channel)
        for payment in self.journal.payments_of(tx_id):
            if payment.status is PaymentStatus.COLLECTED:
                self.channels[payment.channel].refund(
                    payment.order_no, f"{payment.order_no}R", payment.amount, reason
                )
                self.journal.set_payment_status(payment.order_no, PaymentStatus.REFUNDED)

    def cancel(self, tx_id: str, reason: str) -> Transaction:
        """Cancel a checkout before its settlement: money back, what the platform holds for it
        undone (fee details 2205, the visit 2202), then `cancelled` in the journal. An undo the
        platform cannot take now is queued for the forwarder, so it still reaches it."""
        tx = self.journal.get(tx_id)
        if tx.state not in CANCELLABLE:
            raise StepOutOfOrder(f"{tx_id} is {tx.state.value}: only a return can undo it now")
        self.refund_all(tx_id, reason)
        self._undo_at_platform(tx)
        return self.journal.cancel(tx_id, reason)

    def _undo_at_platform(self, tx: Transaction) -> None:
        succeeded = self.succeeded_outputs(tx.tx_id)
        if REGISTER_INFNO not in succeeded or tx.identity is None:
            return  # nothing is held at the platform before a visit is registered
        mdtrt_id = self.visit_of(tx.tx_id)
        psn_no, region = tx.identity.psn_no, tx.identity.insuplc_admdvs
        undo: list[tuple[str, dict[str, Any]]] = []
        if FEE_UPLOAD_INFNO in succeeded:
            batch = fields.charge_batch(tx)
            undo.append((FEE_CANCEL_INFNO, inputs.cancel_fees(mdtrt_id, batch, psn_no)))
        undo.append(
            ("2202", inputs.cancel_registration(mdtrt_id, fields.batch_no(tx.tx_id), psn_no))
        )
        for infno, input_ in undo:
            done = {r.infno for r in self.journal.requests_of(tx.tx_id)}
            if infno in done:
                continue  # a cancel resumed after a crash: already sent or queued
            prepared = self.client.prepare(infno, input_, insuplc_admdvs=region)
            self.journal.prepare_request(tx.tx_id, infno, prepared.msgid, fields.body(prepared))
            try:
                self.send_resolving(tx.tx_id, prepared)
            except (SettlementPending, PlatformError) as err:
                log.warning("undo %s of %s queued: %s", infno, tx.tx_id, err.code)
                self._queue_instead(tx.tx_id, prepared)

    def _queue_instead(self, tx_id: str, prepared: PreparedRequest) -> None:
        """Hand an undo the platform did not take to the forwarder under a new msgid (the
        journalled one is closed as failed: it reached the platform never or was refused)."""
        request = self.journal.request(prepared.msgid)
        if request.status in (RequestStatus.PREPARED, RequestStatus.UNKNOWN):
            self.journal.mark_request(prepared.msgid, RequestStatus.FAILED, error="queued")
        body = {**fields.body(prepared), "msgid": self.allocator.next()}
        self.journal.prepare_request(tx_id, prepared.infno, body["msgid"], body, forward=True)

    def _correct_difference(self, tx_id: str, actual: Breakdown, collect: Collector | None) -> None:
        """The platform may settle another split than the pre-settlement (the person's state
        moved in between): the difference is refunded, or collected, before completion
        (offline.md). Journalled as an adjustment first, so a crash in between resumes here;
        what cannot be done now stays an open adjustment for the cashier."""
        owed = [a for a in self.journal.adjustments_of(tx_id) if a.reason == DIFFERENCE_REASON]
        if not owed:
            difference = self.journal.collected_total(tx_id) - actual.cash_due
            if not difference:
                return
            if difference < ZERO and collect is not None:
                try:
                    self.collect_part(
                        tx_id, -difference, collect, PaymentAttempt(), cancel_on_fail=False
                    )
                    return
                except PaymentError as err:
                    log.warning("shortfall of %s not collected: %s", tx_id, err.code)
                    difference = self.journal.collected_total(tx_id) - actual.cash_due
            owed = [self.journal.add_adjustment(tx_id, difference, DIFFERENCE_REASON)]
        for adjustment in owed:
            if not adjustment.settled and adjustment.amount > ZERO:
                self.refund_part(tx_id, adjustment, DIFFERENCE_REASON, suffix="D")

    def refund_part(self, tx_id: str, adjustment: Adjustment, reason: str, *, suffix: str) -> None:
        """Give back an adjustment's amount through the channel(s) it was paid by, latest
        first; each refund number is fixed (order number + `suffix`), so a repeat after a
        crash refunds nothing twice. What fails now stays an open adjustment."""
        left = adjustment.amount
        collected = [
            p for p in self.journal.payments_of(tx_id) if p.status is PaymentStatus.COLLECTED
        ]
        try:
            for payment in reversed(collected):
                part = min(left, payment.amount)
                if part > ZERO:
                    self.channels[payment.channel].refund(
                        payment.order_no, f"{payment.order_no}{suffix}", part, reason
                    )
                    left = left - part
        except PaymentError as err:
            log.warning("refund of %s not made now: %s", tx_id, err.code)
            return
        self.journal.settle_adjustment(adjustment.adj_id)

    def _mark_his_paid(self, tx_id: str, setl_id: str) -> None:
        tx = self.journal.get(tx_id)
        rxnos = sorted({line["rxno"] for line in tx.bill or () if line.get("rxno")})
        if not rxnos or self.his is None:
            return
        try:
            self.his.mark_paid(rxnos, setl_id)
        except HisError as err:
            log.warning("HIS not told of settlement %s: %s", setl_id, err.code)

    # -- offline -----------------------------------------------------------------------------

    def offline_decision(self, kind: TxKind, lines: Sequence[bills.BillLine]) -> OfflineDecision:
        """What the offline policy allows for this bill now, given what is not forwarded yet."""
        exposure = self.journal.offline_exposure()
        now = self.clock()
        oldest = exposure.oldest_created_at
        outstanding = Outstanding(
            count=exposure.count,
            fund_amount=exposure.fund_total,
            oldest_age=None if oldest is None else now - datetime.fromtimestamp(oldest),
        )
        return decide_offline(
            self.config.offline.mode,
            self.config.offline.limits,
            outstanding,
            bills.split_with_catalogue(lines, self.catalogue),
            book=self.policies,
            insured_region=self.config.terminal.region,
            med_type=profile_of(kind).med_type,
            institution_level=self.institution_level,
            treating_region=self.config.terminal.region,
            today=now.date(),
        )

    def queue_offline_chain(self, tx_id: str) -> None:
        """Queue the platform requests of a paid offline transaction, then complete it."""
        self.queue_offline_requests(tx_id)
        if self.journal.get(tx_id).state is TxState.COLLECTING_OFFLINE:
            self.journal.complete(tx_id)

    def queue_offline_requests(self, tx_id: str) -> None:
        """Queue what the platform must receive for an offline transaction. Requests already
        queued (a crash in between) are not queued twice."""
        tx = self.journal.get(tx_id)
        journalled = {r.infno: r.msgid for r in self.journal.requests_of(tx_id)}
        for body in offline_chain(tx, self.allocator.next, journalled):
            if body["infno"] not in journalled:
                self.journal.prepare_request(
                    tx_id, body["infno"], body["msgid"], body, forward=True
                )

    # -- platform requests -------------------------------------------------------------------

    def presettle_online(
        self, tx_id: str, *, use_account: bool, mulaid_psn_no: str, use_commercial: bool = True
    ) -> Breakdown:
        """Register the visit and upload its fee details when the kind needs them (once, even
        when the person pre-settles again), then the pre-settlement and what the person's
        commercial plan would pay of it, journalled with the person's choices."""
        tx = self.journal.get(tx_id)
        assert tx.identity is not None
        profile = profile_of(tx.kind)
        extra = {
            **tx.identity.extra,
            "use_account": "1" if use_account else "0",
            "mulaid_psn_no": mulaid_psn_no,
        }
        identity = replace(tx.identity, extra=extra)
        tx = replace(tx, identity=identity)
        region = identity.insuplc_admdvs
        mdtrt_id = ""
        if profile.registers_visit:
            mdtrt_id = self.visit_of(tx_id)
            if not mdtrt_id:
                registration = inputs.register(fields.registration(tx, profile))
                visit = self.send_journalled(tx_id, REGISTER_INFNO, registration, region)
                mdtrt_id = parse_result_output(REGISTER_INFNO, visit).mdtrt_id
            if FEE_UPLOAD_INFNO not in self.succeeded_outputs(tx_id):
                upload = inputs.upload_fees(fields.fee_lines(tx, mdtrt_id))
                self.send_journalled(tx_id, FEE_UPLOAD_INFNO, upload, region)
            pre_input = inputs.pre_settle(
                fields.settlement_fields(tx, mdtrt_id), mulaid_psn_no=mulaid_psn_no
            )
        else:
            settlement = fields.settlement_fields(tx, "")
            pre_input = inputs.pharmacy_pre_settle(
                settlement, fields.fee_lines(tx, ""), mulaid_psn_no=mulaid_psn_no
            )
        prepared = self.client.prepare(profile.presettle_infno, pre_input, insuplc_admdvs=region)
        presettled: Breakdown = parse_result(self.client.send(prepared))
        presettled, identity = commercial.estimate(
            self.client, identity, presettled, use=use_commercial
        )
        self.journal.presettle(tx_id, presettled, identity=identity)
        return presettled

    def settlement_request(self, tx: Transaction) -> PreparedRequest:
        """The journalled settlement request of a transaction, or a new one (journalled now)."""
        profile = profile_of(tx.kind)

        def settle_input() -> Mapping[str, Any]:
            assert tx.identity is not None and tx.estimated is not None and tx.bill is not None
            settlement = fields.settlement_fields(tx, self.visit_of(tx.tx_id))
            traces = bills.drug_traces(fields.lines_of(tx))
            mulaid = tx.identity.extra.get("mulaid_psn_no", "")
            if profile.registers_visit:
                return inputs.settle(
                    settlement, tx.estimated, mulaid_psn_no=mulaid, drug_trace=traces
                )
            return inputs.pharmacy_settle(
                settlement,
                fields.fee_lines(tx, ""),
                tx.estimated,
                mulaid_psn_no=mulaid,
                drug_trace=traces,
            )

        return self.journalled_request(tx, profile.settle_infno, settle_input)

    def journalled_request(
        self, tx: Transaction, infno: str, build: Callable[[], Mapping[str, Any]]
    ) -> PreparedRequest:
        """The transaction's journalled request of `infno` that may still count (not failed),
        so a resumed step re-sends the same msgid; else `build()` prepared and journalled."""
        for journalled in reversed(self.journal.requests_of(tx.tx_id)):
            if journalled.infno == infno and journalled.status is not RequestStatus.FAILED:
                return PreparedRequest.from_json(json.dumps(journalled.body))
        assert tx.identity is not None
        prepared = self.client.prepare(infno, build(), insuplc_admdvs=tx.identity.insuplc_admdvs)
        body = fields.body(prepared)
        self.journal.prepare_request(tx.tx_id, prepared.infno, prepared.msgid, body)
        return prepared

    def send_journalled(
        self, tx_id: str, infno: str, input_: Mapping[str, Any], region: str
    ) -> Mapping[str, Any]:
        """A request with a side effect: journalled before, its outcome after."""
        prepared = self.client.prepare(infno, input_, insuplc_admdvs=region)
        self.journal.prepare_request(tx_id, infno, prepared.msgid, fields.body(prepared))
        return self.send_resolving(tx_id, prepared)

    def send_resolving(self, tx_id: str, prepared: PreparedRequest) -> Mapping[str, Any]:
        """Send a journalled request; an unknown outcome is resolved (same msgid again, or
        2601 then a new msgid) before anything else happens to this transaction."""
        journalled = self.journal.request(prepared.msgid)
        if journalled.status is RequestStatus.SUCCEEDED:
            return journalled.response or {}
        if journalled.status is RequestStatus.SENT:
            # the terminal died while this request was in flight: its outcome is unknown
            self.journal.mark_request(
                prepared.msgid, RequestStatus.UNKNOWN, error="interrupted in flight"
            )
            prepared = self._after_unknown(tx_id, prepared)
        for attempt in range(RESOLVE_ATTEMPTS):
            self.journal.mark_request(prepared.msgid, RequestStatus.SENT)
            try:
                response = self.client.send(prepared)
            except TransportError as err:
                self.journal.mark_request(prepared.msgid, RequestStatus.PREPARED, error=err.code)
                if attempt + 1 == RESOLVE_ATTEMPTS:
                    raise SettlementPending(f"{prepared.infno} not sent: {err.code}") from err
                continue
            except SignInRefused as err:  # not sent, and not refused: selling stops (selling.py)
                self.journal.mark_request(prepared.msgid, RequestStatus.PREPARED, error=err.code)
                raise
            except BusinessError as err:
                # the platform's reason is kept encrypted with the request (it may name the
                # patient), for the screen and the receipt (a refused commercial claim)
                reason = {"err_msg": err.platform_message}
                self.journal.mark_request(
                    prepared.msgid, RequestStatus.FAILED, error=err.detail, response=reason
                )
                if prepared.infno in SETTLEMENT_INFNOS:
                    self.refund_all(tx_id)
                    self._undo_at_platform(self.journal.get(tx_id))
                    self.journal.cancel(tx_id, "platform refused the settlement")
                    raise SettlementRefused(err.detail) from err
                raise
            except PlatformError as err:
                self.journal.mark_request(prepared.msgid, RequestStatus.UNKNOWN, error=err.code)
                if attempt + 1 == RESOLVE_ATTEMPTS:
                    raise SettlementPending(f"{prepared.infno}: {err.code}") from err
                prepared = self._after_unknown(tx_id, prepared)
                continue
            output = dict(response.output)
            self.journal.mark_request(prepared.msgid, RequestStatus.SUCCEEDED, response=output)
            return output
        raise AssertionError("unreachable")

    def _after_unknown(self, tx_id: str, prepared: PreparedRequest) -> PreparedRequest:
        """The request to try next after an unknown outcome, per `platform.unknown_outcome`."""
        if self.config.platform.unknown_outcome is UnknownOutcome.RETRY_SAME_MSGID:
            return prepared
        if prepared.infno not in REVERSIBLE_INFNOS:
            return prepared
        psn_no = str(prepared.input.get("data", {}).get("psn_no", ""))
        self.client.reverse(prepared, psn_no)
        self.journal.mark_request(prepared.msgid, RequestStatus.FAILED, error="reversed (2601)")
        again = self.client.prepare(
            prepared.infno, prepared.input, insuplc_admdvs=prepared.insuplc_admdvs
        )
        self.journal.prepare_request(tx_id, again.infno, again.msgid, fields.body(again))
        return again

    def visit_of(self, tx_id: str) -> str:
        """The `mdtrt_id` of the visit the transaction registered (2201), or "" if none."""
        output = self.succeeded_outputs(tx_id).get(REGISTER_INFNO)
        if output is None:
            return ""
        registration: Registration = parse_result_output(REGISTER_INFNO, output)
        return registration.mdtrt_id

    def succeeded_outputs(self, tx_id: str) -> dict[str, Mapping[str, Any]]:
        """The outputs of the transaction's succeeded requests, by infno (the latest wins)."""
        return {
            r.infno: r.response or {}
            for r in self.journal.requests_of(tx_id)
            if r.status is RequestStatus.SUCCEEDED
        }


def _stage_of(err: PaymentError) -> PaymentStage:
    if isinstance(err, PaymentTimeout):
        return PaymentStage.EXPIRED
    if isinstance(err, PaymentCancelled):
        return PaymentStage.CANCELLED
    return PaymentStage.FAILED


def parse_result_output(infno: str, output: Mapping[str, Any]) -> Any:
    """The typed result of a journalled response's output (as `client.execute` gives)."""
    response = ParsedResponse(infno, "", 0, "", "", "", "", "", output)
    return parse_result(response)
