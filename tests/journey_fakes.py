"""Stand-ins for the journey's unit tests without Qt (a fake is fine in a unit test of one
class): a session that answers with the sample patient (ui.kiosk.sample), a card reader that
answers from a list, a synchronous runner. The screen tests run on the real saga, journal and
simulators instead (tests/ui/conftest.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kernel.breakdown import Breakdown
from kernel.events import PaymentProgress, PaymentStage
from kernel.money import Money
from kernel.states import TxKind
from terminal.flows.bill import BillLine
from terminal.flows.checkout import PaymentAttempt
from terminal.flows.commercial import NO_CLAIM
from terminal.flows.identify import Credential, CredentialKind, IdentifiedPerson
from terminal.his import HisOrder
from ui.kiosk import sample

VOUCHER = Credential(CredentialKind.VOUCHER, "ECQR1.sample")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Handle:
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


class SyncRunner:
    """Runs each step at once; `hold` keeps the next one pending (a slow platform)."""

    def __init__(self) -> None:
        self.hold = False
        self.held: list[tuple[Callable[[], Any], Callable[[Any], None], Callable, Handle]] = []
        self.timeouts: dict[str, float] = {}

    def run(
        self,
        fn: Callable[[], Any],
        *,
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        timeout: float,
        waiting_for: str,
        cancel_event: threading.Event | None = None,
    ) -> Handle:
        self.timeouts[waiting_for] = timeout
        handle = Handle()
        if self.hold:
            self.held.append((fn, on_done, on_error, handle))
            return handle
        try:
            result = fn()
        except Exception as err:
            on_error(err)
        else:
            on_done(result)
        return handle

    def post(self, fn: Callable[[], None]) -> None:
        fn()

    def release(self) -> None:
        fn, on_done, on_error, handle = self.held.pop(0)
        if handle.cancelled:
            return
        try:
            result = fn()
        except Exception as err:
            on_error(err)
        else:
            on_done(result)


@dataclass
class FakeSession:
    tx_id: str = "TX-0001"
    offline: bool = False
    calls: list[str] = field(default_factory=list)
    pay_error: Exception | None = None
    settle_error: Exception | None = None
    due: Money = field(default_factory=lambda: sample.breakdown().psn_cash_pay)
    billed: tuple[BillLine, ...] = ()
    person: IdentifiedPerson = sample.PERSON
    mulaid_asked: list[str] = field(default_factory=list)
    commercial_pay: Money = field(default_factory=lambda: Money("0.00"))  # the plan's share
    commercial_used: list[bool] = field(default_factory=list)
    attempts: list[Any] = field(default_factory=list)

    def identify(self, credential: Credential) -> IdentifiedPerson:
        self.calls.append("identify")
        return self.person

    def unpaid_orders(self) -> list[HisOrder]:
        return list(sample.ORDERS)

    def bill(self, lines: Sequence[BillLine] = ()) -> tuple[BillLine, ...]:
        self.billed = tuple(lines)
        return self.billed

    def presettle(
        self, *, use_account: bool = True, mulaid_psn_no: str = "", use_commercial: bool = True
    ) -> Breakdown:
        self.calls.append("presettle")
        self.mulaid_asked.append(mulaid_psn_no)
        self.commercial_used.append(use_commercial)
        if use_commercial and self.commercial_pay:
            return sample.breakdown().with_commercial(self.commercial_pay)
        return sample.breakdown()

    def confirm(self) -> Money:
        self.calls.append("confirm")
        return self.due

    def pay(
        self, collect: Any, attempt: PaymentAttempt | None = None, *, cancel_on_fail: bool = True
    ) -> Money:
        self.calls.append("pay")
        self.attempts.append(attempt)
        collect("ORDER-1", self.due, attempt)
        if self.pay_error is not None:
            raise self.pay_error
        return self.due

    def settle(self, collect: Any = None) -> Breakdown:
        self.calls.append("settle")
        if self.settle_error is not None:
            raise self.settle_error
        return sample.breakdown()

    def complete(self) -> Any:
        self.calls.append("complete")
        fields = {"breakdown": sample.breakdown(), "offline": False, "claim": NO_CLAIM}
        return type("Outcome", (), fields)()

    def cancel(self, reason: str) -> None:
        self.calls.append(f"cancel:{reason}")


class FakeCheckout:
    def __init__(self) -> None:
        self.session = FakeSession()
        self.kinds: list[TxKind] = []

    def begin(self, kind: TxKind) -> FakeSession:
        self.kinds.append(kind)
        return self.session


class FakeCard:
    def __init__(self, answers: list[Exception | Credential]) -> None:
        self.answers = answers
        self.pins: list[str | None] = []

    def read_credential(self, pin: str | None) -> Credential:
        self.pins.append(pin)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


class QrCollector:
    """Reports the QR code as the real one does (WAITING with the URL), and is paid."""

    channel = "qr"

    def __init__(self, method: Any = None, token: str = "") -> None:
        self.method, self.token = method, token

    def __call__(self, order_no: str, amount: Money, attempt: PaymentAttempt) -> None:
        attempt.report(
            PaymentProgress(
                order_no, self.channel, amount, PaymentStage.WAITING, sample.QR_URL,
                attempt.timeout,
            )
        )


class FakeServices:
    """The kiosk's services answering with the sample's data; `error` makes the next call
    fail with it (a service that is down, a query that is refused, a printer out of paper)."""

    has_registration = True
    has_prescriptions = True
    has_plans = True

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []
        self.error: Exception | None = None
        self.plan_result: Any = sample.PLAN_BOUGHT

    def _answer(self, *call: str) -> None:
        self.calls.append(call)
        error, self.error = self.error, None
        if error is not None:
            raise error

    def departments(self) -> list[Any]:
        self._answer("departments")
        return list(sample.DEPARTMENTS)

    def register(self, tx_id: str, dr_code: str, period: str) -> HisOrder:
        self._answer("register", tx_id, dr_code, period)
        return sample.REGISTRATION

    def paid_today(self, tx_id: str) -> list[Any]:
        self._answer("paid_today", tx_id)
        return list(sample.PAID_TODAY)

    def reprint(self, tx_id: str, of_tx_id: str) -> None:
        self._answer("reprint", tx_id, of_tx_id)

    def prescriptions(self, tx_id: str) -> list[Any]:
        self._answer("prescriptions", tx_id)
        return list(sample.PRESCRIPTIONS)

    def prices(self, text: str) -> Any:
        self._answer("prices", text)
        return sample.PRICES


    def plan_offers(self, tx_id: str) -> tuple[tuple[Any, ...], Money]:
        self._answer("plan_offers", tx_id)
        return (sample.PLAN_OFFER,), sample.PERSON.balc

    def buy_plan(self, tx_id: str, plan_code: str, *, consent: bool) -> Any:
        self._answer("buy_plan", tx_id, plan_code, str(consent))
        return self.plan_result


FACE = Credential(CredentialKind.FACE, "AUTHNO-1", certno=sample.PERSON.certno)


class FakeFace:
    """The face check's port: each call takes the next answer (a Credential or None for a
    passed check, an Exception for a refused one) and reports ``prompts`` first."""

    timeout_s = 8.0

    def __init__(self, answers: list[Exception | Credential | None],
                 prompts: Sequence[str] = ("FACE_CAMERA", "BLINK")) -> None:
        self.answers = answers
        self.prompts = prompts
        self.calls: list[str] = []
        self.audited: list[dict[str, Any]] = []

    def _answer(self, call: str, on_prompt: Callable[[str], None] | None = None) -> Any:
        self.calls.append(call)
        for prompt in self.prompts if on_prompt is not None else ():
            on_prompt(prompt)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def identify(self, on_prompt: Callable[[str], None], cancel: threading.Event) -> Credential:
        return self._answer("identify", on_prompt)

    def verify(self, person: IdentifiedPerson, on_prompt: Callable[[str], None],
               cancel: threading.Event) -> None:
        self._answer("verify", on_prompt)

    def attested(self, cancel: threading.Event) -> Credential:
        return self._answer("attested")

    def record_staff(self, **row: Any) -> None:
        self.audited.append(row)
