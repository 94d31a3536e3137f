"""The social security card driver through pcscd + vpcd against the virtual card."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest

from drivers.base import DeviceEvent
from drivers.smartcard.errors import (
    CardExpiredError,
    CardRemovedError,
    CardStatusError,
    MalformedRecordError,
    NotSocialSecurityCardError,
    PinBlockedError,
    PinRequiredError,
    WrongPinError,
)
from drivers.smartcard.reader import CardInserted, CardRemoved, SocialSecurityCardReader
from simulators.devices.card import VpcdCard

MakeCard = Callable[..., VpcdCard]


def insert(card: VpcdCard, reader: SocialSecurityCardReader) -> None:
    card.insert()
    reader.wait_for_card(5)


@pytest.mark.parametrize("version", ["1.00", "2.00", "3.00"])
def test_each_card_version_reads_the_holder(
    version: str, make_card: MakeCard, card_reader: SocialSecurityCardReader
) -> None:
    card = make_card(version)
    insert(card, card_reader)
    identity = card_reader.read_identity(pin="123456")
    assert identity.card.version == version
    assert identity.card.card_no == "A12345678"
    assert identity.card.region == "440300"
    assert identity.holder.certno == "440301199001011234"
    assert identity.holder.name == "张三丰"
    assert identity.holder.birth_date == date(1990, 1, 1)


def test_identity_repr_is_masked(
    make_card: MakeCard, card_reader: SocialSecurityCardReader
) -> None:
    insert(make_card(), card_reader)
    text = repr(card_reader.read_identity(pin="123456"))
    assert "440301199001011234" not in text
    assert "张三丰" not in text
    assert "4403**********1234" in text


def test_insert_and_remove_are_reported_as_events(
    make_card: MakeCard, card_reader: SocialSecurityCardReader
) -> None:
    seen: list[DeviceEvent] = []
    removed = threading.Event()

    def subscriber(event: DeviceEvent) -> None:
        seen.append(event)
        if isinstance(event, CardRemoved):
            removed.set()

    card_reader.subscribe(subscriber)
    card = make_card()
    insert(card, card_reader)
    card.remove()
    assert removed.wait(5)
    kinds = [type(e) for e in seen if isinstance(e, CardInserted | CardRemoved)]
    assert kinds == [CardInserted, CardRemoved]


def test_version_3_card_without_pin_asks_for_it(
    make_card: MakeCard, card_reader: SocialSecurityCardReader
) -> None:
    insert(make_card("3.00"), card_reader)
    with pytest.raises(PinRequiredError):
        card_reader.read_identity()


def test_a_card_asked_without_a_pin_says_its_tries_left_and_spends_none(
    make_card: MakeCard, card_reader: SocialSecurityCardReader
) -> None:
    card = make_card("3.00")
    insert(card, card_reader)
    for _ in range(2):
        with pytest.raises(PinRequiredError, match="3 tries left") as asked:
            card_reader.read_identity()
        assert asked.value.tries_left == 3
    assert card.card.tries_left == 3


def test_a_wrong_pin_in_an_earlier_insertion_is_counted_when_the_card_returns(
    make_card: MakeCard, card_reader: SocialSecurityCardReader
) -> None:
    card = make_card("3.00")
    insert(card, card_reader)
    with pytest.raises(WrongPinError):
        card_reader.read_identity(pin="000000")
    card.remove()
    insert(card, card_reader)
    with pytest.raises(PinRequiredError) as asked:
        card_reader.read_identity()
    assert asked.value.tries_left == 2


def test_a_blocked_card_asked_without_a_pin_is_blocked(
    make_card: MakeCard, card_reader: SocialSecurityCardReader
) -> None:
    card = make_card("3.00")
    card.card.tries_left = 0
    insert(card, card_reader)
    with pytest.raises(PinBlockedError):
        card_reader.read_identity()
    with pytest.raises(PinBlockedError):
        card_reader.pin_tries()


@pytest.mark.parametrize("version", ["2.00", "3.00"])
def test_cards_with_the_query_answer_their_tries_left(
    version: str, make_card: MakeCard, card_reader: SocialSecurityCardReader
) -> None:
    insert(make_card(version), card_reader)
    assert card_reader.pin_tries() == 3


def test_a_version_1_card_cannot_say_its_tries_left(
    make_card: MakeCard, card_reader: SocialSecurityCardReader
) -> None:
    insert(make_card("1.00"), card_reader)
    with pytest.raises(CardStatusError, match="6700"):
        card_reader.pin_tries()


def test_wrong_pin_reports_tries_left_then_blocks(
    make_card: MakeCard, card_reader: SocialSecurityCardReader
) -> None:
    card = make_card("3.00")
    insert(card, card_reader)
    with pytest.raises(WrongPinError) as first:
        card_reader.read_identity(pin="000000")
    assert first.value.tries_left == 2
    with pytest.raises(WrongPinError, match="1 tries left"):
        card_reader.read_identity(pin="000000")
    with pytest.raises(PinBlockedError):
        card_reader.read_identity(pin="000000")
    with pytest.raises(PinBlockedError):
        card_reader.read_identity(pin="123456")


def test_expired_card_is_refused(
    make_card: MakeCard, card_reader: SocialSecurityCardReader
) -> None:
    insert(make_card(expires=date(2026, 11, 22)), card_reader)
    with pytest.raises(CardExpiredError, match="2026-11-22"):
        card_reader.read_identity(pin="123456")


def test_card_pulled_mid_read_is_a_clean_error_then_next_card_reads(
    make_card: MakeCard, card_reader: SocialSecurityCardReader
) -> None:
    removed = threading.Event()
    card_reader.subscribe(lambda event: removed.set() if isinstance(event, CardRemoved) else None)
    card = make_card("2.00")
    insert(card, card_reader)
    card.pull_after(3)
    with pytest.raises(CardRemovedError):
        card_reader.read_identity()
    assert not card_reader.card_present
    assert removed.wait(5)
    insert(card, card_reader)
    assert card_reader.read_identity().holder.name == "张三丰"


def test_card_without_the_application_is_not_a_social_security_card(
    make_card: MakeCard, card_reader: SocialSecurityCardReader
) -> None:
    card = make_card()
    card.card.is_social_security = False
    insert(card, card_reader)
    with pytest.raises(NotSocialSecurityCardError):
        card_reader.read_identity()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x07", "shorter than a header"),
        (b"\x07\x09A1234", "truncated"),
        (b"\x07\x09A12345678XX", "over-long"),
        (b"\x08\x09A12345678", "expected tag 07"),
        (b"\x07\x09A1234\x01567", "non-printable"),
    ],
)
def test_malformed_card_number_record_is_a_clean_error(
    raw: bytes, message: str, make_card: MakeCard, card_reader: SocialSecurityCardReader
) -> None:
    card = make_card("2.00")
    card.card.record_overrides[(5, 7)] = raw
    insert(card, card_reader)
    with pytest.raises(MalformedRecordError, match=message):
        card_reader.read_identity()


def test_reading_with_no_card_waits_then_times_out(card_reader: SocialSecurityCardReader) -> None:
    from drivers.smartcard.errors import NoCardError

    with pytest.raises(NoCardError):
        card_reader.wait_for_card(0.2)
    with pytest.raises(NoCardError):
        card_reader.read_identity()
