"""The kiosk journey as a state machine, without Qt: a fake checkout session stands in for
the steppable saga (a fake is fine in a unit test of one class), and the runner runs each
step synchronously, so every transition is visible at once. The same journeys on the real
saga and simulators are the screen tests of tests/ui/kiosk/."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from journey_fakes import (
    VOUCHER,
    Clock,
    FakeCard,
    FakeCheckout,
    QrCollector,
    SyncRunner,
)

from drivers.printer.errors import PaperOutError
from drivers.smartcard.errors import PinBlockedError, PinRequiredError, WrongPinError
from kernel.money import ZERO, Money
from kernel.states import TxKind
from terminal.central.errors import BusinessError
from terminal.central.results import MutualAidMember
from terminal.flows.checkout import SettlementRefused
from terminal.flows.identify import Credential, CredentialKind
from terminal.flows.journey import (
    TRANSITIONS,
    Event,
    Journey,
    JourneySettings,
    JourneySettingsError,
    PayMethod,
    Step,
)
from terminal.payment.errors import PaymentCancelled, PaymentDeclined, PaymentTimeout
from ui.kiosk import sample


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def runner() -> SyncRunner:
    return SyncRunner()


@pytest.fixture
def checkout() -> FakeCheckout:
    return FakeCheckout()


def make(
    checkout: FakeCheckout, runner: SyncRunner, clock: Clock, card: FakeCard | None = None,
    printer: Callable[[Any, Any], None] | None = None, **settings: Any,
) -> Journey:
    return Journey(
        checkout, runner, JourneySettings(**settings), card=card, clock=clock,
        make_collector=QrCollector, print_receipt=printer,
    )


def to_breakdown(journey: Journey) -> None:
    journey.send(Event.SCANNED, VOUCHER)
    assert journey.view.step is Step.ORDERS
    journey.send(Event.ORDERS_CHOSEN, [o.rxno for o in sample.ORDERS])
    assert journey.view.step is Step.BREAKDOWN


def test_a_scanned_voucher_identifies_and_shows_the_persons_orders(checkout, runner, clock):
    journey = make(checkout, runner, clock)
    journey.send(Event.SCANNED, VOUCHER)
    assert journey.view.step is Step.ORDERS
    assert journey.view.person == sample.PERSON
    assert journey.view.orders == sample.ORDERS
    assert journey.view.reference == "TX-0001"
    assert checkout.kinds == [TxKind.OUTPATIENT]


def test_choosing_orders_bills_only_their_lines_and_shows_the_presettled_split(
    checkout, runner, clock
):
    journey = make(checkout, runner, clock)
    journey.send(Event.SCANNED, VOUCHER)
    journey.send(Event.ORDERS_CHOSEN, [sample.ORDERS[1].rxno])
    assert journey.view.step is Step.BREAKDOWN
    assert {line.rxno for line in checkout.session.billed} == {sample.ORDERS[1].rxno}
    assert journey.view.due == sample.breakdown().psn_cash_pay


def test_paying_by_qr_shows_the_code_then_settles_and_is_done(checkout, runner, clock):
    seen: list[tuple[Step, str]] = []
    journey = make(checkout, runner, clock)
    journey.subscribe(lambda view: seen.append((view.step, view.qr_url)))
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.QR)
    assert (Step.PAYING, sample.QR_URL) in seen
    assert journey.view.step is Step.DONE
    assert checkout.session.calls[2:] == ["confirm", "pay", "settle", "complete"]


def test_nothing_due_settles_without_any_payment(checkout, runner, clock):
    checkout.session.due = ZERO
    journey = make(checkout, runner, clock)
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.QR)
    assert journey.view.step is Step.DONE
    assert "pay" not in checkout.session.calls


def test_a_card_that_needs_its_pin_asks_for_it_and_sends_it_to_the_card_once(
    checkout, runner, clock
):
    card = FakeCard([PinRequiredError(), Credential(CredentialKind.CARD, "A440300")])
    journey = make(checkout, runner, clock, card=card)
    journey.send(Event.CARD_INSERTED)
    assert journey.view.step is Step.PIN
    journey.send(Event.PIN_ENTERED, "123456")
    assert card.pins == [None, "123456"]
    assert journey.view.step is Step.ORDERS
    assert journey._pin is None


def test_the_keypad_shows_the_tries_the_card_has_before_the_first_pin(checkout, runner, clock):
    card = FakeCard([PinRequiredError(tries_left=3)])
    journey = make(checkout, runner, clock, card=card)
    journey.send(Event.CARD_INSERTED)
    assert journey.view.step is Step.PIN
    assert (journey.view.tries_left, journey.view.pin_wrong) == (3, False)


def test_a_wrong_pin_returns_to_the_keypad_with_the_tries_left(checkout, runner, clock):
    card = FakeCard([PinRequiredError(tries_left=3), WrongPinError(2)])
    journey = make(checkout, runner, clock, card=card)
    journey.send(Event.CARD_INSERTED)
    journey.send(Event.PIN_ENTERED, "000000")
    assert journey.view.step is Step.PIN
    assert (journey.view.tries_left, journey.view.pin_wrong) == (2, True)


def test_a_card_with_no_tries_left_goes_to_the_blocked_notice_without_the_keypad(
    checkout, runner, clock
):
    card = FakeCard([PinBlockedError("no tries left")])  # what the tries query answers
    journey = make(checkout, runner, clock, card=card)
    seen: list[Step] = []
    journey.subscribe(lambda view: seen.append(view.step))
    journey.send(Event.CARD_INSERTED)
    assert journey.view.step is Step.PIN_BLOCKED
    assert Step.PIN not in seen


def test_a_blocked_card_is_explained_and_returns_to_the_start_after_the_notice(
    checkout, runner, clock
):
    card = FakeCard([PinRequiredError(), PinBlockedError()])
    journey = make(checkout, runner, clock, card=card, notice_s=20)
    journey.send(Event.CARD_INSERTED)
    journey.send(Event.PIN_ENTERED, "000000")
    assert journey.view.step is Step.PIN_BLOCKED
    clock.now += 19
    journey.tick(clock.now)
    assert journey.view.step is Step.PIN_BLOCKED
    clock.now += 2
    journey.tick(clock.now)
    assert journey.view.step is Step.WELCOME


def test_a_card_pulled_out_before_payment_cancels_the_checkout(checkout, runner, clock):
    card = FakeCard([Credential(CredentialKind.CARD, "A440300")])
    journey = make(checkout, runner, clock, card=card)
    journey.send(Event.CARD_INSERTED)
    journey.send(Event.ORDERS_CHOSEN, [o.rxno for o in sample.ORDERS])
    assert journey.view.step is Step.BREAKDOWN
    journey.send(Event.CARD_PULLED)
    assert journey.view.step is Step.CARD_REMOVED
    assert checkout.session.calls[-1].startswith("cancel:")


def test_a_card_pulled_out_while_paying_changes_nothing(checkout, runner, clock):
    card = FakeCard([Credential(CredentialKind.CARD, "A440300")])
    journey = make(checkout, runner, clock, card=card)
    journey.send(Event.CARD_INSERTED)
    journey.send(Event.ORDERS_CHOSEN, [o.rxno for o in sample.ORDERS])
    runner.hold = True
    journey.send(Event.PAY, PayMethod.QR)
    assert journey.send(Event.CARD_PULLED) is False
    assert journey.view.step is Step.PAYING


def test_cancel_while_paying_stops_the_payment_then_cancels_the_checkout(
    checkout, runner, clock
):
    checkout.session.pay_error = PaymentCancelled()
    journey = make(checkout, runner, clock)
    to_breakdown(journey)
    runner.hold = True
    journey.send(Event.PAY, PayMethod.QR)
    assert journey.send(Event.CANCEL) is True
    assert journey._pay_cancel is not None and journey._pay_cancel.is_set()
    runner.hold = False
    runner.release()
    assert journey.view.step is Step.WELCOME
    assert checkout.session.calls[-1].startswith("cancel:")


def test_the_payment_waits_as_long_as_the_payment_timeout_and_the_step_time(
    checkout, runner, clock
):
    journey = make(checkout, runner, clock, pay_timeout_s=120, wait_s=30)
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.QR)
    assert runner.timeouts["pay"] == 150
    assert runner.timeouts["identify"] == 30


@pytest.mark.parametrize(
    ("error", "step"),
    [
        (PaymentTimeout(), Step.QR_EXPIRED),
        (RuntimeError("bug"), Step.FAILED),
    ],
)
def test_a_payment_that_fails_has_its_own_screen(checkout, runner, clock, error, step):
    checkout.session.pay_error = error
    journey = make(checkout, runner, clock)
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.QR)
    assert journey.view.step is step
    assert journey.view.reference == "TX-0001"


def test_a_payment_timeout_offers_to_pay_again_from_the_breakdown(checkout, runner, clock):
    checkout.session.pay_error = PaymentTimeout()
    journey = make(checkout, runner, clock)
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.QR)
    journey.send(Event.RETRY)
    assert journey.view.step is Step.BREAKDOWN


def test_an_unpaid_qr_code_is_expired_and_paying_again_reuses_the_checkout(
    checkout, runner, clock
):
    checkout.session.pay_error = PaymentTimeout()
    journey = make(checkout, runner, clock)
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.QR)
    assert journey.view.step is Step.QR_EXPIRED
    assert checkout.session.attempts[-1].timeout == journey.settings.pay_timeout_s
    journey.send(Event.RETRY)
    checkout.session.pay_error = None
    journey.send(Event.PAY, PayMethod.QR)
    assert journey.view.step is Step.DONE
    assert checkout.session.calls.count("confirm") == 1  # the same checkout, paid again
    assert not any(call.startswith("cancel") for call in checkout.session.calls)


def test_the_qr_code_on_screen_counts_down_from_what_the_channel_reports(
    checkout, runner, clock
):
    seen: list = []
    journey = make(checkout, runner, clock, pay_timeout_s=120)
    journey.subscribe(seen.append)
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.QR)
    shown = next(v for v in seen if v.step is Step.PAYING and v.qr_url)
    assert shown.qr_url == sample.QR_URL
    assert (shown.deadline, shown.deadline_total) == (clock.now + 120, 120)


def recording(made: list[QrCollector]) -> Callable[[PayMethod, str], QrCollector]:
    """A collector factory that keeps what each collector was made with."""

    def collector(method: PayMethod, token: str) -> QrCollector:
        made.append(QrCollector(method, token))
        return made[-1]

    return collector


def test_a_payment_code_is_waited_for_then_charged(checkout, runner, clock):
    made: list[QrCollector] = []
    journey = make(checkout, runner, clock, pay_timeout_s=60)
    journey._make_collector = recording(made)
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.PAYMENT_CODE)
    assert journey.view.step is Step.SHOW_PAYCODE
    assert journey.view.deadline == clock.now + 60
    assert "confirm" not in checkout.session.calls  # nothing moves before the code is shown
    journey.send(Event.PAYCODE_SCANNED, "134567890123456789")
    assert journey.view.step is Step.DONE
    assert (made[0].method, made[0].token) == (PayMethod.PAYMENT_CODE, "134567890123456789")


def test_a_payment_code_not_confirmed_in_time_is_a_payment_timeout(checkout, runner, clock):
    checkout.session.pay_error = PaymentTimeout()
    journey = make(checkout, runner, clock)
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.PAYMENT_CODE)
    journey.send(Event.PAYCODE_SCANNED, "134567890123456789")
    assert journey.view.step is Step.PAY_TIMEOUT


def test_no_payment_code_shown_in_time_has_its_own_screen_and_no_money_moved(
    checkout, runner, clock
):
    journey = make(checkout, runner, clock, pay_timeout_s=60)
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.PAYMENT_CODE)
    clock.now += 61
    journey.tick(clock.now)
    assert journey.view.step is Step.PAY_TIMEOUT
    assert "confirm" not in checkout.session.calls


def test_credit_is_taken_under_the_persons_platform_number(checkout, runner, clock):
    made: list[QrCollector] = []
    journey = make(checkout, runner, clock)
    journey._make_collector = recording(made)
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.CREDIT)
    assert (made[0].method, made[0].token) == (PayMethod.CREDIT, sample.PERSON.psn_no)


def test_a_declined_payment_returns_to_the_breakdown_with_the_reason(checkout, runner, clock):
    checkout.session.pay_error = PaymentDeclined(reason="CREDIT_LIMIT")
    journey = make(checkout, runner, clock)
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.CREDIT)
    assert journey.view.step is Step.BREAKDOWN
    assert journey.view.reason == "CREDIT_LIMIT"


def test_a_family_members_account_is_offered_and_used_only_when_accepted(
    checkout, runner, clock
):
    member = MutualAidMember("44030000000000000004", "刘洋", "spouse", Money("300.00"))
    checkout.session.person = dataclasses.replace(sample.PERSON, mulaid=(member,))
    journey = make(checkout, runner, clock)
    journey.send(Event.SCANNED, VOUCHER)
    journey.send(Event.ORDERS_CHOSEN, [o.rxno for o in sample.ORDERS])
    assert journey.view.step is Step.MULAID
    assert journey.view.mulaid == member
    assert checkout.session.mulaid_asked == [""]
    journey.send(Event.MULAID_ACCEPT)
    assert journey.view.step is Step.BREAKDOWN and journey.view.mulaid_used
    assert checkout.session.mulaid_asked == ["", member.psn_no]


def test_declining_the_family_account_keeps_the_first_split(checkout, runner, clock):
    member = MutualAidMember("44030000000000000004", "刘洋", "spouse", Money("300.00"))
    checkout.session.person = dataclasses.replace(sample.PERSON, mulaid=(member,))
    journey = make(checkout, runner, clock)
    journey.send(Event.SCANNED, VOUCHER)
    journey.send(Event.ORDERS_CHOSEN, [o.rxno for o in sample.ORDERS])
    journey.send(Event.MULAID_DECLINE)
    assert journey.view.step is Step.BREAKDOWN and not journey.view.mulaid_used
    assert checkout.session.mulaid_asked == [""]


def test_declining_the_commercial_plan_presettles_again_without_it_and_due_is_the_cash_part(
    checkout, runner, clock
):
    checkout.session.commercial_pay = Money("5.60")
    journey = make(checkout, runner, clock)
    to_breakdown(journey)
    cash = sample.breakdown().psn_cash_pay
    assert journey.view.due == cash - Money("5.60")
    journey.send(Event.COMMERCIAL_DECLINE)
    assert journey.view.step is Step.BREAKDOWN and journey.view.commercial_declined
    assert checkout.session.commercial_used == [True, False]
    assert journey.view.breakdown.commercial_pay == ZERO and journey.view.due == cash
    assert checkout.session.calls == ["identify", "presettle", "presettle"]  # nothing else


def test_declining_the_plan_after_declining_the_family_account_does_not_ask_again(
    checkout, runner, clock
):
    member = MutualAidMember("44030000000000000004", "刘洋", "spouse", Money("300.00"))
    checkout.session.person = dataclasses.replace(sample.PERSON, mulaid=(member,))
    checkout.session.commercial_pay = Money("5.60")
    journey = make(checkout, runner, clock)
    journey.send(Event.SCANNED, VOUCHER)
    journey.send(Event.ORDERS_CHOSEN, [o.rxno for o in sample.ORDERS])
    journey.send(Event.MULAID_DECLINE)
    journey.send(Event.COMMERCIAL_DECLINE)
    assert journey.view.step is Step.BREAKDOWN and not journey.view.mulaid_used
    assert checkout.session.mulaid_asked == ["", ""]
    assert checkout.session.commercial_used == [True, False]


def test_the_plan_declined_is_forgotten_by_the_next_patient(checkout, runner, clock):
    checkout.session.commercial_pay = Money("5.60")
    journey = make(checkout, runner, clock)
    to_breakdown(journey)
    journey.send(Event.COMMERCIAL_DECLINE)
    journey.send(Event.CANCEL)
    assert journey.view.step is Step.WELCOME and not journey.view.commercial_declined
    to_breakdown(journey)
    assert checkout.session.commercial_used[-1] is True


def test_a_card_pulled_out_does_not_concern_a_journey_begun_with_an_e_voucher(
    checkout, runner, clock
):
    journey = make(checkout, runner, clock)
    to_breakdown(journey)
    assert journey.send(Event.CARD_PULLED) is False
    assert journey.view.step is Step.BREAKDOWN


def test_a_failure_prints_a_slip_with_the_reference(checkout, runner, clock):
    slips: list[str] = []
    checkout.session.settle_error = RuntimeError("bug")
    journey = make(checkout, runner, clock)
    journey._print_slip = lambda view: slips.append(view.reference)
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.QR)
    assert journey.view.step is Step.FAILED
    assert slips == ["TX-0001"] and journey.view.slip_printed is True


def test_the_forwarders_link_state_shows_between_patients(checkout, runner, clock):
    journey = make(checkout, runner, clock)
    journey.link(True)
    assert journey.view.offline
    journey.link(False)
    assert not journey.view.offline


def test_a_refused_settlement_shows_the_platforms_reason_and_is_not_cancelled(
    checkout, runner, clock
):
    refused = SettlementRefused("2207: infcode -2")  # as the saga raises it: from the refusal
    refused.__cause__ = BusinessError("参保人已停保", infno="2207")
    checkout.session.settle_error = refused
    journey = make(checkout, runner, clock)
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.QR)
    assert journey.view.step is Step.REFUSED
    assert journey.view.reason == "参保人已停保"
    journey.send(Event.FINISH)
    assert not any(call.startswith("cancel") for call in checkout.session.calls)


def test_a_printer_out_of_paper_after_settlement_has_its_own_screen(checkout, runner, clock):
    def printer(outcome: Any, method: Any) -> None:
        raise PaperOutError()

    journey = make(checkout, runner, clock, printer=printer)
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.QR)
    assert journey.view.step is Step.PAPER_OUT


def test_idle_asks_still_there_and_a_touch_returns_to_the_same_step(checkout, runner, clock):
    journey = make(checkout, runner, clock, idle_s=90, still_there_s=10)
    to_breakdown(journey)
    clock.now += 89
    journey.tick(clock.now)
    assert journey.view.step is Step.BREAKDOWN
    clock.now += 2
    journey.tick(clock.now)
    assert journey.view.step is Step.STILL_THERE
    journey.send(Event.STILL_HERE)
    assert journey.view.step is Step.BREAKDOWN
    assert journey.view.person == sample.PERSON


def test_a_touch_postpones_the_idle_timeout(checkout, runner, clock):
    journey = make(checkout, runner, clock, idle_s=90)
    to_breakdown(journey)
    clock.now += 80
    journey.touch()
    clock.now += 80
    journey.tick(clock.now)
    assert journey.view.step is Step.BREAKDOWN


def test_idle_then_no_answer_wipes_the_patient_and_cancels_the_checkout(
    checkout, runner, clock
):
    journey = make(checkout, runner, clock, idle_s=90, still_there_s=10)
    to_breakdown(journey)
    clock.now += 91
    journey.tick(clock.now)
    clock.now += 11
    journey.tick(clock.now)
    assert journey.view.step is Step.WELCOME
    assert journey.view.person is None and journey.view.breakdown is None
    assert journey.view.orders == () and journey.view.reference == ""
    assert journey._session is None and journey._credential is None
    assert checkout.session.calls[-1].startswith("cancel:")


def test_no_idle_timeout_while_money_moves(checkout, runner, clock):
    journey = make(checkout, runner, clock, idle_s=90)
    to_breakdown(journey)
    runner.hold = True
    journey.send(Event.PAY, PayMethod.QR)
    clock.now += 10_000
    journey.tick(clock.now)
    assert journey.view.step is Step.PAYING


def test_a_late_answer_after_the_patient_left_is_dropped(checkout, runner, clock):
    journey = make(checkout, runner, clock)
    runner.hold = True
    journey.send(Event.SCANNED, VOUCHER)
    journey.send(Event.CANCEL)
    assert journey.view.step is Step.WELCOME
    runner.hold = False
    runner.release()
    assert journey.view.step is Step.WELCOME and journey.view.person is None


def test_the_done_screen_returns_to_the_start_by_itself(checkout, runner, clock):
    journey = make(checkout, runner, clock, idle_s=30)
    to_breakdown(journey)
    journey.send(Event.PAY, PayMethod.QR)
    clock.now += 31
    journey.tick(clock.now)
    assert journey.view.step is Step.WELCOME


def test_events_that_do_not_apply_are_ignored(checkout, runner, clock):
    journey = make(checkout, runner, clock)
    assert journey.send(Event.PAID) is False
    assert journey.view.step is Step.WELCOME


def test_every_step_leads_back_to_the_start_except_settling_which_only_ends():
    leaving = {step for (step, event), target in TRANSITIONS.items() if target is Step.WELCOME}
    assert set(Step) - leaving == {Step.WELCOME, Step.SETTLING}


def test_elder_mode_lengthens_the_patients_times_but_not_the_cores():
    settings = JourneySettings(idle_s=90, wait_s=30, elder_factor=1.5).scaled(True)
    assert settings.idle_s == 135 and settings.still_there_s == 15
    assert settings.wait_s == 30


def test_settings_come_from_the_kiosk_section_and_the_time_to_pay_from_payment():
    settings = JourneySettings.from_mapping({"idle_s": 60, "kind": "pharmacy"}, pay_timeout_s=45)
    assert settings.idle_s == 60 and settings.kind is TxKind.PHARMACY
    assert settings.pay_timeout_s == 45


@pytest.mark.parametrize(
    "table",
    [{"idle_s": 0}, {"idle_s": "90"}, {"idle_s": True}, {"idle": 90}, {"kind": "shop"},
     {"elder_factor": 0.5}, {"pay_timeout_s": 60}],
)
def test_settings_refuse_garbage_with_the_key_named(table):
    with pytest.raises(JourneySettingsError) as info:
        JourneySettings.from_mapping(table)
    assert info.value.code == "E250"
    assert "kiosk." in info.value.detail
