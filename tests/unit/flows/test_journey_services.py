"""The services beside paying as journey states, without Qt: registration, today's payments
with a copy, my prescriptions and drug prices (a fake of the services and of the session: a
unit test of one class). The same journeys on the real core are in tests/ui/kiosk/."""

from __future__ import annotations

import pytest
from journey_fakes import VOUCHER, Clock, FakeCheckout, FakeServices, QrCollector, SyncRunner

from drivers.printer.errors import PaperOutError
from drivers.scanner.classify import classify
from drivers.scanner.events import Scanned
from terminal.flows.journey import TRANSITIONS, Event, Journey, JourneySettings, PayMethod, Step
from terminal.flows.journey_devices import journey_event
from terminal.flows.kiosk_services import PlanOutcome, PlanResult
from terminal.his import HisError, RegistrationFull
from terminal.rx.errors import PriceQueryInvalid
from ui.kiosk import sample


@pytest.fixture
def services() -> FakeServices:
    return FakeServices()


@pytest.fixture
def checkout() -> FakeCheckout:
    return FakeCheckout()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def journey(checkout: FakeCheckout, services: FakeServices, clock: Clock) -> Journey:
    return Journey(checkout, SyncRunner(), JourneySettings(), clock=clock,
                   make_collector=QrCollector, services=services)


def identified(journey: Journey) -> Journey:
    journey.send(Event.SCANNED, VOUCHER)
    assert journey.view.step is Step.ORDERS
    return journey


def test_identification_offers_the_services_the_kiosk_has(journey):
    view = identified(journey).view
    assert view.registration_offered and view.rx_offered


def test_registering_lists_doctors_then_bills_the_fee_through_the_checkout(
    journey, checkout, services
):
    identified(journey).send(Event.REGISTER_CHOSEN)
    assert journey.view.step is Step.REGISTER
    assert journey.view.departments == sample.DEPARTMENTS
    journey.send(Event.DOCTOR_CHOSEN, ("D0101", "am"))
    assert services.calls[-1] == ("register", "TX-0001", "D0101", "am")
    assert journey.view.step is Step.BREAKDOWN
    assert [line.med_list_codg for line in checkout.session.billed] == ["REG03"]
    journey.send(Event.PAY, PayMethod.QR)
    assert journey.view.step is Step.DONE


def test_a_doctor_with_no_numbers_left_returns_to_the_choice_saying_so(journey, services):
    identified(journey).send(Event.REGISTER_CHOSEN)
    services.error = RegistrationFull("HTTP 409")
    journey.send(Event.DOCTOR_CHOSEN, ("D0101", "pm"))
    assert journey.view.step is Step.REGISTER
    assert journey.view.notice == "full"
    assert journey.view.departments == sample.DEPARTMENTS  # listed again, fresh


def test_the_his_down_is_a_notice_on_the_register_screen_not_a_failure_slip(
    journey, services
):
    services.error = HisError("down")
    identified(journey).send(Event.REGISTER_CHOSEN)
    assert journey.view.step is Step.REGISTER
    assert journey.view.notice == "unavailable" and journey.view.departments is None


def test_todays_payments_are_listed_and_a_copy_is_printed_of_the_one_chosen(
    journey, services
):
    identified(journey).send(Event.PAID_TODAY_CHOSEN)
    assert journey.view.paid_today == sample.PAID_TODAY
    journey.send(Event.REPRINT, "TX-20250301-0017")
    assert services.calls[-1] == ("reprint", "TX-0001", "TX-20250301-0017")
    assert journey.view.step is Step.PAID_TODAY
    assert journey.view.reprinted == "TX-20250301-0017"
    assert journey.view.paid_today == sample.PAID_TODAY


def test_a_copy_the_printer_could_not_print_says_so_on_the_list(journey, services):
    identified(journey).send(Event.PAID_TODAY_CHOSEN)
    services.error = PaperOutError("no paper")
    journey.send(Event.REPRINT, "TX-20250301-0017")
    assert journey.view.step is Step.PAID_TODAY
    assert journey.view.notice == "paper_out" and not journey.view.reprinted


def test_my_prescriptions_are_listed_with_each_drugs_pharmacies(journey):
    identified(journey).send(Event.MY_RX_CHOSEN)
    assert journey.view.step is Step.MY_RX
    assert journey.view.prescriptions == sample.PRESCRIPTIONS


@pytest.mark.parametrize("chosen", [Event.REGISTER_CHOSEN, Event.PAID_TODAY_CHOSEN,
                                    Event.MY_RX_CHOSEN])
def test_back_from_a_service_returns_to_the_orders_with_the_session_kept(journey, chosen):
    identified(journey).send(chosen)
    journey.send(Event.BACK)
    assert journey.view.step is Step.ORDERS and journey.view.reference == "TX-0001"


def test_drug_prices_need_no_identification_and_show_the_answer(journey, services, checkout):
    journey.send(Event.PRICES_CHOSEN)
    assert journey.view.step is Step.PRICES and journey.view.person is None
    journey.send(Event.PRICE_QUERY, "XSGYP")
    assert journey.view.prices == sample.PRICES
    assert services.calls == [("prices", "XSGYP")]
    assert checkout.kinds == []  # no checkout was begun


def test_a_garbage_price_query_is_a_notice_and_no_answer(journey, services):
    journey.send(Event.PRICES_CHOSEN)
    services.error = PriceQueryInvalid("not a query")
    journey.send(Event.PRICE_QUERY, "%%%")
    assert journey.view.step is Step.PRICES
    assert journey.view.notice == "query_invalid" and journey.view.prices is None


def test_a_new_query_clears_the_last_notice(journey, services):
    journey.send(Event.PRICES_CHOSEN)
    services.error = PriceQueryInvalid("not a query")
    journey.send(Event.PRICE_QUERY, "%%%")
    journey.send(Event.PRICE_QUERY, "XSGYP")
    assert journey.view.notice == "" and journey.view.prices == sample.PRICES


@pytest.mark.parametrize("step", [Step.REGISTER, Step.PAID_TODAY, Step.MY_RX, Step.PRICES])
def test_every_service_screen_has_the_idle_timeout_and_cancel(step):
    assert TRANSITIONS[(step, Event.IDLE)] is Step.STILL_THERE
    assert TRANSITIONS[(step, Event.CANCEL)] is Step.WELCOME


def test_the_idle_wipe_drops_the_services_data(journey, clock):
    identified(journey).send(Event.PAID_TODAY_CHOSEN)
    clock.now += JourneySettings().idle_s + 1
    journey.tick(clock.now)
    assert journey.view.step is Step.STILL_THERE
    clock.now += JourneySettings().still_there_s + 1
    journey.tick(clock.now)
    assert journey.view.step is Step.WELCOME
    assert journey.view.paid_today is None and journey.view.person is None


def test_without_services_a_service_screen_says_it_is_unavailable(checkout, clock):
    journey = Journey(checkout, SyncRunner(), JourneySettings(), clock=clock)
    journey.send(Event.PRICES_CHOSEN)
    journey.send(Event.PRICE_QUERY, "XSGYP")
    assert journey.view.notice == "unavailable"
    journey.send(Event.BACK)
    journey.send(Event.SCANNED, VOUCHER)
    assert not journey.view.registration_offered and not journey.view.rx_offered


def test_a_drug_box_scanned_on_the_price_screen_is_the_query(journey, services):
    journey.send(Event.PRICES_CHOSEN)
    scanned = Scanned(device="scanner", scan=classify("6901234567892"), at=0.0)
    journey.send(*journey_event(scanned))
    assert services.calls == [("prices", "6901234567892")]


def test_a_drug_box_scanned_elsewhere_changes_nothing(journey, services):
    scanned = Scanned(device="scanner", scan=classify("6901234567892"), at=0.0)
    assert not journey.send(*journey_event(scanned))
    assert journey.view.step is Step.WELCOME and services.calls == []


def test_the_city_plan_shows_its_offer_and_buys_with_the_consent_the_patient_gave(
    journey, services
):
    identified(journey)
    assert journey.view.plan_offered
    journey.send(Event.PLAN_CHOSEN)
    assert journey.view.step is Step.PLAN
    assert journey.view.plan_offers == (sample.PLAN_OFFER,)
    assert journey.view.plan_balance == sample.PERSON.balc
    journey.send(Event.PLAN_BUY, ("SZHMB2025", True))
    assert services.calls[-1] == ("buy_plan", "TX-0001", "SZHMB2025", "True")
    assert journey.view.step is Step.PLAN_RESULT and journey.view.plan_result == sample.PLAN_BOUGHT
    journey.send(Event.BACK)
    assert journey.view.step is Step.ORDERS


def test_a_refused_purchase_shows_the_platforms_reason_on_the_result_screen(journey, services):
    services.plan_result = PlanResult(PlanOutcome.REFUSED, reason="个人账户余额不足")
    identified(journey).send(Event.PLAN_CHOSEN)
    journey.send(Event.PLAN_BUY, ("SZHMB2025", True))
    assert journey.view.step is Step.PLAN_RESULT
    assert journey.view.plan_result.reason == "个人账户余额不足"


def test_a_purchase_that_cannot_be_made_says_so_on_the_result_screen(journey, services):
    identified(journey).send(Event.PLAN_CHOSEN)
    services.error = HisError("the platform is away")
    journey.send(Event.PLAN_BUY, ("SZHMB2025", True))
    assert journey.view.step is Step.PLAN_RESULT
    assert journey.view.plan_result is None and journey.view.notice == "unavailable"


def test_the_purchase_under_way_has_no_idle_timeout_and_the_wipe_forgets_the_plan(
    checkout, services, clock
):
    runner = SyncRunner()
    journey = Journey(checkout, runner, JourneySettings(), clock=clock,
                      make_collector=QrCollector, services=services)
    identified(journey).send(Event.PLAN_CHOSEN)
    assert journey.view.deadline is not None  # the terms: the idle timeout as any screen
    runner.hold = True
    journey.send(Event.PLAN_BUY, ("SZHMB2025", True))
    assert journey.view.step is Step.PLAN_BUYING and journey.view.deadline is None
    clock.now += 1000
    journey.tick(clock.now)
    assert journey.view.step is Step.PLAN_BUYING  # the account's money may be moving
    runner.release()
    assert journey.view.step is Step.PLAN_RESULT and journey.view.plan_result is not None
    journey.send(Event.CANCEL)
    assert journey.view.plan_offers is None and journey.view.plan_result is None
