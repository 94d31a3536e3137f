"""Golden bytes and properties of the ID card reader's frames and text block."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.idcard import frames, text
from drivers.idcard.errors import FrameError, IdCardDataError, InvalidIdNumberError

FIELDS = {
    "name": "张三",
    "sex": "1",
    "ethnicity": "01",
    "birth_date": "19900307",
    "address": "广东省深圳市",
    "id_number": "11010519491231002X",
    "authority": "深圳市公安局",
    "valid_from": "20200101",
    "valid_to": "长期",
}


def test_find_card_request_golden_bytes() -> None:
    assert frames.build_request(frames.Command.FIND_CARD) == bytes.fromhex("AAAAAA96690003200122")


def test_read_request_golden_bytes() -> None:
    assert frames.build_request(frames.Command.READ_TEXT_PHOTO) == bytes.fromhex(
        "AAAAAA96690003300132"
    )


def test_card_found_response_golden_bytes() -> None:
    assert frames.build_response(frames.Sw3.CARD_FOUND) == bytes.fromhex("AAAAAA9669000400009F9B")


def test_parser_skips_garbage_before_a_frame() -> None:
    parser = frames.FrameParser()
    parser.feed(b"\x01\x02\xaa\x55" + frames.build_response(0x90, b"xy"))
    body = parser.next_body()
    assert body == b"\x00\x00\x90xy"
    assert parser.skipped == 4


def test_parser_waits_for_the_rest_of_a_split_frame() -> None:
    frame = frames.build_response(0x90, b"abc")
    parser = frames.FrameParser()
    parser.feed(frame[:6])
    assert parser.next_body() is None
    parser.feed(frame[6:])
    assert parser.next_body() == b"\x00\x00\x90abc"


def test_bad_checksum_is_reported_and_the_next_frame_still_parses() -> None:
    good = frames.build_response(0x90)
    parser = frames.FrameParser()
    parser.feed(good[:-1] + bytes([good[-1] ^ 1]) + good)
    with pytest.raises(FrameError, match="checksum"):
        parser.next_body()
    assert parser.next_body() == b"\x00\x00\x90"


def test_impossible_length_is_skipped_as_garbage() -> None:
    parser = frames.FrameParser()
    parser.feed(frames.HEADER + b"\xff\xff" + frames.build_response(0x9F))
    assert parser.next_body() == b"\x00\x00\x9f"


def test_check_digit_of_a_known_number() -> None:
    assert text.validate_id_number("11010519491231002x") == "11010519491231002X"
    with pytest.raises(InvalidIdNumberError):
        text.validate_id_number("110105194912310021")


def test_card_text_round_trips_with_no_expiry() -> None:
    card = text.decode_card(text.encode_card(FIELDS, bytes(1024)))
    assert card.name == "张三"
    assert card.birth_date == date(1990, 3, 7)
    assert card.valid_to is None
    assert card.id_number == "11010519491231002X"
    assert "11010519491231002X" not in repr(card)


def test_wrong_photo_length_is_malformed() -> None:
    data = text.encode_card(FIELDS, bytes(1024))
    with pytest.raises(IdCardDataError, match="lengths"):
        text.decode_card(data[:2] + b"\x03\xff" + data[4:])


@given(st.binary(max_size=2000))
def test_parser_never_raises_anything_but_frame_error(data: bytes) -> None:
    parser = frames.FrameParser()
    parser.feed(data)
    for _ in range(len(data) + 1):
        try:
            if parser.next_body() is None:
                break
        except FrameError:
            continue


@given(st.binary(min_size=1, max_size=300), st.integers(0, 20), st.binary(max_size=20))
def test_any_frame_survives_garbage_and_chunking(body: bytes, cut: int, noise: bytes) -> None:
    noise = noise.replace(b"\xaa", b"")
    stream = noise + frames.build_frame(body)
    parser = frames.FrameParser()
    parser.feed(stream[:cut])
    first = parser.next_body()
    parser.feed(stream[cut:])
    assert (first if first is not None else parser.next_body()) == body


@given(st.binary(max_size=1400))
def test_card_decoder_only_raises_data_errors(data: bytes) -> None:
    with contextlib.suppress(IdCardDataError):
        text.decode_card(data)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_every_number_with_its_check_character_validates(first17: str) -> None:
    number = first17 + text.check_character(first17)
    assert text.validate_id_number(number) == number
