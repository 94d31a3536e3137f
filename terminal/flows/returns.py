"""Returns of a completed sale, all or in part (the counter's returns), journalled like every
other step so that a crash at any instant resumes the same return.

The platform cancels only whole settlements (2208 for a visit, 2103 for a pharmacy sale), so a
return is:

    completed -> returning (the kept lines journalled)
      -> withdraw its commercial claim, if any (9803, journalled: commercial.py)
      -> cancel the settlement (2208 | 2103, journalled before and after)
      -> resell the kept lines, if any, as a new transaction whose self-pay part is taken
         out of the refund owed (the `offset` channel: no money moves for it)
      -> refund what was paid less what the resale took -> returned

When the resale cannot be settled (refused, or the platform is away) it is cancelled and the
whole sale is refunded: the kept lines are then unpaid and the cashier sells them again; the
outcome says so. A return is only possible once the platform holds the settlement: an offline
sale is returned after it was forwarded.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from kernel.errors import MedtermError
from kernel.money import ZERO, Money
from kernel.protocol import profile_of
from kernel.records import Transaction
from kernel.states import RETURNABLE, PaymentStatus, TxState
from terminal.central import inputs
from terminal.central.errors import PlatformError
from terminal.flows import commercial
from terminal.flows.bill import BillLine
from terminal.flows.checkout import CheckoutSaga, PaymentAttempt, SettlementPending
from terminal.flows.identify import Credential, CredentialKind
from terminal.payment import PaymentError, PaymentResult

log = logging.getLogger("terminal.returns")

RETURN_REASON = "returned"
OFFSET_CHANNEL = "offset"


class ReturnRefused(MedtermError):
    code = "E208"
    message_zh = "该笔交易不能退货"
    message_en = "this sale cannot be returned"
    action = (
        "Check the transaction number and what comes back; "
        "an offline sale can be returned once it was forwarded."
    )
    action_zh = "请核对交易号和退回的数量；离线交易须上传医保平台后才能退货。"


@dataclass(frozen=True)
class ReturnLine:
    """What comes back of one bill line: a count, and for traced drugs which codes."""

    feedetl_sn: str
    cnt: Decimal
    codes: tuple[str, ...] = ()  # the traceability codes of the units returned


@dataclass(frozen=True)
class ReturnOutcome:
    original: Transaction
    resale: Transaction | None  # the kept lines, settled again (None: a full return)
    refunded: Money  # given back to the patient through the channels they paid by
    kept_unpaid: bool  # the resale failed: the kept lines must be sold again


class Returns:
    """Starts and resumes returns for one terminal (recovery resumes `returning` ones)."""

    def __init__(self, saga: CheckoutSaga) -> None:
        self.saga = saga

    def start(self, tx_id: str, back: Sequence[ReturnLine] = ()) -> ReturnOutcome:
        """Return `back` of the sale (nothing given: all of it)."""
        journal = self.saga.journal
        tx = journal.get(tx_id)
        if tx.state not in RETURNABLE:
            raise ReturnRefused(f"{tx_id} is {tx.state.value}")
        if commercial.pending(journal, tx_id):
            raise ReturnRefused(f"{tx_id}: its commercial claim is not settled at the platform yet")
        kept = kept_lines(_bill_of(tx), back) if back else []
        journal.start_return(tx_id, [line.to_json() for line in kept])
        return self.resume(tx_id)

    def resume(self, tx_id: str) -> ReturnOutcome:
        """Carry a started return on from wherever it stopped."""
        journal = self.saga.journal
        tx = journal.get(tx_id)
        if tx.state is not TxState.RETURNING:
            raise ReturnRefused(f"{tx_id} is {tx.state.value}, not returning")
        self._cancel_settlement(tx)
        kept = tuple(BillLine.from_json(line) for line in tx.kept or ())
        resale = self._resell(tx, kept) if kept else None
        offset = ZERO if resale is None else _offset_taken(self.saga, resale.tx_id)
        refunded = self._refund(tx, offset, full=resale is None)
        done = journal.finish_return(tx_id, resale_tx_id=resale.tx_id if resale else "")
        return ReturnOutcome(done, resale, refunded, kept_unpaid=bool(kept) and resale is None)

    # -- the steps ---------------------------------------------------------------------------

    def _cancel_settlement(self, tx: Transaction) -> None:
        """2208/2103 of the sale's settlement, journalled; a repeat resolves the first."""
        saga = self.saga
        profile = profile_of(tx.kind)

        def cancel_input() -> Mapping[str, Any]:
            assert tx.identity is not None
            setl_id = (tx.actual or tx.estimated).setl_id  # type: ignore[union-attr]
            if profile.registers_visit:
                mdtrt_id = saga.visit_of(tx.tx_id)
                return inputs.cancel_settlement(setl_id, mdtrt_id, tx.identity.psn_no)
            return inputs.cancel_pharmacy_settlement(setl_id, tx.identity.psn_no)

        commercial.withdraw(saga, tx)
        prepared = saga.journalled_request(tx, profile.cancel_infno, cancel_input)
        saga.send_resolving(tx.tx_id, prepared)

    def _resell(self, original: Transaction, kept: tuple[BillLine, ...]) -> Transaction | None:
        """Settle the kept lines again for the same person; their self-pay part comes out of
        the refund. None when that cannot be done now (then everything is refunded)."""
        saga = self.saga
        note = resale_note(original.tx_id)
        latest = (saga.journal.transactions_noted(note) or [None])[-1]
        if latest is not None:  # a resumed return: carry its resale on, or start it afresh
            if latest.state is TxState.COMPLETED:
                return latest
            if latest.state in (TxState.COLLECTING, TxState.SETTLED):
                saga.settle_collected(latest.tx_id)
                return saga.journal.get(latest.tx_id)
            if latest.state in _CANCELLABLE_RESALE:
                saga.cancel(latest.tx_id, "resale interrupted")
        assert original.identity is not None
        extra = original.identity.extra
        session = saga.begin(original.kind, note=note)
        try:
            session.identify(Credential(CredentialKind.ID_NUMBER, original.identity.certno))
            if session.offline:
                raise SettlementPending("the platform is away: the resale cannot be settled")
            session.bill(kept)
            session.presettle(
                use_account=extra.get("use_account", "1") == "1",
                mulaid_psn_no=extra.get("mulaid_psn_no", ""),
                use_commercial=extra.get(commercial.USE, "1") == "1",
            )
            session.confirm()
            collect = OffsetCollector(saga)
            session.pay(collect)
            session.settle(collect)
            return session.complete().transaction
        except (MedtermError, PaymentError, PlatformError) as err:
            log.warning("resale of %s not settled: %s", original.tx_id, err.code)
            if session.state in _CANCELLABLE_RESALE:
                saga.cancel(session.tx_id, "resale not settled")
            return None

    def _refund(self, tx: Transaction, offset: Money, *, full: bool) -> Money:
        """Give back what the patient paid for the sale, less what the resale took."""
        saga = self.saga
        journal = saga.journal
        if full:
            before = journal.collected_total(tx.tx_id)
            saga.refund_all(tx.tx_id, RETURN_REASON)
            return before - journal.collected_total(tx.tx_id)
        owed = [a for a in journal.adjustments_of(tx.tx_id) if a.reason == RETURN_REASON]
        if not owed:
            amount = journal.collected_total(tx.tx_id) - offset
            if amount == ZERO:
                return ZERO
            owed = [journal.add_adjustment(tx.tx_id, amount, RETURN_REASON)]
        refunded = ZERO
        for adjustment in owed:
            if adjustment.amount > ZERO and not adjustment.settled:
                saga.refund_part(tx.tx_id, adjustment, RETURN_REASON, suffix="B")
            if journal.adjustment(adjustment.adj_id).settled or adjustment.amount < ZERO:
                refunded = refunded + max(adjustment.amount, ZERO)
        return refunded


class OffsetCollector:
    """Takes the resale's self-pay part out of the refund owed (see terminal/payment/offset)."""

    channel = OFFSET_CHANNEL

    def __init__(self, saga: CheckoutSaga) -> None:
        self._channel = saga.channels[OFFSET_CHANNEL]

    def __call__(self, order_no: str, amount: Money, attempt: PaymentAttempt) -> PaymentResult:
        return self._channel.collect(order_no, amount)  # type: ignore[attr-defined]


_CANCELLABLE_RESALE = frozenset(
    {TxState.CREATED, TxState.IDENTIFIED, TxState.BILLED, TxState.PRESETTLED, TxState.COLLECTING}
)


def resale_note(tx_id: str) -> str:
    return f"resale of {tx_id}"


def kept_lines(bill: Sequence[BillLine], back: Sequence[ReturnLine]) -> list[BillLine]:
    """The lines the patient keeps: each bill line less what comes back (with its codes)."""
    by_sn = {line.feedetl_sn: line for line in bill}
    returned: Counter[str] = Counter()
    codes_back: dict[str, set[str]] = {}
    for item in back:
        line = by_sn.get(item.feedetl_sn)
        if line is None:
            raise ReturnRefused(f"line {item.feedetl_sn} is not in this sale")
        if item.cnt <= 0 or (item.cnt != item.cnt.to_integral_value() and line.drug_trac_codg):
            raise ReturnRefused(f"line {item.feedetl_sn}: return a positive count")
        returned[item.feedetl_sn] += item.cnt  # type: ignore[assignment]
        if item.codes:
            unknown = set(item.codes) - set(line.drug_trac_codg)
            if unknown or len(item.codes) != item.cnt:
                raise ReturnRefused(
                    f"line {item.feedetl_sn}: name {item.cnt} of its traceability codes"
                )
            codes_back.setdefault(item.feedetl_sn, set()).update(item.codes)
    kept = []
    for line in bill:
        left = line.cnt - returned.get(line.feedetl_sn, 0)
        if left < 0:
            raise ReturnRefused(f"line {line.feedetl_sn}: more comes back than was sold")
        if left == 0:
            continue
        codes = line.drug_trac_codg
        if codes and returned.get(line.feedetl_sn):
            back_codes = codes_back.get(line.feedetl_sn) or set(codes[int(left) :])
            codes = tuple(c for c in codes if c not in back_codes)
        kept.append(replace(line, cnt=left, drug_trac_codg=codes))
    return kept


def _bill_of(tx: Transaction) -> tuple[BillLine, ...]:
    return tuple(BillLine.from_json(line) for line in tx.bill or ())


def _offset_taken(saga: CheckoutSaga, resale_tx_id: str) -> Money:
    total = ZERO
    for payment in saga.journal.payments_of(resale_tx_id):
        if payment.channel == OFFSET_CHANNEL and payment.status is PaymentStatus.COLLECTED:
            total = total + payment.amount
    return total
