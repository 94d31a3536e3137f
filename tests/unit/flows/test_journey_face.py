"""The face check's states of the journey, without Qt: identification by face from the
welcome screen, verification after a card (`face_check = "always"`), a failed check with
its tries, and a staff member vouching (PIN, reason, audited) so that no patient is stuck.
The face port is a fake here (a unit test of one class); tests/ui/kiosk/test_face_journeys.py
runs the same journeys on the real face service, camera file and simulator."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from journey_fakes import FACE, VOUCHER, Clock, FakeCheckout, FakeFace, QrCollector, SyncRunner

from drivers.face.errors import FaceMismatchError, LivenessTimeoutError, StillImageError
from terminal.flows.identify import CredentialKind
from terminal.flows.journey import Event, Journey, JourneySettings, JourneySettingsError, Step
from terminal.flows.journey_face import FaceCheck, StaffPins, hash_staff_pin

STAFF_PIN = "246810"
PINS = StaffPins.parse({"S07": hash_staff_pin(STAFF_PIN, iterations=10_000)})


@pytest.fixture
def checkout() -> FakeCheckout:
    return FakeCheckout()


def make(checkout: FakeCheckout, face: FakeFace | None, **settings: Any) -> Journey:
    settings.setdefault("staff_pins", PINS)
    return Journey(checkout, SyncRunner(), JourneySettings(**settings), clock=Clock(),
                   make_collector=QrCollector, face=face)


def to_staff_reason(journey: Journey) -> None:
    journey.send(Event.STAFF_HELP)
    assert journey.view.step is Step.STAFF_PIN
    journey.send(Event.STAFF_PIN_ENTERED, STAFF_PIN)
    assert journey.view.step is Step.STAFF_REASON and journey.view.staff == "S07"


def test_a_face_chosen_at_the_welcome_identifies_through_the_face_credential(checkout):
    face = FakeFace([FACE])
    journey = make(checkout, face)
    seen: list[tuple[Step, str]] = []
    journey.subscribe(lambda view: seen.append((view.step, view.face_prompt)))
    journey.send(Event.FACE_CHOSEN)
    assert journey.view.step is Step.ORDERS
    assert journey.view.credential_kind is CredentialKind.FACE
    assert (Step.FACE, "BLINK") in seen  # the prompts were shown while looking


def test_the_face_step_counts_down_the_checks_own_time_and_never_goes_idle(checkout):
    face = FakeFace([])
    journey = make(checkout, face)
    journey._runner.hold = True
    journey.send(Event.FACE_CHOSEN)
    assert journey.view.step is Step.FACE
    assert journey.view.deadline_total == face.timeout_s
    deadline = journey.view.deadline
    journey._clock.now += 3
    journey.touch()  # a touch does not lengthen the check's own time
    assert journey.view.deadline == deadline
    journey.tick(journey.view.deadline + 1000)
    assert journey.view.step is Step.FACE


def test_a_failed_check_says_the_tries_left_and_may_be_tried_again(checkout):
    journey = make(checkout, FakeFace([StillImageError(), FACE]), face_tries=2)
    journey.send(Event.FACE_CHOSEN)
    assert journey.view.step is Step.FACE_FAILED
    assert journey.view.face_failures == 1 and journey.view.face_tries_left == 1
    assert journey.view.face_error == StillImageError.code and journey.view.staff_offered
    journey.send(Event.RETRY)
    assert journey.view.step is Step.ORDERS


def test_when_no_tries_are_left_only_staff_help_or_another_way_remain(checkout):
    journey = make(checkout, FakeFace([LivenessTimeoutError()]), face_tries=1)
    journey.send(Event.FACE_CHOSEN)
    assert journey.view.face_tries_left == 0
    assert not journey.send(Event.RETRY)
    assert journey.send(Event.STAFF_HELP)


def test_staff_help_is_not_offered_without_staff_pins(checkout):
    journey = make(checkout, FakeFace([LivenessTimeoutError()]), staff_pins=StaffPins({}))
    journey.send(Event.FACE_CHOSEN)
    assert not journey.send(Event.STAFF_HELP)
    assert journey.send(Event.CANCEL) and journey.view.step is Step.WELCOME


def test_a_staff_member_vouches_with_pin_and_reason_and_the_face_is_then_searched(checkout):
    face = FakeFace([LivenessTimeoutError(), FACE])
    journey = make(checkout, face)
    journey.send(Event.FACE_CHOSEN)
    to_staff_reason(journey)
    journey.send(Event.STAFF_REASON, "facial_condition")
    assert journey.view.step is Step.ORDERS
    assert face.calls == ["identify", "attested"]
    assert face.audited == [{"tx_id": None, "staff": "S07", "reason": "facial_condition",
                             "verifying": False, "failures": 1}]


def test_a_reason_not_on_the_list_is_refused(checkout):
    journey = make(checkout, FakeFace([LivenessTimeoutError()]))
    journey.send(Event.FACE_CHOSEN)
    to_staff_reason(journey)
    assert not journey.send(Event.STAFF_REASON, "because")
    assert journey.view.step is Step.STAFF_REASON


def test_a_wrong_staff_pin_says_the_tries_left_and_too_many_return_to_the_start(checkout):
    face = FakeFace([LivenessTimeoutError()])
    journey = make(checkout, face, staff_tries=2)
    journey.send(Event.FACE_CHOSEN)
    journey.send(Event.STAFF_HELP)
    journey.send(Event.STAFF_PIN_ENTERED, "000000")
    assert journey.view.step is Step.STAFF_PIN and journey.view.staff_tries_left == 1
    journey.send(Event.STAFF_PIN_ENTERED, "111111")
    assert journey.view.step is Step.WELCOME and journey.view.staff_tries_left is None
    assert face.audited == []


def test_face_check_always_verifies_the_card_holder_before_the_orders(checkout):
    face = FakeFace([None])
    journey = make(checkout, face, face_check=FaceCheck.ALWAYS)
    journey.send(Event.SCANNED, VOUCHER)
    assert face.calls == ["verify"]
    assert journey.view.step is Step.ORDERS and journey.view.person is not None


def test_a_mismatch_after_a_card_is_vouched_for_with_the_checkout_audited(checkout):
    face = FakeFace([FaceMismatchError()])
    journey = make(checkout, face, face_check=FaceCheck.ALWAYS)
    journey.send(Event.SCANNED, VOUCHER)
    assert journey.view.step is Step.FACE_FAILED
    to_staff_reason(journey)
    journey.send(Event.STAFF_REASON, "elderly")
    assert journey.view.step is Step.ORDERS
    assert face.audited[0]["tx_id"] == checkout.session.tx_id
    assert face.audited[0]["verifying"] is True


def test_cancel_during_a_verification_cancels_the_checkout(checkout):
    journey = make(checkout, FakeFace([FaceMismatchError()]), face_check=FaceCheck.ALWAYS)
    journey.send(Event.SCANNED, VOUCHER)
    journey.send(Event.CANCEL)
    assert journey.view.step is Step.WELCOME
    assert any(c.startswith("cancel:") for c in checkout.session.calls)


@pytest.mark.parametrize("settings", [{"face_check": FaceCheck.NEVER}, {}])
def test_face_is_not_offered_when_never_configured_or_without_a_camera(checkout, settings):
    journey = make(checkout, None if not settings else FakeFace([]), **settings)
    assert not journey.send(Event.FACE_CHOSEN)
    assert journey.view.step is Step.WELCOME


def test_the_face_settings_come_from_the_kiosk_section():
    pin_hash = hash_staff_pin("123456", iterations=10_000)
    settings = JourneySettings.from_mapping(
        {"face_check": "always", "face_tries": 2, "staff_pins": {"S01": pin_hash}}
    )
    assert settings.face_check is FaceCheck.ALWAYS and settings.face_tries == 2
    assert settings.staff_pins.match("123456") == "S01"
    assert settings.staff_pins.match("654321") is None


@pytest.mark.parametrize(
    "table",
    [{"face_check": "sometimes"}, {"face_tries": 0}, {"staff_tries": 2.5},
     {"face_tries": True}, {"staff_pins": "123456"}, {"staff_pins": {"S01": "123456"}},
     {"staff_pins": {"S01": "pbkdf2_sha256$10$00$00"}}],
)
def test_bad_face_settings_are_refused_with_the_key_named(table):
    with pytest.raises(JourneySettingsError) as info:
        JourneySettings.from_mapping(table)
    assert info.value.code == "E250" and "kiosk." in info.value.detail


@given(st.dictionaries(st.text(max_size=8), st.one_of(st.text(max_size=120), st.integers())))
def test_staff_pin_hashes_that_are_not_ours_are_refused_never_crash(table):
    try:
        pins = StaffPins.parse(table)
    except ValueError as err:
        assert "kiosk.staff_pins" in str(err)
    else:
        assert bool(pins) == bool(table)
