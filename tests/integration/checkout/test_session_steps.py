"""The checkout driven step by step, as a screen drives it, through the real simulators: each
kind and credential, and a cancel at every step before the settlement that leaves nothing at
the platform and no money held."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from testdata import FACES

from drivers.camera.images import read_rgb
from drivers.face.engine import FaceEngine
from drivers.face.models import FaceModels
from drivers.face.settings import FaceSettings
from kernel.events import JournalChange, PaymentProgress, PaymentStage
from kernel.money import Money
from kernel.states import PaymentStatus, TxKind, TxState
from simulators.central.testing import DEFAULT_WORLD
from terminal.app import Terminal
from terminal.flows.bill import BillLine
from terminal.flows.checkout import PaymentAttempt, StepOutOfOrder
from terminal.flows.identify import Credential, CredentialKind
from terminal.flows.session import CheckoutSession
from terminal.payment import PaymentCancelled

from .conftest import paycode

EMPLOYED = "440300198503121010"  # person 1 of the default world: account 500, face enrolled
EMPLOYED_PSN_NO = "44030000000000000001"
WITH_ORDERS = "44030000000000000015"  # has unpaid hospital orders


def line(code: str, price: str, count: int) -> BillLine:
    return BillLine(f"L-{code}", code, code, Money(price), Decimal(count))


def card_of(psn_no: str) -> Credential:
    persons = json.loads(DEFAULT_WORLD.read_text())["persons"]
    person = next(p for p in persons if p["psn_no"] == psn_no)
    card = person["cards"][0]
    return Credential(CredentialKind.CARD, card["card_no"], card_sn=card["card_sn"])


@pytest.fixture(scope="module")
def face_encoding() -> list[float]:
    engine = FaceEngine(FaceModels(), FaceSettings())
    return [float(x) for x in engine.encode_single(read_rgb(FACES / "obama_2.jpg"))]


def credential_for(name: str, terminal: Terminal, platform, face_encoding) -> Credential:
    if name == "certno":
        return Credential(CredentialKind.ID_NUMBER, EMPLOYED)
    if name == "card":
        return card_of(EMPLOYED_PSN_NO)
    if name == "voucher":
        qr = platform.control("POST", "/_sim/voucher", {"psn_no": EMPLOYED_PSN_NO, "ttl": 120})
        return Credential(CredentialKind.VOUCHER, qr["qr"])
    auth = terminal.client.authorize_face(
        face_encoding, liveness_passed=True, liveness_method="blink"
    )
    return Credential(CredentialKind.FACE, auth.auth_no)


KINDS = {"hospital": TxKind.OUTPATIENT, "pharmacy": TxKind.PHARMACY}
CREDENTIALS = ("certno", "card", "voucher", "face")


def held_at_platform(platform, psn_no: str) -> tuple[list, list]:
    settled = [
        s
        for s in platform.control("GET", f"/_sim/settlements?psn_no={psn_no}")["settlements"]
        if s["state"] == "settled" and s["kind"] == "settlement"
    ]
    visits = platform.control("GET", f"/_sim/visits?psn_no={psn_no}")["visits"]
    return settled, visits


@pytest.mark.parametrize("credential", CREDENTIALS)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_and_credential_settles_step_by_step(
    make_terminal, platform, face_encoding, kind: str, credential: str
) -> None:
    terminal = make_terminal(kind=kind)
    session = terminal.saga.begin(KINDS[kind])
    assert session.state is TxState.CREATED and session.tx_id
    person = session.identify(credential_for(credential, terminal, platform, face_encoding))
    assert person is not None and person.psn_no == EMPLOYED_PSN_NO
    session.bill((line("X1" if kind == "hospital" else "D0006", "28.50", 2),))
    shown = session.presettle(use_account=False)
    assert session.state is TxState.PRESETTLED
    due = session.confirm()
    assert due == shown.psn_cash_pay > Money(0)
    assert session.pay(paycode(terminal)) == due
    actual = session.settle(paycode(terminal))
    outcome = session.complete()
    assert outcome.transaction.state is TxState.COMPLETED
    assert outcome.breakdown == actual and outcome.collected == actual.psn_cash_pay
    settled, _ = held_at_platform(platform, EMPLOYED_PSN_NO)
    assert actual.setl_id in {s["setl_id"] for s in settled}


def test_a_step_out_of_order_is_refused_and_changes_nothing(make_terminal) -> None:
    terminal = make_terminal()
    session = terminal.saga.begin(TxKind.OUTPATIENT)
    with pytest.raises(StepOutOfOrder):
        session.confirm()
    session.identify(Credential(CredentialKind.ID_NUMBER, EMPLOYED))
    with pytest.raises(StepOutOfOrder):
        session.identify(Credential(CredentialKind.ID_NUMBER, EMPLOYED))
    assert session.state is TxState.IDENTIFIED


def test_presettling_again_with_another_account_choice_changes_the_split(make_terminal) -> None:
    terminal = make_terminal()
    session = terminal.saga.begin(TxKind.OUTPATIENT)
    session.identify(Credential(CredentialKind.ID_NUMBER, EMPLOYED))
    session.bill((line("X1", "12.50", 4),))
    with_account = session.presettle(use_account=True)
    without = session.presettle(use_account=False)
    assert with_account.acct_pay > Money(0) == without.acct_pay
    assert without.psn_cash_pay == with_account.psn_cash_pay + with_account.acct_pay
    # the visit was registered and its fee details uploaded once, not twice
    infnos = [r.infno for r in terminal.journal.requests_of(session.tx_id)]
    assert infnos.count("2201") == infnos.count("2204") == 1
    session.cancel()


STEPS: dict[str, Callable[[CheckoutSession, Terminal], object]] = {
    "begun": lambda s, t: None,
    "identified": lambda s, t: s.identify(Credential(CredentialKind.ID_NUMBER, EMPLOYED)),
    "billed": lambda s, t: s.bill((line("X1", "28.50", 2),)),
    "presettled": lambda s, t: s.presettle(use_account=False),
    "confirmed": lambda s, t: s.confirm(),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("stop_after", list(STEPS))
def test_a_cancel_at_any_step_leaves_nothing_at_the_platform_and_no_money_held(
    make_terminal, platform, gateway, kind: str, stop_after: str
) -> None:
    terminal = make_terminal(kind=kind)
    _, visits_before = held_at_platform(platform, EMPLOYED_PSN_NO)
    settled_before, _ = held_at_platform(platform, EMPLOYED_PSN_NO)
    session = terminal.saga.begin(KINDS[kind])
    for name, step in STEPS.items():
        if kind == "pharmacy" and name == "billed":
            session.bill((line("D0006", "28.50", 2),))
        else:
            step(session, terminal)
        if name == stop_after:
            break
    session.cancel()
    assert session.state is TxState.CANCELLED
    settled, visits = held_at_platform(platform, EMPLOYED_PSN_NO)
    assert visits == visits_before  # the visit (2202) and its fee details (2205) are gone
    assert settled == settled_before
    assert all(
        p.status is not PaymentStatus.COLLECTED for p in terminal.journal.payments_of(session.tx_id)
    )


def test_a_patient_cancelling_at_the_qr_code_gets_nothing_charged_and_nothing_held(
    make_terminal, platform, gateway
) -> None:
    """The patient walks away from the QR code: the order is closed, the checkout cancelled
    with the visit undone, and the progress said so."""
    terminal = make_terminal()
    seen: list[PaymentProgress] = []
    terminal.saga.payments.subscribe(seen.append)
    session = terminal.saga.begin(TxKind.OUTPATIENT)
    session.identify(Credential(CredentialKind.ID_NUMBER, EMPLOYED))
    session.bill((line("X1", "28.50", 2),))
    session.presettle(use_account=False)
    session.confirm()
    attempt = PaymentAttempt()
    attempt.cancel.set()  # the patient pressed cancel while the code was shown
    with pytest.raises(PaymentCancelled):
        session.pay(QrCollector(terminal), attempt)
    assert session.state is TxState.CANCELLED
    assert [p.stage for p in seen] == [
        PaymentStage.STARTED,
        PaymentStage.WAITING,
        PaymentStage.CANCELLED,
    ]
    _, visits = held_at_platform(platform, EMPLOYED_PSN_NO)
    assert all(v["mdtrt_id"] not in _visit_ids(terminal, session) for v in visits)


class QrCollector:
    """Shows the QR code (reports it) and waits for the patient's phone."""

    channel = "qr"

    def __init__(self, terminal: Terminal) -> None:
        self.qr = terminal.channels["qr"]

    def __call__(self, order_no: str, amount: Money, attempt: PaymentAttempt):
        def show(order) -> None:
            attempt.report(
                PaymentProgress(order_no, self.channel, amount, PaymentStage.WAITING, order.qr_url)
            )

        return self.qr.collect(  # type: ignore[attr-defined]
            order_no, amount, show, timeout=attempt.timeout, cancel=attempt.cancel
        )


def _visit_ids(terminal: Terminal, session: CheckoutSession) -> set[str]:
    return {
        str((r.response or {}).get("data", {}).get("mdtrt_id", ""))
        for r in terminal.journal.requests_of(session.tx_id)
        if r.infno == "2201"
    }


def test_the_event_stream_of_a_whole_checkout_is_in_order_and_holds_nothing_personal(
    make_terminal,
) -> None:
    terminal = make_terminal()
    changes: list[JournalChange] = []
    unsubscribe = terminal.journal.subscribe(changes.append)
    outcome = terminal.saga.run(
        _request(Credential(CredentialKind.ID_NUMBER, EMPLOYED)), paycode(terminal)
    )
    unsubscribe()
    mine = [c for c in changes if c.tx_id == outcome.transaction.tx_id]
    transaction_states = [c.new for c in mine if c.entity.value == "transaction"]
    assert transaction_states == [
        "created",
        "identified",
        "billed",
        "presettled",
        "collecting",
        "settled",
        "completed",
    ]
    assert [c.seq for c in changes] == sorted(c.seq for c in changes)
    payments = [(c.old, c.new) for c in mine if c.entity.value == "payment"]
    assert payments == [(None, "pending"), ("pending", "collected")]
    requests = [c for c in mine if c.entity.value == "request"]
    assert {"prepared", "sent", "succeeded"} <= {c.new for c in requests}
    text = json.dumps([c.details for c in changes], ensure_ascii=False)
    identity = outcome.transaction.identity
    assert identity is not None
    for personal in (identity.certno, identity.name, identity.psn_no):
        assert personal not in text


def _request(credential: Credential):
    from terminal.flows.checkout import CheckoutRequest

    return CheckoutRequest(
        TxKind.OUTPATIENT, credential, (line("X1", "28.50", 2),), use_account=False
    )
