"""The one-step mixed payment (offline.md): a journalled saga from credential to receipt.

Every step is written to the journal before its side effect and again after it, so a crash at
any instant leaves a record from which `recovery.py` resumes with this same code. Online:

    identify (1162/1101) -> bill -> [2201, 2204] -> pre-settle (2206 | 2101)
    -> collect the cash part -> settle (2207 | 2102) -> correct any difference -> complete

When the platform cannot be reached before money moves, the offline policy decides (refuse,
self-pay, provisional); the patient pays what it says, and the platform requests are queued for
the forwarder with placeholders for what only the platform can tell (`offline_chain.py`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from kernel.breakdown import Breakdown
from kernel.errors import MedtermError
from kernel.fees import CatalogueItem
from kernel.money import ZERO, Money
from kernel.protocol import UnknownOutcome
from kernel.records import Adjustment, PersonIdentity, Transaction
from kernel.states import PaymentStatus, RequestStatus, TxKind, TxState
from offline_store.journal import Journal
from offline_store.ownership import TransactionOwnership
from terminal.central import inputs
from terminal.central.client import PlatformClient, PreparedRequest
from terminal.central.envelope import INF_TIME_FORMAT, ParsedResponse
from terminal.central.errors import (
    AmbiguousOutcomeError,
    BusinessError,
    PlatformError,
    SignInRefused,
    TransportError,
)
from terminal.central.msgid import MsgidAllocator
from terminal.central.results import parse_result
from terminal.config import TerminalConfig
from terminal.flows import bill as bills
from terminal.flows.identify import (
    CERT_TYPES,
    Credential,
    CredentialKind,
    IdentifiedPerson,
    identify_online,
)
from terminal.flows.offline_chain import ref, self_pay_breakdown
from terminal.flows.offline_policy import (
    OfflineDecision,
    OfflineRefused,
    Outstanding,
    decide_offline,
)
from terminal.his import HisClient, HisError
from terminal.payment import PaymentChannel, PaymentError, PaymentResult
from terminal.policy.rules import PolicyBook

log = logging.getLogger("terminal.checkout")

MED_TYPES = {TxKind.OUTPATIENT: "11", TxKind.PHARMACY: "41"}
SETTLE_INFNOS = {TxKind.OUTPATIENT: "2207", TxKind.PHARMACY: "2102"}
PRESETTLE_INFNOS = {TxKind.OUTPATIENT: "2206", TxKind.PHARMACY: "2101"}
RESOLVE_ATTEMPTS = 3
DIFFERENCE_REASON = "settled split differs from the pre-settlement"


class Collector(Protocol):
    """How this checkout takes the self-pay part: one call per amount due, with the order
    number already journalled. Returns the PAID result or raises a PaymentError."""

    channel: str

    def __call__(self, order_no: str, amount: Money) -> PaymentResult: ...


class SettlementPending(MedtermError):
    code = "E203"
    message_zh = "结算结果待确认,您的付款已记录"
    message_en = "the settlement's outcome is not known yet; the payment is recorded"
    action = "Keep the receipt; the terminal confirms the settlement when the platform answers."


class SettlementRefused(MedtermError):
    code = "E204"
    message_zh = "医保结算未成功,已退回您的付款"
    message_en = "the platform refused the settlement; any payment was refunded"
    action = "Read the platform's reason; ask the cashier if it is unclear."


class NothingToPay(MedtermError):
    code = "E206"
    message_zh = "没有待缴费的项目"
    message_en = "there is nothing to pay"
    action = "Check with the doctor's desk that the orders were issued, then try again."


@dataclass(frozen=True)
class CheckoutRequest:
    kind: TxKind
    credential: Credential
    lines: tuple[bills.BillLine, ...] = ()  # empty: the person's unpaid HIS orders
    use_account: bool = True
    mulaid_psn_no: str = ""  # a family member whose account may cover a shortfall (共济)


@dataclass(frozen=True)
class CheckoutOutcome:
    transaction: Transaction
    breakdown: Breakdown  # the actual split online, the estimate offline
    collected: Money
    offline: bool


@dataclass
class CheckoutSaga:
    """Runs checkouts for one terminal; safe for one checkout at a time per instance."""

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

    # -- the saga ----------------------------------------------------------------------------

    def run(self, request: CheckoutRequest, collect: Collector) -> CheckoutOutcome:
        """One checkout; its transaction is owned by this run (`TransactionOwnership`) until
        it returns, so that no recovery elsewhere takes it over meanwhile."""
        ownership = TransactionOwnership(self.journal.database.path)
        with ownership.running(lambda: self.journal.create(request.kind)) as tx:
            return self._run(tx, request, collect)

    def _run(
        self, tx: Transaction, request: CheckoutRequest, collect: Collector
    ) -> CheckoutOutcome:
        try:
            person = self._identify(tx.tx_id, request)
        except (TransportError, AmbiguousOutcomeError) as err:
            return self._offline(tx.tx_id, request, collect, err)
        except BaseException:
            self.journal.cancel(tx.tx_id, "identification failed")
            raise
        try:
            request = replace(request, lines=self._lines_for(request, person.certno))
        except BaseException:
            self.journal.cancel(tx.tx_id, "nothing to bill")
            raise
        self.journal.bill(tx.tx_id, [line.to_json() for line in request.lines])
        try:
            presettled = self._presettle(tx.tx_id, request, person)
        except (TransportError, AmbiguousOutcomeError) as err:
            return self._offline(tx.tx_id, request, collect, err)
        except BaseException:
            self.journal.cancel(tx.tx_id, "pre-settlement failed")
            raise
        self.journal.collect(tx.tx_id)
        self._collect(tx.tx_id, presettled.psn_cash_pay, collect, cancel_on_fail=True)
        actual = self.settle_collected(tx.tx_id, collect)
        collected = self.journal.collected_total(tx.tx_id)
        return CheckoutOutcome(self.journal.get(tx.tx_id), actual, collected, offline=False)

    def settle_collected(self, tx_id: str, collect: Collector | None = None) -> Breakdown:
        """From `collecting` (money taken) to `completed`: send the settlement (or resolve the
        one already sent), correct any difference, mark the HIS orders paid. Recovery calls
        this too, without a collector: a shortfall then stays owed by the patient."""
        tx = self.journal.get(tx_id)
        settle_request = self._settlement_request(tx)
        response = self._send_resolving(tx_id, settle_request)
        actual = parse_result_output(settle_request.infno, response).breakdown
        if self.journal.get(tx_id).state is TxState.COLLECTING:
            self.journal.settle(tx_id, actual)
        self._correct_difference(tx_id, actual, collect)
        self._mark_his_paid(tx_id, actual.setl_id)
        self.journal.complete(tx_id)
        return actual

    # -- steps -------------------------------------------------------------------------------

    def _lines_for(self, request: CheckoutRequest, certno: str) -> tuple[bills.BillLine, ...]:
        """The bill: the lines given (a pharmacy sale), else the person's unpaid HIS orders."""
        lines = request.lines
        if not lines and self.his is not None:
            lines = bills.lines_from_orders(self.his.unpaid_orders(certno))
        if not lines:
            raise NothingToPay()
        return lines

    def _identify(self, tx_id: str, request: CheckoutRequest) -> IdentifiedPerson:
        person = identify_online(
            self.client, request.credential, kind=request.kind.value, now=self.clock()
        )
        identity = PersonIdentity(
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
                "mulaid_psn_no": request.mulaid_psn_no,
                "use_account": "1" if request.use_account else "0",
            },
        )
        self.journal.identify(tx_id, identity)
        return person

    def _presettle(
        self, tx_id: str, request: CheckoutRequest, person: IdentifiedPerson
    ) -> Breakdown:
        tx = self.journal.get(tx_id)
        region = person.insuplc_admdvs
        if request.kind is TxKind.OUTPATIENT:
            first = request.lines[0]
            registration = inputs.RegistrationRequest(
                psn_no=person.psn_no,
                insutype=person.insutype,
                begntime=_stamp(tx),
                mdtrt_cert_type=person.mdtrt_cert_type,
                mdtrt_cert_no=person.mdtrt_cert_no,
                ipt_otp_no=_batch_no(tx_id),
                atddr_no=first.dr_code,
                dr_name=first.dr_name,
                dept_code=first.dept_code,
                dept_name=first.dept_name,
                caty=first.dept_code,
            )
            visit = self._send_journalled(tx_id, "2201", inputs.register(registration), region)
            mdtrt_id = str(visit["data"]["mdtrt_id"])
            upload = inputs.upload_fees(_fee_lines(tx, mdtrt_id))
            self._send_journalled(tx_id, "2204", upload, region)
            pre_input = inputs.pre_settle(_settlement_fields(tx, mdtrt_id))
        else:
            pre_input = inputs.pharmacy_pre_settle(_settlement_fields(tx, ""), _fee_lines(tx, ""))
        infno = PRESETTLE_INFNOS[request.kind]
        prepared = self.client.prepare(infno, pre_input, insuplc_admdvs=region)
        presettled = parse_result(self.client.send(prepared))
        self.journal.presettle(tx_id, presettled)
        return presettled

    def _settlement_request(self, tx: Transaction) -> PreparedRequest:
        """The journalled settlement request of a transaction, or a new one (journalled now)."""
        infno = SETTLE_INFNOS[tx.kind]
        for journalled in reversed(self.journal.requests_of(tx.tx_id)):
            if journalled.infno == infno and journalled.status is not RequestStatus.FAILED:
                return PreparedRequest.from_json(json.dumps(journalled.body))
        assert tx.identity is not None and tx.estimated is not None and tx.bill is not None
        mdtrt_id = self._earlier_output(tx.tx_id, "2201", ("data", "mdtrt_id"), default="")
        settlement = _settlement_fields(tx, mdtrt_id)
        traces = bills.drug_traces(_lines_of(tx))
        mulaid = tx.identity.extra.get("mulaid_psn_no", "")
        if tx.kind is TxKind.OUTPATIENT:
            settle_input = inputs.settle(
                settlement, tx.estimated, mulaid_psn_no=mulaid, drug_trace=traces
            )
        else:
            settle_input = inputs.pharmacy_settle(
                settlement,
                _fee_lines(tx, ""),
                tx.estimated,
                mulaid_psn_no=mulaid,
                drug_trace=traces,
            )
        prepared = self.client.prepare(
            infno, settle_input, insuplc_admdvs=tx.identity.insuplc_admdvs
        )
        self.journal.prepare_request(tx.tx_id, infno, prepared.msgid, _body(prepared))
        return prepared

    def _collect(
        self, tx_id: str, amount: Money, collect: Collector, *, cancel_on_fail: bool
    ) -> Money:
        """Take `amount` through the collector, journalled before and after."""
        if amount <= ZERO:
            return ZERO
        order_no = f"MT{tx_id[:24]}{len(self.journal.payments_of(tx_id)) + 1:02d}"
        self.journal.add_payment(tx_id, collect.channel, order_no, amount)
        try:
            result = collect(order_no, amount)
        except PaymentError:
            self.resolve_payment(order_no, collect.channel)
            if cancel_on_fail and self.journal.payment(order_no).status is PaymentStatus.FAILED:
                self.refund_all(tx_id)
                self.journal.cancel(tx_id, "self-pay part not collected")
            raise
        self.journal.set_payment_status(order_no, PaymentStatus.COLLECTED)
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

    def refund_all(self, tx_id: str) -> None:
        for payment in self.journal.payments_of(tx_id):
            if payment.status is PaymentStatus.PENDING:
                self.resolve_payment(payment.order_no, payment.channel)
        for payment in self.journal.payments_of(tx_id):
            if payment.status is PaymentStatus.COLLECTED:
                self.channels[payment.channel].refund(
                    payment.order_no, f"{payment.order_no}R", payment.amount, "settlement refused"
                )
                self.journal.set_payment_status(payment.order_no, PaymentStatus.REFUNDED)

    def _correct_difference(self, tx_id: str, actual: Breakdown, collect: Collector | None) -> None:
        """The platform may settle another split than the pre-settlement (the person's state
        moved in between): the difference is refunded, or collected, before completion
        (offline.md). Journalled as an adjustment first, so a crash in between resumes here;
        what cannot be done now stays an open adjustment for the cashier."""
        owed = [a for a in self.journal.adjustments_of(tx_id) if a.reason == DIFFERENCE_REASON]
        if not owed:
            difference = self.journal.collected_total(tx_id) - actual.psn_cash_pay
            if not difference:
                return
            if difference < ZERO and collect is not None:
                try:
                    self._collect(tx_id, -difference, collect, cancel_on_fail=False)
                    return
                except PaymentError as err:
                    log.warning("shortfall of %s not collected: %s", tx_id, err.code)
                    difference = self.journal.collected_total(tx_id) - actual.psn_cash_pay
            owed = [self.journal.add_adjustment(tx_id, difference, DIFFERENCE_REASON)]
        for adjustment in owed:
            if not adjustment.settled and adjustment.amount > ZERO:
                self._refund_difference(tx_id, adjustment)

    def _refund_difference(self, tx_id: str, adjustment: Adjustment) -> None:
        """Give back an overpayment through the channel(s) it was paid by; each refund number
        is fixed, so a repeat after a crash refunds nothing twice."""
        left = adjustment.amount
        collected = [
            p for p in self.journal.payments_of(tx_id) if p.status is PaymentStatus.COLLECTED
        ]
        try:
            for payment in reversed(collected):
                part = min(left, payment.amount)
                if part > ZERO:
                    self.channels[payment.channel].refund(
                        payment.order_no, f"{payment.order_no}D", part, DIFFERENCE_REASON
                    )
                    left = left - part
        except PaymentError as err:
            log.warning("overpayment of %s not refunded now: %s", tx_id, err.code)
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

    # -- platform requests -------------------------------------------------------------------

    def _send_journalled(
        self, tx_id: str, infno: str, input_: Mapping[str, Any], region: str
    ) -> Mapping[str, Any]:
        """A request with a side effect: journalled before, its outcome after."""
        prepared = self.client.prepare(infno, input_, insuplc_admdvs=region)
        self.journal.prepare_request(tx_id, infno, prepared.msgid, _body(prepared))
        return self._send_resolving(tx_id, prepared)

    def _send_resolving(self, tx_id: str, prepared: PreparedRequest) -> Mapping[str, Any]:
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
                self.journal.mark_request(prepared.msgid, RequestStatus.FAILED, error=err.detail)
                if prepared.infno in SETTLE_INFNOS.values():
                    self.refund_all(tx_id)
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
        if prepared.infno not in ("2207", "2208", "2102", "2103"):
            return prepared
        psn_no = str(prepared.input.get("data", {}).get("psn_no", ""))
        self.client.reverse(prepared, psn_no)
        self.journal.mark_request(prepared.msgid, RequestStatus.FAILED, error="reversed (2601)")
        again = self.client.prepare(
            prepared.infno, prepared.input, insuplc_admdvs=prepared.insuplc_admdvs
        )
        self.journal.prepare_request(tx_id, again.infno, again.msgid, _body(again))
        return again

    def _earlier_output(self, tx_id: str, infno: str, path: Sequence[str], *, default: str) -> str:
        for journalled in self.journal.requests_of(tx_id):
            if journalled.infno == infno and journalled.status is RequestStatus.SUCCEEDED:
                value: Any = journalled.response or {}
                for key in path:
                    value = value.get(key, {}) if isinstance(value, Mapping) else {}
                return str(value) if value != {} else default
        return default

    # -- offline -----------------------------------------------------------------------------

    def _offline(
        self, tx_id: str, request: CheckoutRequest, collect: Collector, cause: PlatformError
    ) -> CheckoutOutcome:
        """The platform is unreachable before any money moved: the offline policy decides."""
        log.warning("checkout %s goes offline: %s", tx_id, cause.code)
        tx = self.journal.get(tx_id)
        try:
            certno = _offline_certno(request.credential)
            request = replace(request, lines=self._lines_for(request, certno))
            decision = self._offline_decision(request)
        except (OfflineRefused, NothingToPay, HisError):
            self.journal.cancel(tx_id, "refused offline")
            raise
        if tx.state is TxState.CREATED:
            self.journal.identify(
                tx_id,
                PersonIdentity(
                    cert_type="01",
                    certno=certno,
                    name=request.credential.name,
                    insuplc_admdvs=self.config.terminal.region,
                    extra={"offline": "1", "card_sn": request.credential.card_sn},
                ),
            )
            tx = self.journal.get(tx_id)
        if tx.state is TxState.IDENTIFIED:
            self.journal.bill(tx_id, [line.to_json() for line in request.lines])
        estimate = decision.estimate or self_pay_breakdown(
            bills.split_with_catalogue(request.lines, self.catalogue)
        )
        self.journal.estimate(tx_id, estimate)
        self.journal.collect(tx_id)
        collected = self._collect(tx_id, decision.cash_due, collect, cancel_on_fail=True)
        self.queue_offline_chain(tx_id)
        return CheckoutOutcome(self.journal.get(tx_id), estimate, collected, offline=True)

    def _offline_decision(self, request: CheckoutRequest) -> OfflineDecision:
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
            bills.split_with_catalogue(request.lines, self.catalogue),
            book=self.policies,
            insured_region=self.config.terminal.region,
            med_type=MED_TYPES[request.kind],
            institution_level=self.institution_level,
            treating_region=self.config.terminal.region,
            today=now.date(),
        )

    def queue_offline_chain(self, tx_id: str) -> None:
        """Queue the platform requests of a paid offline transaction, then complete it.
        Requests already queued (a crash in between) are not queued twice."""
        tx = self.journal.get(tx_id)
        queued = {r.infno for r in self.journal.requests_of(tx_id)}
        for body in self._offline_chain(tx):
            if body["infno"] not in queued:
                self.journal.prepare_request(
                    tx_id, body["infno"], body["msgid"], body, forward=True
                )
        if self.journal.get(tx_id).state is TxState.COLLECTING_OFFLINE:
            self.journal.complete(tx_id)

    def _offline_chain(self, tx: Transaction) -> list[dict[str, Any]]:
        """The requests the platform must receive for an offline transaction, in order; what
        only an earlier answer can tell is a placeholder (`ref`)."""
        assert tx.identity is not None and tx.bill is not None
        lines = _lines_of(tx)
        stamp = _stamp(tx)
        certno = tx.identity.certno
        cert = CERT_TYPES[CredentialKind.ID_NUMBER]
        psn_no, insutype = ref("1101", "baseinfo.psn_no"), ref("1101", "insuinfo.0.insutype")
        region = ref("1101", "insuinfo.0.insuplc_admdvs")
        chain = [
            (
                "1101",
                inputs.query_person(inputs.PersonQuery(cert, certno, stamp, certno=certno)),
                "",
            )
        ]
        settlement = inputs.SettlementRequest(
            psn_no="",
            mdtrt_cert_type=cert,
            mdtrt_cert_no=certno,
            med_type=MED_TYPES[tx.kind],
            medfee_sumamt=bills.total(lines),
            psn_setlway="01",
            mdtrt_id="",
            chrg_bchno="",
            acct_used_flag=False,
            insutype="",
        )
        chrg_bchno = _batch_no(tx.tx_id)
        if tx.kind is TxKind.OUTPATIENT:
            first = lines[0]
            registration = inputs.RegistrationRequest(
                psn_no="",
                insutype="",
                begntime=stamp,
                mdtrt_cert_type=cert,
                mdtrt_cert_no=certno,
                ipt_otp_no=chrg_bchno,
                atddr_no=first.dr_code,
                dr_name=first.dr_name,
                dept_code=first.dept_code,
                dept_name=first.dept_name,
                caty=first.dept_code,
            )
            mdtrt_id = ref("2201", "data.mdtrt_id")
            fee = bills.fee_lines(lines, mdtrt_id="", psn_no="", chrg_bchno=chrg_bchno, when=stamp)
            settlement = replace(settlement, chrg_bchno=chrg_bchno)
            pre = inputs.pre_settle(settlement)
            final = inputs.settle(
                settlement, _scope_placeholder(), drug_trace=bills.drug_traces(lines)
            )
            chain += [
                ("2201", _with(inputs.register(registration), psn_no, insutype), region),
                ("2204", _with(inputs.upload_fees(fee), psn_no, None, mdtrt_id), region),
                ("2206", _with(pre, psn_no, insutype, mdtrt_id), region),
                ("2207", _with(_scope_refs(final, "2206"), psn_no, insutype, mdtrt_id), region),
            ]
        else:
            fee = bills.fee_lines(lines, mdtrt_id="", psn_no="", chrg_bchno="", when=stamp)
            pre = inputs.pharmacy_pre_settle(settlement, fee)
            final = inputs.pharmacy_settle(
                settlement, fee, _scope_placeholder(), drug_trace=bills.drug_traces(lines)
            )
            chain += [
                ("2101", _with(pre, psn_no, insutype), region),
                ("2102", _with(_scope_refs(final, "2101"), psn_no, insutype), region),
            ]
        existing = {r.infno: r.msgid for r in self.journal.requests_of(tx.tx_id)}
        return [
            {
                "infno": infno,
                "msgid": existing.get(infno) or self.allocator.next(),
                "input": input_,
                "inf_time": stamp,
                "insuplc_admdvs": insuplc,
            }
            for infno, input_, insuplc in chain
        ]


def parse_result_output(infno: str, output: Mapping[str, Any]) -> Any:
    """The typed result of a journalled response's output (as `client.execute` gives)."""
    response = ParsedResponse(infno, "", 0, "", "", "", "", "", output)
    return parse_result(response)


def _lines_of(tx: Transaction) -> tuple[bills.BillLine, ...]:
    assert tx.bill is not None
    return tuple(bills.BillLine.from_json(line) for line in tx.bill)


def _stamp(tx: Transaction) -> str:
    """When the transaction happened, as the platform writes times (also when forwarded)."""
    return datetime.fromtimestamp(tx.created_at).strftime(INF_TIME_FORMAT)


def _fee_lines(tx: Transaction, mdtrt_id: str) -> list[inputs.FeeLine]:
    """The bill as fee details, under the transaction's charge batch."""
    assert tx.identity is not None
    return bills.fee_lines(
        _lines_of(tx),
        mdtrt_id=mdtrt_id,
        psn_no=tx.identity.psn_no,
        chrg_bchno=_charge_batch(tx),
        when=_stamp(tx),
    )


def _settlement_fields(tx: Transaction, mdtrt_id: str) -> inputs.SettlementRequest:
    """2206/2207 (2101/2102) fields from what the journal holds of the transaction, so the
    pre-settlement and the settlement (also one re-created by recovery) agree."""
    assert tx.identity is not None
    extra = tx.identity.extra
    return inputs.SettlementRequest(
        psn_no=tx.identity.psn_no,
        mdtrt_cert_type=extra["mdtrt_cert_type"],
        mdtrt_cert_no=extra["mdtrt_cert_no"],
        med_type=MED_TYPES[tx.kind],
        medfee_sumamt=bills.total(_lines_of(tx)),
        psn_setlway="01",
        mdtrt_id=mdtrt_id,
        chrg_bchno=_charge_batch(tx),
        acct_used_flag=extra.get("use_account") == "1",
        insutype=extra["insutype"],
    )


def _body(prepared: PreparedRequest) -> dict[str, Any]:
    return json.loads(prepared.to_json())


def _batch_no(tx_id: str) -> str:
    return f"B{tx_id[:20]}"


def _charge_batch(tx: Transaction) -> str:
    """The chrg_bchno of the fee details and the settlement: an outpatient visit's batch; a
    pharmacy sale uploads no fee batch, so it has none."""
    return _batch_no(tx.tx_id) if tx.kind is TxKind.OUTPATIENT else ""


def _offline_certno(credential: Credential) -> str:
    if credential.kind is CredentialKind.ID_NUMBER:
        return credential.value
    if credential.certno:
        return credential.certno
    raise OfflineRefused(
        f"a {credential.kind.value} credential cannot identify a person offline: "
        "use the social security card or the resident ID card"
    )


def _scope_placeholder() -> Breakdown:
    return self_pay_breakdown(bills.split_with_catalogue((), {}))


def _scope_refs(input_: dict[str, Any], presettle_infno: str) -> dict[str, Any]:
    """The settlement carries the pre-settlement's scope figures: the platform's, not ours."""
    data = dict(input_["data"])
    for name in ("fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt"):
        data[name] = ref(presettle_infno, f"setlinfo.{name}")
    return {**input_, "data": data}


def _with(
    input_: dict[str, Any],
    psn_no: dict[str, str],
    insutype: dict[str, str] | None,
    mdtrt_id: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Put placeholders where the platform's earlier answers go (`data` and fee details)."""
    out = json.loads(json.dumps(input_))
    targets = [out["data"]] if "data" in out else []
    targets += out.get("feedetail", [])
    for target in targets:
        if "psn_no" in target:
            target["psn_no"] = psn_no
        if insutype is not None and "insutype" in target:
            target["insutype"] = insutype
        if mdtrt_id is not None and "mdtrt_id" in target:
            target["mdtrt_id"] = mdtrt_id
    return out
