"""The kiosk's services beside paying, on the terminal's real parts: registering for a visit
(the HIS), today's payments of the identified person and a receipt printed again as a copy
(the journal and the printer), the person's e-prescriptions (the prescription centre) and drug
prices at pharmacies (the price service).

Qt-free and blocking: the journey runs every call on its runner (the bridge's workers in the
kiosk). The patient is named by the journal's transaction of their session (`tx_id`): the ID
number is read from the encrypted journal here and never travels through the screens' view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from typing import Protocol, TypeVar

from drivers.printer.errors import PaperOutError, PrinterError
from drivers.printer.receipt import Receipt
from kernel.errors import MedtermError
from kernel.money import ZERO, Money, money_sum
from kernel.records import Transaction
from kernel.states import TxState
from offline_store.journal import Journal
from offline_store.plans import PlanPurchases
from terminal.central.client import PlatformClient
from terminal.central.errors import BusinessError
from terminal.central.results import PlanOffer, PlanPurchase
from terminal.flows import commercial
from terminal.flows.bill import BillLine
from terminal.flows.plans import PlanPurchasePending, PlanPurchaseRefused, buy_plan, plan_offers
from terminal.flows.receipts import copy_of
from terminal.his import Department, HisClient, HisOrder, RegistrationFull
from terminal.rx.client import RxClient
from terminal.rx.errors import PriceQueryInvalid
from terminal.rx.prices import Offer, PriceAnswer, PriceClient, parse_query
from terminal.rx.records import RxSummary

log = logging.getLogger("terminal.kiosk_services")

# the states of a payment that has a receipt: settled online, or completed offline
RECEIPTED = (TxState.COMPLETED, TxState.COMPLETED_OFFLINE, TxState.FORWARDED, TxState.RECONCILED)
OFFERS_PER_DRUG = 5
T = TypeVar("T")


class ServiceUnavailable(MedtermError):
    code = "E921"
    message_zh = "本机未提供此项服务"
    message_en = "this kiosk does not offer this service"
    action = "Configure the service's address or keys in terminal.toml (docs/kiosk.md)."
    action_zh = "请在 terminal.toml 中配置该服务的地址或密钥(见 docs/kiosk.md)。"


class NotThisPersons(MedtermError):
    """A reprint asked for a transaction that is not one of today's of this person: the
    screen only offers those, so this is a stale or forged request, refused."""

    code = "E922"
    message_zh = "只能补打本人当日的缴费凭证"
    message_en = "only this person's receipts of today can be printed again"
    action = "Choose a payment from the list on the screen."
    action_zh = "请从屏幕上的列表中选择一笔缴费。"


@dataclass(frozen=True)
class PaidToday:
    """One of today's settled payments of the person, as the list shows it."""

    tx_id: str
    finished_at: float
    items: tuple[str, ...]  # the lines' names
    total: Money
    self_pay: Money  # what the person paid themselves (account and cash; not the plan's share)
    setl_id: str


@dataclass(frozen=True)
class DrugOffers:
    name: str
    offers: tuple[Offer, ...]  # cheapest first


@dataclass(frozen=True)
class MyPrescription:
    summary: RxSummary
    drugs: tuple[DrugOffers, ...]


class PlanOutcome(StrEnum):
    BOUGHT = "bought"
    REFUSED = "refused"  # the platform said no (its reason shown); nothing was taken
    PENDING = "pending"  # no answer: recorded, finished by asking again, never taken twice


@dataclass(frozen=True)
class PlanResult:
    """What became of a plan purchase at the kiosk, for its result screen."""

    outcome: PlanOutcome
    bought: PlanPurchase | None = None
    reason: str = ""  # the platform's words, when it refused


class Notice(StrEnum):
    """A service's problem as its screen words it (the view carries the kind, the page the
    words in the patient's language)."""

    UNAVAILABLE = "unavailable"  # not configured here, or its system cannot be reached
    QUERY_INVALID = "query_invalid"  # a price query that is not a name, initials or barcode
    FULL = "full"  # no numbers left with this doctor in this session
    PAPER_OUT = "paper_out"
    PRINTER = "printer"  # the copy was not printed


def notice_of(error: Exception) -> str:
    """The notice a service's failure is shown as."""
    if isinstance(error, PriceQueryInvalid):
        return Notice.QUERY_INVALID
    if isinstance(error, RegistrationFull):
        return Notice.FULL
    if isinstance(error, PaperOutError):
        return Notice.PAPER_OUT
    if isinstance(error, PrinterError):
        return Notice.PRINTER
    return Notice.UNAVAILABLE


class Services(Protocol):
    """What the journey asks of the services (KioskServices; a fake in its unit tests)."""

    @property
    def has_registration(self) -> bool: ...
    @property
    def has_prescriptions(self) -> bool: ...
    @property
    def has_plans(self) -> bool: ...

    def departments(self) -> list[Department]: ...
    def register(self, tx_id: str, dr_code: str, period: str) -> HisOrder: ...
    def paid_today(self, tx_id: str) -> list[PaidToday]: ...
    def reprint(self, tx_id: str, of_tx_id: str) -> None: ...
    def prescriptions(self, tx_id: str) -> list[MyPrescription]: ...
    def prices(self, text: str) -> PriceAnswer: ...
    def plan_offers(self, tx_id: str) -> tuple[tuple[PlanOffer, ...], Money]: ...
    def buy_plan(self, tx_id: str, plan_code: str, *, consent: bool) -> PlanResult: ...


class KioskServices:
    """The services on one terminal's journal, HIS, prescription centre, price service and
    receipt printer (each None where the kiosk has none)."""

    def __init__(
        self,
        journal: Journal,
        *,
        his: HisClient | None,
        rx: RxClient | None,
        prices: PriceClient | None,
        print_receipt: Callable[[Receipt], None] | None,
        client: PlatformClient | None = None,
        institution: str,
        terminal_id: str,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self._journal = journal
        self._his = his
        self._rx = rx
        self._prices = prices
        self._print = print_receipt
        self._client = client
        self._institution = institution
        self._terminal_id = terminal_id
        self._now = now

    @property
    def has_registration(self) -> bool:
        return self._his is not None

    @property
    def has_prescriptions(self) -> bool:
        return self._rx is not None

    @property
    def has_plans(self) -> bool:
        return self._client is not None

    # ---- registration --------------------------------------------------------------------

    def departments(self) -> list[Department]:
        return self._need(self._his).departments()

    def register(self, tx_id: str, dr_code: str, period: str) -> HisOrder:
        """Take the number: the unpaid registration order, which the session then bills."""
        return self._need(self._his).register(self._certno(tx_id), dr_code, period)

    # ---- today's payments and the copy -----------------------------------------------------

    def paid_today(self, tx_id: str) -> list[PaidToday]:
        return [_paid(tx) for tx in self._today(tx_id)]

    def reprint(self, tx_id: str, of_tx_id: str) -> None:
        """Print `of_tx_id`'s receipt again, marked as a copy, and audit it; only one of
        today's payments of the person of session `tx_id`."""
        printer = self._need(self._print)
        found = next((tx for tx in self._today(tx_id) if tx.tx_id == of_tx_id), None)
        if found is None:
            raise NotThisPersons(of_tx_id[:40])
        paid = [p for p in self._journal.payments_of(of_tx_id) if p.amount > ZERO]
        channel = paid[-1].channel if paid else None
        claim = commercial.status(self._journal, of_tx_id)
        receipt = copy_of(found, claim, channel, self._institution, self._now())
        # audited before the paper: a copy that was asked for is on record even if the
        # printer then fails (the screen says so, and the patient may ask again)
        self._journal.record_reprint(of_tx_id, by_tx_id=tx_id, terminal_id=self._terminal_id)
        printer(receipt)

    def _today(self, tx_id: str) -> list[Transaction]:
        person_key = self._journal.get(tx_id).person_key
        if person_key is None:
            return []
        midnight = datetime.combine(self._now().date(), time()).timestamp()
        return self._journal.finished_for_person(person_key, midnight, RECEIPTED)

    # ---- prescriptions and prices ---------------------------------------------------------

    def prescriptions(self, tx_id: str) -> list[MyPrescription]:
        """The person's prescriptions at the centre, newest first, each drug with the
        pharmacies that have it, cheapest first."""
        listed = self._need(self._rx).list_for_person(self._certno(tx_id))
        offers: dict[str, DrugOffers] = {}
        for summary in listed:
            for name in summary.drug_names:
                if name not in offers:
                    offers[name] = DrugOffers(name, self._offers_of(name))
        return [
            MyPrescription(s, tuple(offers[name] for name in s.drug_names)) for s in listed
        ]

    def prices(self, text: str) -> PriceAnswer:
        parse_query(text)  # garbage is refused here, before anything is sent
        return self._need(self._prices).query(text)

    def _offers_of(self, name: str) -> tuple[Offer, ...]:
        """The cheapest offers of a drug by its name; none for a name the price service's
        grammar cannot ask about (the prescription still shows)."""
        try:
            answer = self.prices(name)
        except PriceQueryInvalid:
            log.info("no price query for a prescribed drug's name")
            return ()
        return answer.offers[:OFFERS_PER_DRUG]

    # ---- the city plan (docs/commercial.md) -----------------------------------------------

    def plan_offers(self, tx_id: str) -> tuple[tuple[PlanOffer, ...], Money]:
        """The plans the person of session `tx_id` may buy or renew now, and their account's
        balance (which pays the premium); none offline (nobody to ask)."""
        identity = self._journal.get(tx_id).identity
        if identity is None or not identity.psn_no:
            return (), ZERO
        found = plan_offers(self._need(self._client), identity.psn_no, identity.insuplc_admdvs)
        return found.offers, found.balc

    def buy_plan(self, tx_id: str, plan_code: str, *, consent: bool) -> PlanResult:
        """Buy or renew `plan_code` with the person's account: `medterm plan buy`'s own
        function (journalled, refused without consent, an interrupted one finished)."""
        try:
            bought = buy_plan(
                self._need(self._client), PlanPurchases(self._journal), self._certno(tx_id),
                plan_code, consent=consent, now=self._now(),
            )
        except PlanPurchaseRefused as err:
            cause = err.__cause__
            reason = cause.platform_message if isinstance(cause, BusinessError) else ""
            return PlanResult(PlanOutcome.REFUSED, reason=reason)
        except PlanPurchasePending:
            return PlanResult(PlanOutcome.PENDING)
        return PlanResult(PlanOutcome.BOUGHT, bought=bought)

    # ---- helpers ----------------------------------------------------------------------

    def _certno(self, tx_id: str) -> str:
        identity = self._journal.get(tx_id).identity
        if identity is None:
            raise ServiceUnavailable("the session has no identified person")
        return identity.certno

    @staticmethod
    def _need(part: T | None) -> T:
        if part is None:
            raise ServiceUnavailable()
        return part


def _paid(tx: Transaction) -> PaidToday:
    lines: Sequence[BillLine] = [BillLine.from_json(line) for line in tx.bill or ()]
    breakdown = tx.actual or tx.estimated
    self_pay = ZERO if breakdown is None else breakdown.cash_due + breakdown.acct_pay
    return PaidToday(
        tx_id=tx.tx_id,
        finished_at=tx.finished_at or tx.updated_at,
        items=tuple(line.name for line in lines),
        total=money_sum(line.amount for line in lines),
        self_pay=self_pay,
        setl_id=breakdown.setl_id if breakdown is not None else "",
    )
