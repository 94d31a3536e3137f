"""The patient's journey at a kiosk, as a state machine with no Qt in it.

The screens only render `Journey.view` and send events (`Journey.send`); every rule of what
follows what lives here, in `TRANSITIONS`, and runs and is tested without a QApplication. The
model is Electrum's wizard navmap: a table from (step, event) to the next step; entering a step
may start blocking work (identify, pre-settle, pay, settle), which goes through the injected
`Runner` (the Qt bridge in the kiosk, a synchronous runner in the unit tests) and comes back as
an event.

Time is the caller's: `tick(now)` (monotonic seconds) fires the step's deadline. Every step a
patient can walk away from has the idle timeout (default 90 s); it leads to "still there?"
with its own 10 s, and then back to the start with the previous patient's data dropped
(`view` is replaced by an empty one). Payment and settlement steps have no idle timeout: the
patient's money is moving, and their own timeouts (the payment's, the bridge's) decide.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Protocol

from drivers.camera.errors import (
    CameraFrameTimeoutError,
    CameraNoHardwareError,
    CameraSourceError,
)
from drivers.face.errors import FaceError
from drivers.printer.errors import PaperOutError
from drivers.smartcard.errors import CardRemovedError, PinBlockedError, PinRequiredError
from drivers.smartcard.errors import WrongPinError as CardWrongPin
from kernel.breakdown import Breakdown
from kernel.errors import ConfigError, MedtermError
from kernel.events import PaymentProgress, PaymentStage
from kernel.money import ZERO, Money
from kernel.states import TxKind
from terminal.central.results import MutualAidMember, PlanOffer
from terminal.flows.bill import BillLine, lines_from_orders
from terminal.flows.checkout import (
    CheckoutOutcome,
    Collector,
    PaymentAttempt,
    SettlementPending,
    SettlementRefused,
)
from terminal.flows.commercial import NO_CLAIM, ClaimStatus
from terminal.flows.identify import Credential, CredentialKind, IdentifiedPerson
from terminal.flows.journey_face import STAFF_REASONS, FaceCheck, FacePort, StaffPins
from terminal.flows.kiosk_services import (
    MyPrescription,
    PaidToday,
    PlanResult,
    Services,
    notice_of,
)
from terminal.his import Department, HisOrder
from terminal.payment.errors import (
    InvalidPaymentCode,
    PaymentCancelled,
    PaymentDeclined,
    PaymentTimeout,
)

log = logging.getLogger("terminal.journey")

# --------------------------------------------------------------------------- the ports


class CheckoutSession(Protocol):
    """One patient's steppable checkout: `terminal.flows.session.CheckoutSession`."""

    tx_id: str

    @property
    def offline(self) -> bool: ...

    def identify(self, credential: Credential) -> IdentifiedPerson | None: ...
    def unpaid_orders(self) -> list[HisOrder]: ...
    def bill(self, lines: Sequence[BillLine] = ()) -> tuple[BillLine, ...]: ...
    def presettle(
        self, *, use_account: bool = True, mulaid_psn_no: str = "", use_commercial: bool = True
    ) -> Breakdown: ...
    def confirm(self) -> Money: ...
    def pay(
        self, collect: Collector, attempt: PaymentAttempt | None = None, *,
        cancel_on_fail: bool = True,
    ) -> Money: ...
    def settle(self, collect: Collector | None = None) -> Breakdown: ...
    def complete(self) -> CheckoutOutcome: ...
    def cancel(self, reason: str = ...) -> Any: ...


class CheckoutPort(Protocol):
    """`terminal.flows.checkout.CheckoutSaga` (its `begin`)."""

    def begin(self, kind: TxKind) -> CheckoutSession: ...


class CardPort(Protocol):
    """The card reader as the journey needs it: the card in the slot as a credential
    (`terminal.flows.journey_devices.CardCredentials` over the PC/SC driver); a card that
    needs its PIN raises `PinRequiredError` carrying the tries it has left."""

    def read_credential(self, pin: str | None) -> Credential: ...


class PayMethod(StrEnum):
    QR = "qr"  # the patient scans the terminal's code with a phone
    PAYMENT_CODE = "paycode"  # the patient shows their 付款码 to the scanner
    CREDIT = "credit"  # 信用就医


# make_collector(method, token) -> Collector: `token` is the payment code the scanner read
# (paycode), the platform's psn_no of the person (credit, an opaque reference), or "" (QR).
CollectorFactory = Callable[[PayMethod, str], Collector]


class Handle(Protocol):
    def cancel(self) -> None: ...


class Runner(Protocol):
    """Where the blocking work runs and how its answer comes back (ui.bridge in the kiosk)."""

    def run(
        self,
        fn: Callable[[], Any],
        *,
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        timeout: float,
        waiting_for: str,
        cancel_event: threading.Event | None = None,
    ) -> Handle: ...

    def post(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the journey's own thread, soon (from any thread)."""


# --------------------------------------------------------------------------- settings


class JourneySettingsError(ConfigError):
    code = "E250"
    message_zh = "自助机流程配置错误"
    message_en = "the kiosk's [kiosk] settings are invalid"
    action = "Correct the named key in the [kiosk] section of terminal.toml and restart."
    action_zh = "请修改 terminal.toml 中 [kiosk] 部分里指出的配置项后重新启动。"


# keys that look like the journey's but are configured elsewhere, once for the whole terminal
_CONFIGURED_ELSEWHERE = {"pay_timeout_s": "[payment] qr_timeout"}


_FACE_KEYS = frozenset({"face_check", "face_tries", "staff_tries", "staff_pins"})


def _face_setting(key: str, raw: Any) -> Any:
    """One of the face check's `[kiosk]` keys, checked (E250 naming the key)."""
    if key == "face_check":
        if raw not in {m.value for m in FaceCheck}:
            raise JourneySettingsError("kiosk.face_check must be 'never', 'chosen' or 'always'")
        return FaceCheck(raw)
    if key == "staff_pins":
        try:
            return StaffPins.parse(raw)
        except ValueError as err:
            raise JourneySettingsError(str(err)) from None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 10:
        raise JourneySettingsError(f"kiosk.{key} must be a whole number from 1 to 10")
    return raw


@dataclass(frozen=True)
class JourneySettings:
    """The `[kiosk]` section of terminal.toml (and `[payment] qr_timeout`, the time to pay,
    which the channels use too); every time is in seconds."""

    idle_s: float = 90.0  # no touch for this long: "still there?"
    still_there_s: float = 10.0  # then back to the start, the patient's data wiped
    pay_timeout_s: float = 120.0  # the QR or payment code must be paid within this
    notice_s: float = 20.0  # a problem screen (card pulled out...) returns to the start
    wait_s: float = 30.0  # the longest any one step of the core may take
    elder_factor: float = 1.5  # elder mode: every patient-facing time is this much longer
    kind: TxKind = TxKind.OUTPATIENT
    # the face check (terminal.flows.journey_face)
    face_check: FaceCheck = FaceCheck.CHOSEN
    face_tries: int = 3  # failed checks before only staff help or another credential remain
    staff_tries: int = 3  # wrong staff PINs before the journey returns to the start
    staff_pins: StaffPins = field(default_factory=lambda: StaffPins({}), repr=False)

    @classmethod
    def from_mapping(
        cls, table: Mapping[str, Any], *, pay_timeout_s: float | None = None
    ) -> JourneySettings:
        """The `[kiosk]` table; `pay_timeout_s` is `[payment] qr_timeout`."""
        defaults = cls()
        values: dict[str, Any] = {}
        for key, raw in table.items():
            if key == "kind":
                if raw not in {k.value for k in TxKind}:
                    raise JourneySettingsError("kiosk.kind must be 'outpatient' or 'pharmacy'")
                values[key] = TxKind(raw)
                continue
            if key in _FACE_KEYS:
                values[key] = _face_setting(key, raw)
                continue
            if key in _CONFIGURED_ELSEWHERE:
                raise JourneySettingsError(
                    f"kiosk.{key} is set by {_CONFIGURED_ELSEWHERE[key]}, not in [kiosk]"
                )
            if not hasattr(defaults, key):
                raise JourneySettingsError(f"kiosk.{key} is not a known key")
            if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw <= 0:
                raise JourneySettingsError(f"kiosk.{key} must be a positive number of seconds")
            values[key] = float(raw)
        if values.get("elder_factor", 1.0) < 1.0:
            raise JourneySettingsError("kiosk.elder_factor must be at least 1")
        if pay_timeout_s is not None:
            values["pay_timeout_s"] = float(pay_timeout_s)
        return replace(defaults, **values)

    def scaled(self, elder: bool) -> JourneySettings:
        """The patient-facing times of elder mode (the core's own waits stay as they are)."""
        if not elder:
            return self
        f = self.elder_factor
        return replace(
            self,
            idle_s=self.idle_s * f,
            still_there_s=self.still_there_s * f,
            pay_timeout_s=self.pay_timeout_s * f,
            notice_s=self.notice_s * f,
        )


# --------------------------------------------------------------------------- steps and events


class Step(StrEnum):
    WELCOME = "welcome"
    READING_CARD = "reading_card"
    PIN = "pin"
    PIN_BLOCKED = "pin_blocked"
    FACE = "face"
    IDENTIFYING = "identifying"
    ORDERS = "orders"
    PRESETTLING = "presettling"
    MULAID = "mulaid"  # 共济: may a family member's account cover the shortfall?
    BREAKDOWN = "breakdown"
    SHOW_PAYCODE = "show_paycode"  # waiting for the patient's payment code at the scanner
    PAYING = "paying"
    SETTLING = "settling"
    DONE = "done"
    # the states a patient is never lost in
    CARD_REMOVED = "card_removed"
    QR_EXPIRED = "qr_expired"
    PAY_TIMEOUT = "pay_timeout"
    PAPER_OUT = "paper_out"
    REFUSED = "refused"
    PENDING = "pending"
    FAILED = "failed"
    STILL_THERE = "still_there"
    # the services beside paying (their work: terminal/flows/kiosk_services.py)
    REGISTER = "register"  # 挂号: department, doctor and session
    REGISTERING = "registering"  # taking the number; then paid as an order (PRESETTLING...)
    PAID_TODAY = "paid_today"  # 当日缴费记录, and a receipt printed again as a copy
    MY_RX = "my_rx"  # 我的处方, each drug's prices at pharmacies
    PRICES = "prices"  # 药价查询: from the welcome screen, nobody identified
    # the face check (the block of transitions after the table)
    FACE_FAILED = "face_failed"  # with the tries left: again, staff help, or another way
    STAFF_PIN = "staff_pin"  # a staff member's PIN, to vouch for the patient
    STAFF_REASON = "staff_reason"  # and why
    STAFF_CHECKING = "staff_checking"  # audited; then identified
    PLAN = "plan"  # the city plan's terms, the premium from the account, the consent box
    PLAN_BUYING = "plan_buying"  # the purchase (9804) under way
    PLAN_RESULT = "plan_result"  # bought, or refused with the platform's reason


# Steps where money may be moving: no idle timeout, and no cancel by a pulled-out card.
MONEY_STEPS = frozenset({Step.PAYING, Step.SETTLING})
# Steps that only report and return to the start after `notice_s`.
NOTICE_STEPS = frozenset({Step.CARD_REMOVED, Step.PIN_BLOCKED})
# Steps that end a journey: its session is over (money may have moved).
FINAL_STEPS = frozenset({Step.DONE, Step.PAPER_OUT, Step.REFUSED, Step.PENDING, Step.FAILED})
# Steps after which the patient is sent to the staffed window with a printed slip.
SLIP_STEPS = frozenset({Step.REFUSED, Step.PENDING, Step.FAILED})


class Event(StrEnum):
    CARD_INSERTED = "card_inserted"
    CARD_PULLED = "card_pulled"
    SCANNED = "scanned"  # an e-voucher (payload: its Credential)
    ID_CARD = "id_card"  # an ID card placed (payload: the Credential)
    FACE_CHOSEN = "face_chosen"
    FACE_MATCHED = "face_matched"  # payload: the face Credential
    PIN_ENTERED = "pin_entered"
    NEED_PIN = "need_pin"
    READ = "read"  # the card read: payload Credential
    IDENTIFIED = "identified"
    ORDERS_CHOSEN = "orders_chosen"  # payload: the chosen rxnos
    PRESETTLED = "presettled"
    MULAID_OFFER = "mulaid_offer"  # a family member's account could cover the shortfall
    MULAID_ACCEPT = "mulaid_accept"
    MULAID_DECLINE = "mulaid_decline"
    COMMERCIAL_DECLINE = "commercial_decline"  # the patient does not use their city plan
    PAY = "pay"  # payload: PayMethod
    PAYCODE_SCANNED = "paycode_scanned"  # payload: the payment code's digits
    PAID = "paid"
    PAY_CANCELLED = "pay_cancelled"  # the payment stopped at the patient's request
    PAY_DECLINED = "pay_declined"  # the wallet or the credit scheme said no: choose again
    QR_EXPIRED = "qr_expired"  # the QR code was not paid in time
    PAY_TIMED_OUT = "pay_timed_out"  # no payment code shown, or not confirmed, in time
    SETTLED = "settled"
    PAPER_OUT = "paper_out"
    REFUSED = "refused"
    PENDING = "pending"
    FAILED = "failed"
    BLOCKED = "blocked"
    WRONG_PIN = "wrong_pin"
    CANCEL = "cancel"
    RETRY = "retry"
    FINISH = "finish"
    STILL_HERE = "still_here"
    IDLE = "idle"
    EXPIRED = "expired"  # a step's own deadline
    # the services beside paying
    REGISTER_CHOSEN = "register_chosen"
    DOCTOR_CHOSEN = "doctor_chosen"  # payload: (dr_code, period)
    REGISTERED = "registered"  # the registration order taken (set in the view)
    PAID_TODAY_CHOSEN = "paid_today_chosen"
    REPRINT = "reprint"  # payload: the tx_id of one of today's payments
    MY_RX_CHOSEN = "my_rx_chosen"
    PRICES_CHOSEN = "prices_chosen"
    PRICE_QUERY = "price_query"  # payload: the text typed, or an EAN scanned
    PLAN_CHOSEN = "plan_chosen"
    PLAN_BUY = "plan_buy"  # payload: (plan_code, whether the consent box is ticked)
    PLAN_DONE = "plan_done"  # the purchase's result set in the view
    BACK = "back"
    # the face check
    FACE_VERIFIED = "face_verified"  # the face matched the identified person
    FACE_REFUSED = "face_refused"  # liveness or match failed (payload: the error)
    STAFF_HELP = "staff_help"
    STAFF_PIN_ENTERED = "staff_pin_entered"  # payload: the PIN
    STAFF_PIN_OK = "staff_pin_ok"  # payload: the staff id
    STAFF_PIN_WRONG = "staff_pin_wrong"
    STAFF_LOCKED = "staff_locked"  # too many wrong staff PINs
    STAFF_REASON = "staff_reason"  # payload: a code of STAFF_REASONS


_PATIENT_STEPS = tuple(s for s in Step if s not in MONEY_STEPS and s is not Step.WELCOME)

# (step, event) -> next step. Anything not here is ignored (a late or stray event).
TRANSITIONS: dict[tuple[Step, Event], Step] = {
    (Step.WELCOME, Event.CARD_INSERTED): Step.READING_CARD,
    (Step.WELCOME, Event.SCANNED): Step.IDENTIFYING,
    (Step.WELCOME, Event.ID_CARD): Step.IDENTIFYING,
    (Step.WELCOME, Event.FACE_CHOSEN): Step.FACE,
    (Step.FACE, Event.FACE_MATCHED): Step.IDENTIFYING,
    (Step.READING_CARD, Event.NEED_PIN): Step.PIN,
    (Step.READING_CARD, Event.WRONG_PIN): Step.PIN,
    (Step.READING_CARD, Event.BLOCKED): Step.PIN_BLOCKED,
    (Step.READING_CARD, Event.READ): Step.IDENTIFYING,
    (Step.PIN, Event.PIN_ENTERED): Step.READING_CARD,
    (Step.IDENTIFYING, Event.IDENTIFIED): Step.ORDERS,
    (Step.ORDERS, Event.ORDERS_CHOSEN): Step.PRESETTLING,
    (Step.PRESETTLING, Event.PRESETTLED): Step.BREAKDOWN,
    (Step.PRESETTLING, Event.MULAID_OFFER): Step.MULAID,
    (Step.MULAID, Event.MULAID_ACCEPT): Step.PRESETTLING,
    (Step.MULAID, Event.MULAID_DECLINE): Step.BREAKDOWN,
    (Step.BREAKDOWN, Event.PAY): Step.PAYING,
    (Step.BREAKDOWN, Event.COMMERCIAL_DECLINE): Step.PRESETTLING,  # again, without the plan
    (Step.SHOW_PAYCODE, Event.PAYCODE_SCANNED): Step.PAYING,
    (Step.SHOW_PAYCODE, Event.EXPIRED): Step.PAY_TIMEOUT,
    (Step.PAYING, Event.QR_EXPIRED): Step.QR_EXPIRED,
    (Step.PAYING, Event.PAY_TIMED_OUT): Step.PAY_TIMEOUT,
    (Step.PAYING, Event.PAY_DECLINED): Step.BREAKDOWN,
    (Step.PAYING, Event.PAID): Step.SETTLING,
    (Step.PAYING, Event.PAY_CANCELLED): Step.WELCOME,
    (Step.QR_EXPIRED, Event.RETRY): Step.BREAKDOWN,
    (Step.PAY_TIMEOUT, Event.RETRY): Step.BREAKDOWN,
    (Step.SETTLING, Event.SETTLED): Step.DONE,
    (Step.SETTLING, Event.REFUSED): Step.REFUSED,
    (Step.SETTLING, Event.PENDING): Step.PENDING,
    (Step.DONE, Event.PAPER_OUT): Step.PAPER_OUT,
    (Step.STILL_THERE, Event.EXPIRED): Step.WELCOME,
    # the services beside paying: from the orders screen (the patient's home once
    # identified) and back to it; a registration goes on as an order is paid
    (Step.ORDERS, Event.REGISTER_CHOSEN): Step.REGISTER,
    (Step.REGISTER, Event.DOCTOR_CHOSEN): Step.REGISTERING,
    (Step.REGISTERING, Event.REGISTERED): Step.PRESETTLING,
    (Step.REGISTERING, Event.BACK): Step.REGISTER,  # no number taken: the notice says why
    (Step.ORDERS, Event.PAID_TODAY_CHOSEN): Step.PAID_TODAY,
    (Step.PAID_TODAY, Event.REPRINT): Step.PAID_TODAY,
    (Step.ORDERS, Event.MY_RX_CHOSEN): Step.MY_RX,
    (Step.WELCOME, Event.PRICES_CHOSEN): Step.PRICES,
    (Step.PRICES, Event.PRICE_QUERY): Step.PRICES,
    (Step.PRICES, Event.BACK): Step.WELCOME,
    (Step.ORDERS, Event.PLAN_CHOSEN): Step.PLAN,
    (Step.PLAN, Event.PLAN_BUY): Step.PLAN_BUYING,
    (Step.PLAN_BUYING, Event.PLAN_DONE): Step.PLAN_RESULT,
    **{(s, Event.BACK): Step.ORDERS
       for s in (Step.REGISTER, Step.PAID_TODAY, Step.MY_RX, Step.PLAN, Step.PLAN_RESULT)},
}
for _step in Step:
    if _step not in (Step.WELCOME, *FINAL_STEPS):
        TRANSITIONS[(_step, Event.FAILED)] = Step.FAILED
        TRANSITIONS[(_step, Event.CARD_PULLED)] = Step.CARD_REMOVED
    if _step not in MONEY_STEPS and _step is not Step.WELCOME:
        TRANSITIONS[(_step, Event.CANCEL)] = Step.WELCOME
        TRANSITIONS[(_step, Event.FINISH)] = Step.WELCOME
for _step in _PATIENT_STEPS:
    if _step not in (Step.STILL_THERE, Step.SHOW_PAYCODE) and _step not in NOTICE_STEPS:
        TRANSITIONS[(_step, Event.IDLE)] = Step.STILL_THERE
for _step in NOTICE_STEPS:
    TRANSITIONS[(_step, Event.EXPIRED)] = Step.WELCOME
for _step in MONEY_STEPS:  # a card pulled out while paying changes nothing: money is moving
    del TRANSITIONS[(_step, Event.CARD_PULLED)]
TRANSITIONS[(Step.STILL_THERE, Event.CARD_PULLED)] = Step.CARD_REMOVED
# the face check: identification by face from the welcome screen, or verification of the
# identified person (`face_check = "always"`: IDENTIFIED leads to FACE instead of ORDERS)
TRANSITIONS.update({
    (Step.FACE, Event.FACE_VERIFIED): Step.ORDERS,
    (Step.FACE, Event.FACE_REFUSED): Step.FACE_FAILED,
    (Step.FACE_FAILED, Event.RETRY): Step.FACE,
    (Step.FACE_FAILED, Event.STAFF_HELP): Step.STAFF_PIN,
    (Step.STAFF_PIN, Event.STAFF_PIN_ENTERED): Step.STAFF_PIN,
    (Step.STAFF_PIN, Event.STAFF_PIN_WRONG): Step.STAFF_PIN,
    (Step.STAFF_PIN, Event.STAFF_PIN_OK): Step.STAFF_REASON,
    (Step.STAFF_PIN, Event.STAFF_LOCKED): Step.WELCOME,
    (Step.STAFF_REASON, Event.STAFF_REASON): Step.STAFF_CHECKING,
    (Step.STAFF_CHECKING, Event.FACE_VERIFIED): Step.ORDERS,
    (Step.STAFF_CHECKING, Event.FACE_MATCHED): Step.IDENTIFYING,
    (Step.STAFF_CHECKING, Event.FACE_REFUSED): Step.FACE_FAILED,
})
del TRANSITIONS[(Step.FACE, Event.IDLE)]  # the check has its own time limit


@dataclass(frozen=True)
class View:
    """Everything a page may show: replaced whole on each change, emptied by the idle wipe."""

    step: Step = Step.WELCOME
    person: IdentifiedPerson | None = field(default=None, repr=False)
    credential_kind: CredentialKind | None = None
    orders: tuple[HisOrder, ...] = field(default=(), repr=False)
    chosen: tuple[str, ...] = ()
    breakdown: Breakdown | None = field(default=None, repr=False)
    due: Money = ZERO
    method: PayMethod | None = None
    qr_url: str = field(default="", repr=False)
    tries_left: int | None = None  # the card's PIN tries, asked before the first PIN
    pin_wrong: bool = False  # the keypad is back after a wrong PIN
    mulaid: MutualAidMember | None = field(default=None, repr=False)  # the member offered
    mulaid_used: bool = False  # the patient accepted: the breakdown includes their account
    commercial_declined: bool = False  # the patient declined their plan for this sale
    reason: str = ""  # the platform's own words (settlement refused, payment declined)
    claim: ClaimStatus = NO_CLAIM  # what the commercial plan paid, or why it did not
    reference: str = ""  # the transaction id: the failure slip's reference number
    offline: bool = False
    slip_printed: bool | None = None  # None: no slip (yet); False: the printer failed
    resume: Step | None = None  # where "still here" returns to
    deadline: float | None = None  # monotonic; the page's countdown shows it
    deadline_total: float = 0.0
    # the services beside paying; None: still being looked up
    registration_offered: bool = False
    rx_offered: bool = False
    departments: tuple[Department, ...] | None = field(default=None, repr=False)
    paid_today: tuple[PaidToday, ...] | None = field(default=None, repr=False)
    reprinted: str = ""  # the payment whose copy was just printed
    prescriptions: tuple[MyPrescription, ...] | None = field(default=None, repr=False)
    price_query: str = field(default="", repr=False)
    prices: Any = field(default=None, repr=False)  # terminal.rx.prices.PriceAnswer
    notice: str = ""  # a service's problem, as a kind its page words (kiosk_services.Notice)
    busy: bool = False  # a service's work is under way: the page's actions wait
    # the face check
    face_offered: bool = False  # the welcome screen offers 刷脸 (configured, and a camera)
    face_prompt: str = ""  # the liveness prompt's name (drivers.face.liveness.Prompt)
    face_failures: int = 0
    face_tries_left: int = 0  # checks the patient may still try (0: staff help or another way)
    face_error: str = ""  # the code of why the last check failed (the page says it in words)
    staff_offered: bool = False  # staff PINs are configured: staff help is one of the ways on
    staff_tries_left: int | None = None  # after a wrong staff PIN
    staff: str = ""  # the staff id who vouched (shown to the staff, audited)
    staff_reason: str = ""  # why (a code of terminal.flows.journey_face.STAFF_REASONS)
    plan_offered: bool = False  # the city plan can be bought here (online, a platform)
    plan_offers: tuple[PlanOffer, ...] | None = field(default=None, repr=False)
    plan_balance: Money = field(default=ZERO, repr=False)  # the account paying the premium
    plan_result: PlanResult | None = field(default=None, repr=False)


Listener = Callable[[View], None]


class Journey:
    """One kiosk's journeys, one patient after another; all calls on one thread."""

    def __init__(
        self,
        checkout: CheckoutPort,
        runner: Runner,
        settings: JourneySettings,
        *,
        card: CardPort | None = None,
        make_collector: CollectorFactory | None = None,
        print_receipt: Callable[[CheckoutOutcome, PayMethod | None], None] | None = None,
        print_slip: Callable[[View], None] | None = None,
        services: Services | None = None,
        face: FacePort | None = None,
        clock: Callable[[], float],
    ) -> None:
        self._checkout = checkout
        self._runner = runner
        self.settings = settings
        self._card = card
        self._make_collector = make_collector
        self._print = print_receipt
        self._print_slip = print_slip
        self._services = services
        self._doctor: tuple[str, str] = ("", "")
        self._plan_buy: tuple[str, bool] = ("", False)  # the plan and the patient's consent
        self._reprint = ""
        self._clock = clock
        self._face = face
        self._staff_pin: str | None = None
        self._session: CheckoutSession | None = None
        self._credential: Credential | None = None
        self._pin: str | None = None
        self._paycode = ""
        self._billed = False
        self._confirmed = threading.Event()  # the session's confirm ran (set on the worker)
        self._pending: Handle | None = None
        self._pay_cancel: threading.Event | None = None
        self._link_offline = False  # what the forwarder last said (`link`)
        self._listeners: list[Listener] = []
        self._last_touch = clock()
        self.view = View(face_offered=self._face_offered())

    # ---- what pages call ----------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def touch(self) -> None:
        """The patient did something: the idle clock starts again."""
        self._last_touch = self._clock()
        if self.view.deadline is not None and self.view.step in _IDLE_DEADLINE_STEPS:
            self._set(deadline=self._last_touch + self.settings.idle_s)

    def send(self, event: Event, payload: Any = None) -> bool:
        """Feed one event; returns whether it moved the journey (unknown pairs are ignored)."""
        step = self.view.step
        if event is Event.STILL_HERE and step is Step.STILL_THERE:
            self.touch()
            self._enter(self.view.resume or Step.WELCOME, resume=None)
            return True
        if event is Event.CANCEL and step is Step.PAYING:
            if self._pay_cancel is not None:  # the payment closes its order, then stops
                self._pay_cancel.set()
            return True
        if event is Event.CARD_PULLED and not self._card_matters():
            return False
        target = TRANSITIONS.get((step, event))
        if target is None:
            log.debug("ignored %s in %s", event.value, step.value)
            return False
        if event is Event.PAY and PayMethod(payload) is PayMethod.PAYMENT_CODE:
            target = Step.SHOW_PAYCODE  # the code must be shown to the scanner first
        if not self._face_allows(event, target, payload):
            return False
        self.touch()
        self._store(event, payload)
        if target in FINAL_STEPS and step in MONEY_STEPS:
            self._session = None  # the saga owns what happens next; nothing to undo here
        elif target is Step.WELCOME or target in (Step.CARD_REMOVED, Step.FAILED):
            self._abandon(f"{event.value} in {step.value}")
        if event is Event.IDLE:
            self._enter(target, resume=step)
            return True
        if event is Event.IDENTIFIED and self._face_verifies():
            target = Step.FACE  # face_check = "always": the face must match the holder
        self._enter(target)
        return True

    def tick(self, now: float) -> None:
        """Fire the current step's deadline, or the idle timeout, if it has passed."""
        view = self.view
        if view.step in MONEY_STEPS or view.step is Step.FACE:  # their own time limits
            return
        if view.deadline is not None and now >= view.deadline:
            if view.step in (Step.STILL_THERE, Step.SHOW_PAYCODE) or view.step in NOTICE_STEPS:
                self.send(Event.EXPIRED)
            elif view.step in FINAL_STEPS:
                self.send(Event.FINISH)
            elif view.step is not Step.WELCOME:
                self.send(Event.IDLE)

    def set_offline(self, offline: bool) -> None:
        """The platform link as the forwarder sees it (the banner); a checkout under way
        keeps what its own session found."""
        if offline != self.view.offline and (self._session is None or offline):
            self._set(offline=offline)

    # ---- transitions ----------------------------------------------------------------------

    def _card_matters(self) -> bool:
        """A pulled-out card only concerns a journey that began with the card."""
        kind = self._credential.kind if self._credential is not None else None
        return self.view.step in (Step.READING_CARD, Step.PIN) or kind is CredentialKind.CARD

    # ---- the face check (its steps' rules; the work is the FacePort's) ---------------------

    def _face_allows(self, event: Event, target: Step, payload: Any) -> bool:
        """The face check's guards: offered only where configured, again only while tries
        are left, staff help only where staff PINs are configured."""
        s = self.settings
        if target is Step.FACE and event is not Event.IDENTIFIED:
            if not self._face_offered():
                return False
            return event is not Event.RETRY or self.view.face_tries_left > 0
        if event is Event.STAFF_HELP:
            return bool(s.staff_pins)
        return event is not Event.STAFF_REASON or payload in STAFF_REASONS

    def _face_offered(self) -> bool:
        return self._face is not None and self.settings.face_check is not FaceCheck.NEVER

    def _face_verifies(self) -> bool:
        kind = self._credential.kind if self._credential is not None else None
        return (
            self.settings.face_check is FaceCheck.ALWAYS and self._face is not None
            and kind is not CredentialKind.FACE and self.view.person is not None
        )  # offline there is no enrolled face to compare with: the credential alone decides

    def _check_face(self) -> None:
        face, person, runner = self._face, self.view.person, self._runner
        assert face is not None
        cancel = threading.Event()
        left = self.settings.face_tries - self.view.face_failures
        self._set(face_prompt="", face_tries_left=left)

        def prompted(name: str) -> None:  # on the face worker
            runner.post(lambda: self._face_prompted(name))

        if person is None:
            self._work(lambda: face.identify(prompted, cancel),
                       lambda credential: self.send(Event.FACE_MATCHED, credential),
                       "face", extra=face.timeout_s, cancel=cancel)
        else:
            self._work(lambda: face.verify(person, prompted, cancel),
                       lambda _: self.send(Event.FACE_VERIFIED), "face",
                       extra=face.timeout_s, cancel=cancel)

    def _face_prompted(self, name: str) -> None:
        if self.view.step is Step.FACE:
            self._set(face_prompt=name)

    def _check_staff_pin(self) -> None:
        pin, self._staff_pin = self._staff_pin, None
        if pin is None:  # shown (again): nothing typed yet
            return
        pins = self.settings.staff_pins

        def checked(staff: str | None) -> None:
            if staff is not None:
                self.send(Event.STAFF_PIN_OK, staff)
                return
            left = (self.view.staff_tries_left or self.settings.staff_tries) - 1
            self._set(staff_tries_left=left)
            log.warning("wrong staff PIN at the face check (%d tries left)", left)
            self.send(Event.STAFF_LOCKED if left <= 0 else Event.STAFF_PIN_WRONG)

        self._work(lambda: pins.match(pin), checked, "staff_pin")

    def _staff_vouched(self) -> None:
        """Audited first; then a verification is done, and an identification asks the
        platform with one frame of the face the staff member vouched is live."""
        face, person, view = self._face, self.view.person, self.view
        assert face is not None
        tx_id = self._session.tx_id if self._session is not None else None
        cancel = threading.Event()

        def vouch() -> Credential | None:
            face.record_staff(tx_id=tx_id, staff=view.staff, reason=view.staff_reason,
                              verifying=person is not None, failures=view.face_failures)
            return None if person is not None else face.attested(cancel)

        def done(credential: Credential | None) -> None:
            if credential is None:
                self.send(Event.FACE_VERIFIED)
            else:
                self.send(Event.FACE_MATCHED, credential)

        self._work(vouch, done, "staff", extra=face.timeout_s, cancel=cancel)

    def _store(self, event: Event, payload: Any) -> None:
        if event in (Event.SCANNED, Event.ID_CARD, Event.FACE_MATCHED, Event.READ):
            self._credential = payload
        elif event is Event.PIN_ENTERED:
            self._pin = payload
        elif event is Event.ORDERS_CHOSEN:
            self._set(chosen=tuple(payload))
        elif event is Event.PAY:
            self._set(method=PayMethod(payload), reason="", qr_url="")
        elif event is Event.PAYCODE_SCANNED:
            self._paycode = str(payload)
        elif event is Event.MULAID_ACCEPT:
            self._set(mulaid_used=True)
        elif event is Event.COMMERCIAL_DECLINE:
            self._set(commercial_declined=True)
        elif event is Event.DOCTOR_CHOSEN:
            self._doctor = (str(payload[0]), str(payload[1]))
        elif event is Event.REPRINT:
            self._reprint = str(payload)
        elif event is Event.PRICE_QUERY:
            self._set(price_query=str(payload), prices=None)
        elif event is Event.STAFF_PIN_ENTERED:
            self._staff_pin = str(payload)
        elif event is Event.STAFF_PIN_OK:
            self._set(staff=str(payload), staff_tries_left=None)
        elif event is Event.STAFF_REASON:
            self._set(staff_reason=str(payload))
        elif event is Event.FACE_REFUSED:
            failures = self.view.face_failures + 1
            self._set(face_failures=failures, staff_offered=bool(self.settings.staff_pins),
                      face_tries_left=max(0, self.settings.face_tries - failures))
        elif event is Event.PLAN_BUY:
            self._plan_buy = (str(payload[0]), bool(payload[1]))
        elif event is Event.PLAN_CHOSEN:
            self._set(plan_offers=None, plan_result=None)

    def _enter(self, step: Step, **changes: Any) -> None:
        if step is Step.WELCOME:
            self._wipe()
            return
        deadline, total = self._deadline_for(step)
        self._set(step=step, deadline=deadline, deadline_total=total, **changes)
        action = _ENTER.get(step)
        if action is not None:
            action(self)

    def _deadline_for(self, step: Step) -> tuple[float | None, float]:
        s = self.settings
        if step is Step.STILL_THERE:
            seconds: float | None = s.still_there_s
        elif step in NOTICE_STEPS:
            seconds = s.notice_s
        elif step is Step.SHOW_PAYCODE:
            seconds = s.pay_timeout_s
        elif step is Step.FACE and self._face is not None:
            seconds = self._face.timeout_s
        elif step in MONEY_STEPS or step in _WORK_STEPS:
            seconds = None
        else:
            seconds = s.idle_s
        if seconds is None:
            return None, 0.0
        return self._clock() + seconds, seconds

    def _wipe(self) -> None:
        """Back to the start: the previous patient's data leaves memory (and every widget,
        which renders this empty view)."""
        self._session = None
        self._credential = None
        self._pin = None
        self._staff_pin = None
        self._paycode = ""
        self._billed = False
        self._doctor, self._reprint, self._plan_buy = ("", ""), "", ("", False)
        self._confirmed = threading.Event()
        self._pending = None
        self._pay_cancel = None
        self._set_view(View(offline=self._link_offline, face_offered=self._face_offered()))

    def link(self, offline: bool) -> None:
        """The forwarder's view of the platform link (LinkChange): the banner between
        patients, and what a new checkout should expect."""
        self._link_offline = offline
        self.set_offline(offline)

    def _abandon(self, reason: str) -> None:
        """Give up the patient's checkout before money moves: stop the work in flight and let
        the saga undo what the platform holds (and give back any money taken)."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        session, self._session = self._session, None
        if session is not None:
            self._runner.run(
                lambda: session.cancel(reason),
                on_done=lambda _: None,
                on_error=lambda err: log.warning("cancel of %s failed: %s", session.tx_id, err),
                timeout=self.settings.wait_s,
                waiting_for="cancel",
            )

    # ---- the work of each step (on the runner) ----------------------------------------------

    def _work(
        self,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        waiting_for: str,
        extra: float = 0.0,
        cancel: threading.Event | None = None,
    ) -> None:
        step = self.view.step

        def on_done(result: Any) -> None:
            if self.view.step is step:  # the patient has not left meanwhile
                self._pending = None
                done(result)

        def on_error(error: Exception) -> None:
            if self.view.step is step:
                self._pending = None
                self._failed(error)

        self._pending = self._runner.run(
            fn,
            on_done=on_done,
            on_error=on_error,
            timeout=self.settings.wait_s + extra,
            waiting_for=waiting_for,
            cancel_event=cancel,
        )

    def _read_card(self) -> None:
        card, pin = self._card, self._pin
        self._pin = None  # the PIN goes to the card once and is forgotten here
        if card is None:
            self._failed(NoCardReader())
            return
        self._work(lambda: card.read_credential(pin), lambda c: self.send(Event.READ, c),
                   "read_card")

    def _identify(self) -> None:
        credential = self._credential
        assert credential is not None
        checkout, kind, services = self._checkout, self.settings.kind, self._services

        def identify() -> tuple[CheckoutSession, IdentifiedPerson | None, list[HisOrder]]:
            session = checkout.begin(kind)
            try:
                person = session.identify(credential)
                return session, person, session.unpaid_orders()
            except BaseException:
                _cancel_quietly(session, "identification failed")
                raise

        def done(result: tuple[CheckoutSession, IdentifiedPerson | None, list[HisOrder]]) -> None:
            session, person, orders = result
            self._session = session
            self._billed = False
            self._confirmed = threading.Event()
            self._set(
                person=person, orders=tuple(orders), credential_kind=credential.kind,
                reference=session.tx_id, offline=session.offline,
                registration_offered=services is not None and services.has_registration,
                rx_offered=services is not None and services.has_prescriptions,
                plan_offered=services is not None and services.has_plans and not session.offline,
            )
            self.send(Event.IDENTIFIED)

        self._work(identify, done, "identify")

    def _presettle(self) -> None:
        session = self._require_session()
        chosen = set(self.view.chosen)
        lines = lines_from_orders([o for o in self.view.orders if o.rxno in chosen])
        bill = not self._billed
        member = self.view.mulaid if self.view.mulaid_used else None
        use_commercial = not self.view.commercial_declined
        asked = self.view.mulaid is not None  # 共济 is offered once a sale

        def presettle() -> tuple[Breakdown, bool]:
            if bill:
                session.bill(lines)
            mulaid = member.psn_no if member is not None else ""
            return (session.presettle(mulaid_psn_no=mulaid, use_commercial=use_commercial),
                    session.offline)

        def done(result: tuple[Breakdown, bool]) -> None:
            breakdown, offline = result
            self._billed = True
            offer = None if (offline or asked) else _mulaid_offer(self.view.person, breakdown)
            self._set(breakdown=breakdown, due=breakdown.cash_due, offline=offline,
                      mulaid=member or offer or self.view.mulaid)
            self.send(Event.MULAID_OFFER if offer is not None else Event.PRESETTLED)

        self._work(presettle, done, "presettle")

    def _pay(self) -> None:
        session = self._require_session()
        method = self.view.method or PayMethod.QR
        cancel = threading.Event()
        self._pay_cancel = cancel
        runner, confirmed = self._runner, self._confirmed
        attempt = PaymentAttempt(
            cancel=cancel,
            timeout=self.settings.pay_timeout_s,
            report=lambda progress: runner.post(lambda: self._progress(progress)),
        )
        token = self._paycode if method is PayMethod.PAYMENT_CODE else ""
        if method is PayMethod.CREDIT and self.view.person is not None:
            token = self.view.person.psn_no
        self._paycode = ""  # a payment code is charged once
        factory, due_shown = self._make_collector, self.view.due

        def pay() -> Money:
            due = due_shown
            if not confirmed.is_set():  # once: paying again after an expired code skips it
                due = session.confirm()
                confirmed.set()
            if due > ZERO:
                if factory is None:
                    raise NoPaymentChannel()
                session.pay(factory(method, token), attempt, cancel_on_fail=False)
            return due

        # the payment's own timeout decides; the runner waits the core's step time longer
        self._work(pay, lambda _due: self.send(Event.PAID), "pay",
                   extra=self.settings.pay_timeout_s)

    def _progress(self, progress: PaymentProgress) -> None:
        """A self-pay order's progress (from the saga, any thread, posted here)."""
        if self.view.step is not Step.PAYING or progress.stage is not PaymentStage.WAITING:
            return
        total = self.settings.pay_timeout_s
        remaining = total if progress.remaining is None else progress.remaining
        self._set(qr_url=progress.qr_url, deadline=self._clock() + remaining,
                  deadline_total=total)

    def _settle(self) -> None:
        session = self._require_session()
        method = self.view.method or PayMethod.QR
        factory = self._make_collector
        person = self.view.person

        def settle() -> CheckoutOutcome:
            # a settled split higher than the estimate is collected the same way (credit) or
            # refunded; never by a payment code, which is charged once
            collect = None
            if factory is not None and method is PayMethod.CREDIT and person is not None:
                collect = factory(method, person.psn_no)
            session.settle(collect)
            return session.complete()

        self._work(settle, self._completed, "settle")

    def _completed(self, outcome: CheckoutOutcome) -> None:
        self._set(breakdown=outcome.breakdown, offline=outcome.offline, claim=outcome.claim)
        self.send(Event.SETTLED)
        self._session = None
        printer, method = self._print, self.view.method if self.view.due > ZERO else None
        if printer is not None:
            self._work(lambda: printer(outcome, method), lambda _: None, "print")

    def _slip(self) -> None:
        """A failure slip with the reference number, for the staffed window."""
        printer, view = self._print_slip, self.view
        if printer is None or not view.reference:
            return

        def printed(ok: bool) -> None:
            if self.view.step is view.step and self.view.reference == view.reference:
                self._set(slip_printed=ok)

        def failed(error: Exception) -> None:
            log.warning("failure slip for %s not printed: %s", view.reference, error)
            printed(False)

        self._runner.run(lambda: printer(view), on_done=lambda _: printed(True),
                         on_error=failed, timeout=self.settings.wait_s, waiting_for="print")

    # ---- the services beside paying (kiosk_services.py does the work) ---------------------

    def _lookup(
        self, fn: Callable[[Services], Any], done: Callable[[Any], None], waiting_for: str,
        failed_to: Event | None = None,
    ) -> None:
        """A service's work that keeps the patient on the step: its answer goes to `done`,
        a failure becomes a notice on the same screen (or on the step `failed_to` leads
        back to), never the failure slip: no money is involved."""
        step, services = self.view.step, self._services
        if services is None:
            self._set(notice="unavailable")
            return
        self._set(busy=True, notice="")

        def on_done(result: Any) -> None:
            if self.view.step is step:
                self._pending = None
                self._set(busy=False)
                done(result)

        def on_error(error: Exception) -> None:
            if self.view.step is step:
                self._pending = None
                log.warning("%s failed: %s", waiting_for, error)
                if failed_to is not None:
                    self.send(failed_to)
                self._set(busy=False, notice=notice_of(error))

        self._pending = self._runner.run(
            lambda: fn(services), on_done=on_done, on_error=on_error,
            timeout=self.settings.wait_s, waiting_for=waiting_for,
        )

    def _departments(self) -> None:
        self._lookup(lambda s: tuple(s.departments()),
                     lambda found: self._set(departments=found), "departments")

    def _register(self) -> None:
        tx_id, (dr_code, period) = self.view.reference, self._doctor

        def registered(order: HisOrder) -> None:
            self._set(orders=(order,), chosen=(order.rxno,))
            self.send(Event.REGISTERED)

        self._lookup(lambda s: s.register(tx_id, dr_code, period), registered, "register",
                     failed_to=Event.BACK)

    def _paid_today(self) -> None:
        tx_id, of = self.view.reference, self._reprint
        self._reprint = ""
        if of:  # a copy of one of the listed payments; the list stays as it is
            self._lookup(lambda s: s.reprint(tx_id, of), lambda _: self._set(reprinted=of),
                         "reprint")
        else:
            self._lookup(lambda s: tuple(s.paid_today(tx_id)),
                         lambda found: self._set(paid_today=found), "paid_today")

    def _my_rx(self) -> None:
        tx_id = self.view.reference
        self._lookup(lambda s: tuple(s.prescriptions(tx_id)),
                     lambda found: self._set(prescriptions=found), "prescriptions")

    def _prices(self) -> None:
        text = self.view.price_query
        if text:
            self._lookup(lambda s: s.prices(text), lambda answer: self._set(prices=answer),
                         "prices")

    def _plan_offers(self) -> None:
        tx_id = self.view.reference

        def found(answer: tuple[tuple[PlanOffer, ...], Money]) -> None:
            self._set(plan_offers=answer[0], plan_balance=answer[1])

        self._lookup(lambda s: s.plan_offers(tx_id), found, "plan_offers")

    def _buy_plan(self) -> None:
        tx_id, (code, consent) = self.view.reference, self._plan_buy

        def bought(result: PlanResult) -> None:
            self._set(plan_result=result)
            self.send(Event.PLAN_DONE)

        self._lookup(lambda s: s.buy_plan(tx_id, code, consent=consent), bought, "buy_plan",
                     failed_to=Event.PLAN_DONE)

    def _require_session(self) -> CheckoutSession:
        if self._session is None:
            raise NoSession()
        return self._session

    def _failed(self, error: Exception) -> None:
        """An error of a step as the screen the patient sees (words, never a code)."""
        event, changes = _classify(error, self.view.method)
        self._set(**changes)
        if event is Event.FAILED:
            log.warning("journey step %s failed: %s", self.view.step.value, error)
        if not self.send(event):
            self.send(Event.FAILED)

    # ---- the view -------------------------------------------------------------------------

    def _set(self, **changes: Any) -> None:
        self._set_view(replace(self.view, **changes))

    def _set_view(self, view: View) -> None:
        self.view = view
        for listener in list(self._listeners):
            listener(view)


class NoCardReader(MedtermError):
    code = "E251"
    message_zh = "本机未配置社保卡读卡器"
    message_en = "this kiosk has no card reader configured"
    action = "Configure [devices.card] in terminal.toml; meanwhile use the e-voucher or ID card."
    action_zh = "请在 terminal.toml 中配置 [devices.card];在此之前请使用医保电子凭证或身份证。"


class NoPaymentChannel(MedtermError):
    code = "E252"
    message_zh = "本机未配置自费支付方式"
    message_en = "this kiosk has no self-pay channel configured"
    action = "Set [payment] gateway_url in terminal.toml and restart the kiosk."
    action_zh = "请在 terminal.toml 中设置 [payment] gateway_url 后重新启动自助机。"


class NoSession(MedtermError):
    """A step that needs the patient's checkout ran without one: a program error."""

    code = "E253"
    message_zh = "缴费流程顺序有误"
    message_en = "the journey reached a step without a checkout"
    action = "Go back to the start screen and begin again; report this to support."
    action_zh = "请回到首页重新开始,并将此情况报告技术支持。"


def _mulaid_offer(person: IdentifiedPerson | None, breakdown: Breakdown) -> MutualAidMember | None:
    """The family member whose account could cover what is left to pay (共济), if any: the
    patient is asked before it is used."""
    if person is None or breakdown.cash_due <= ZERO:
        return None
    return next((m for m in person.mulaid if m.acct_balc > ZERO), None)


def _cancel_quietly(session: CheckoutSession, reason: str) -> None:
    """Cancel after a failure being raised: the failure is what the patient must see."""
    try:
        session.cancel(reason)
    except Exception as err:  # the session may have cancelled itself already
        log.debug("cancel of %s after a failure: %s", session.tx_id, err)


_WORK_STEPS = frozenset(
    {
        Step.READING_CARD, Step.IDENTIFYING, Step.PRESETTLING, Step.REGISTERING,
        Step.STAFF_CHECKING, Step.PLAN_BUYING,
    }
)
_IDLE_DEADLINE_STEPS = frozenset(
    s for s in Step
    if s not in MONEY_STEPS and s not in _WORK_STEPS and s not in NOTICE_STEPS
    and s not in (Step.STILL_THERE, Step.WELCOME, Step.SHOW_PAYCODE, Step.FACE)
)

_ENTER: dict[Step, Callable[[Journey], None]] = {
    Step.READING_CARD: Journey._read_card,
    Step.IDENTIFYING: Journey._identify,
    Step.PRESETTLING: Journey._presettle,
    Step.PAYING: Journey._pay,
    Step.SETTLING: Journey._settle,
    Step.FACE: Journey._check_face,
    Step.STAFF_PIN: Journey._check_staff_pin,
    Step.STAFF_CHECKING: Journey._staff_vouched,
    **{step: Journey._slip for step in SLIP_STEPS},
    Step.REGISTER: Journey._departments,
    Step.REGISTERING: Journey._register,
    Step.PAID_TODAY: Journey._paid_today,
    Step.MY_RX: Journey._my_rx,
    Step.PRICES: Journey._prices,
    Step.PLAN: Journey._plan_offers,
    Step.PLAN_BUYING: Journey._buy_plan,
}


FACE_ERRORS = (FaceError, CameraNoHardwareError, CameraFrameTimeoutError, CameraSourceError)


def _classify(error: Exception, method: PayMethod | None) -> tuple[Event, dict[str, Any]]:
    """Which screen an error of the core leads to, and what that screen says."""
    if isinstance(error, CardWrongPin):
        return Event.WRONG_PIN, {"tries_left": error.tries_left, "pin_wrong": True}
    if isinstance(error, PinRequiredError):
        return Event.NEED_PIN, {"tries_left": error.tries_left, "pin_wrong": False}
    if isinstance(error, PinBlockedError):
        return Event.BLOCKED, {}
    if isinstance(error, CardRemovedError):
        return Event.CARD_PULLED, {}
    if isinstance(error, PaymentTimeout):
        expired = method is PayMethod.QR
        return (Event.QR_EXPIRED if expired else Event.PAY_TIMED_OUT), {}
    if isinstance(error, PaymentCancelled):
        return Event.PAY_CANCELLED, {}
    if isinstance(error, (PaymentDeclined, InvalidPaymentCode)):
        return Event.PAY_DECLINED, {"reason": getattr(error, "reason", "") or error.message_zh}
    if isinstance(error, SettlementRefused):
        return Event.REFUSED, {"reason": error.platform_message}  # in the platform's words
    if isinstance(error, SettlementPending):
        return Event.PENDING, {}
    if isinstance(error, PaperOutError):
        return Event.PAPER_OUT, {}
    if isinstance(error, FACE_ERRORS):  # the face screen offers the next step
        return Event.FACE_REFUSED, {"face_error": error.code}
    if isinstance(error, MedtermError):
        return Event.FAILED, {"reason": error.message_zh}
    return Event.FAILED, {"reason": ""}
