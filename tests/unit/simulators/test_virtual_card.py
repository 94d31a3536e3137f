"""The virtual card's answer to VERIFY without data (the tries-left query), APDU in, answer
out: per version, after a verified PIN, and never spending a try."""

from __future__ import annotations

from datetime import date

import pytest

from drivers.smartcard import codec
from simulators.devices.card import CardData, VirtualCard


def card(version: str) -> VirtualCard:
    return VirtualCard(CardData(
        card_no="A12345678", card_sn="44030000000000000000000000000001", version=version,
        pin="123456", expires=date(2030, 12, 31), certno="440301199001011234", name="张三丰",
        sex="1", birth_date=date(1990, 1, 1),
    ))


@pytest.mark.parametrize(("version", "answer"),
                         [("1.00", "6700"), ("2.00", "63C3"), ("3.00", "63C3")])
def test_each_version_answers_the_tries_query_as_documented(version: str, answer: str) -> None:
    virtual = card(version)
    assert virtual.answer(codec.pin_tries_query()).hex().upper() == answer
    assert virtual.tries_left == 3


def test_the_query_after_a_verified_pin_says_no_pin_is_needed() -> None:
    virtual = card("3.00")
    assert virtual.answer(codec.verify_pin("123456")) == b"\x90\x00"
    assert virtual.answer(codec.pin_tries_query()) == b"\x90\x00"


def test_the_query_counts_wrong_pins_and_a_blocked_card_answers_6983() -> None:
    virtual = card("3.00")
    virtual.answer(codec.verify_pin("000000"))
    assert virtual.answer(codec.pin_tries_query()) == b"\x63\xc2"
    virtual.tries_left = 0
    assert virtual.answer(codec.pin_tries_query()) == b"\x69\x83"


def test_a_blocked_3_00_card_still_guards_ef06_with_6982() -> None:
    virtual = card("3.00")
    virtual.tries_left = 0
    virtual.answer(codec.select_application())
    assert virtual.answer(codec.read_record(codec.SFI_EF06, codec.Ef06.NAME)) == b"\x69\x82"
