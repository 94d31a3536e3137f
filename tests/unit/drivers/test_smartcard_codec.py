"""Golden bytes and properties of the social security card codec."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.smartcard import codec
from drivers.smartcard.errors import (
    CardStatusError,
    MalformedRecordError,
    NotSocialSecurityCardError,
    PinBlockedError,
    PinRequiredError,
    WrongPinError,
)


def test_select_apdu_golden_bytes() -> None:
    assert codec.select_application() == bytes.fromhex("00A404000F7378312E73682EC9E7BBE1B1A3D5CF")


def test_read_record_apdus_golden_bytes() -> None:
    assert codec.read_record(5, 7) == bytes.fromhex("00B2072C00")
    assert codec.read_record(6, 9, 0x20) == bytes.fromhex("00B2093420")


def test_verify_pin_golden_bytes_even_and_odd() -> None:
    assert codec.verify_pin("123456") == bytes.fromhex("0020000003123456")
    assert codec.verify_pin("12345") == bytes.fromhex("002000000312345F")


def test_pin_tries_query_golden_bytes_is_verify_without_data() -> None:
    assert codec.pin_tries_query() == bytes.fromhex("00200000")


@pytest.mark.parametrize(("sw", "tries"), [(0x63C3, 3), (0x63C1, 1), (0x63CF, 15), (0x9000, None)])
def test_pin_tries_answers(sw: int, tries: int | None) -> None:
    assert codec.check_pin_tries(sw) == tries


@pytest.mark.parametrize("sw", [0x63C0, 0x6983])
def test_pin_tries_of_a_blocked_card(sw: int) -> None:
    with pytest.raises(PinBlockedError):
        codec.check_pin_tries(sw)


@pytest.mark.parametrize("sw", [0x6700, 0x6A86, 0x6D00, 0x6982])
def test_pin_tries_a_card_cannot_say_is_a_status_error(sw: int) -> None:
    with pytest.raises(CardStatusError):
        codec.check_pin_tries(sw)


@given(st.integers(0, 0xFFFF))
def test_pin_tries_of_any_status_word_is_a_count_or_a_typed_error(sw: int) -> None:
    try:
        tries = codec.check_pin_tries(sw)
    except (PinBlockedError, CardStatusError):
        return
    assert (sw, tries) == (0x9000, None) or (0x63C1 <= sw <= 0x63CF and tries == sw & 0x0F)


def test_pin_must_be_digits() -> None:
    with pytest.raises(ValueError):
        codec.encode_pin("12a4")


def test_record_round_trip() -> None:
    assert codec.parse_record(codec.encode_record(0x07, b"A12345678"), 0x07) == b"A12345678"


def test_bcd_date_golden_bytes() -> None:
    assert codec.encode_bcd_date(date(2030, 12, 31)) == bytes.fromhex("20301231")
    assert codec.decode_bcd_date(bytes.fromhex("19900101"), "d") == date(1990, 1, 1)


@pytest.mark.parametrize("raw", ["20301332", "2030123A", "203012"])
def test_impossible_bcd_dates_are_malformed(raw: str) -> None:
    with pytest.raises(MalformedRecordError):
        codec.decode_bcd_date(bytes.fromhex(raw if len(raw) % 2 == 0 else raw + "0"), "d")


@pytest.mark.parametrize("pad", [b"\x00", b" "])
def test_gbk_name_with_either_padding(pad: bytes) -> None:
    assert codec.decode_name(codec.encode_name("张三丰", pad)) == "张三丰"


def test_name_that_is_not_gbk_is_malformed() -> None:
    with pytest.raises(MalformedRecordError, match="not GBK"):
        codec.decode_name(b"\xff\xff" + b"\x00" * 28)


@pytest.mark.parametrize(
    ("sw", "error"),
    [(0x63C2, WrongPinError), (0x63C0, PinBlockedError), (0x6983, PinBlockedError)],
)
def test_verify_status_words(sw: int, error: type[Exception]) -> None:
    with pytest.raises(error):
        codec.check_verify(sw)


def test_wrong_pin_carries_tries_left() -> None:
    with pytest.raises(WrongPinError) as caught:
        codec.check_verify(0x63C1)
    assert caught.value.tries_left == 1


def test_select_status_words() -> None:
    with pytest.raises(NotSocialSecurityCardError):
        codec.check_select(0x6A82)
    with pytest.raises(CardStatusError, match="6D00"):
        codec.check_select(0x6D00)


def test_read_needing_pin() -> None:
    with pytest.raises(PinRequiredError):
        codec.check_read(0x6982, "EF06")


def test_unknown_version_is_malformed() -> None:
    records = {
        codec.Ef05.CARD_SN: bytes(16),
        codec.Ef05.VERSION: b"4.00",
        codec.Ef05.ISSUED: bytes.fromhex("20200101"),
        codec.Ef05.EXPIRES: bytes.fromhex("20301231"),
        codec.Ef05.CARD_NO: b"A12345678",
    }
    with pytest.raises(MalformedRecordError, match="version"):
        codec.decode_card_info(records)


@given(st.binary(max_size=300), st.integers(0, 255))
def test_parse_record_only_raises_malformed(data: bytes, tag: int) -> None:
    try:
        value = codec.parse_record(data, tag)
    except MalformedRecordError:
        return
    assert data[0] == tag and data[1] == len(value) and data[2:] == value


@given(st.integers(0, 255), st.binary(max_size=255))
def test_any_record_round_trips(tag: int, value: bytes) -> None:
    assert codec.parse_record(codec.encode_record(tag, value), tag) == value


@given(st.binary(max_size=40))
def test_name_decoder_only_raises_malformed(data: bytes) -> None:
    with contextlib.suppress(MalformedRecordError):
        codec.decode_name(data)


@given(st.binary(max_size=8))
def test_bcd_date_decoder_only_raises_malformed(data: bytes) -> None:
    with contextlib.suppress(MalformedRecordError):
        codec.decode_bcd_date(data, "d")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_bcd_dates_round_trip(value: date) -> None:
    assert codec.decode_bcd_date(codec.encode_bcd_date(value), "d") == value


@given(st.binary(min_size=0, max_size=4))
def test_split_response_never_crashes(data: bytes) -> None:
    try:
        body, sw = codec.split_response(data)
    except MalformedRecordError:
        assert len(data) < 2
        return
    assert body + sw.to_bytes(2, "big") == data
