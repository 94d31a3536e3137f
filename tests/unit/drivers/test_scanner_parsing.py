"""The scan classifier, the serial line splitter, the wedge key map and the burst detector."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.scanner.burst import BurstDetector, Source
from drivers.scanner.classify import ScanKind, classify, ean13_check_digit
from drivers.scanner.errors import ScanDecodeError, ScanTooLongError
from drivers.scanner.keymap import KeyDecoder, key_events
from drivers.scanner.lines import MAX_SCAN_BYTES, LineSplitter, Terminator


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ECQR1.k1.abc.def", ScanKind.E_VOUCHER),
        ("81234567890123456789", ScanKind.TRACEABILITY),
        ("6901234567892", ScanKind.EAN13),
        ("134567890123456789", ScanKind.PAYMENT_WECHAT),
        ("284567890123456789", ScanKind.PAYMENT_ALIPAY),
        ("6901234567893", ScanKind.UNKNOWN),  # wrong check digit
        ("4006381333931", ScanKind.UNKNOWN),  # valid EAN, not Chinese
        ("164567890123456789", ScanKind.UNKNOWN),  # 16 is neither range
        ("71234567890123456789", ScanKind.UNKNOWN),
        ("hello", ScanKind.UNKNOWN),
        ("", ScanKind.UNKNOWN),
    ],
)
def test_classifier(text: str, kind: ScanKind) -> None:
    assert classify(text).kind is kind


def test_payment_code_is_masked_in_repr() -> None:
    assert "134567890123456789" not in repr(classify("134567890123456789"))


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_every_chinese_ean_with_its_check_digit_is_a_product(body: str) -> None:
    code = "69" + body + ean13_check_digit("69" + body)
    assert classify(code).kind is ScanKind.EAN13


@given(st.text(max_size=200))
def test_classifier_never_raises(text: str) -> None:
    assert classify(text).kind in ScanKind


@pytest.mark.parametrize("terminator", list(Terminator))
def test_each_terminator_splits_scans(terminator: Terminator) -> None:
    splitter = LineSplitter(terminator)
    data = b"one" + terminator.value + b"two" + terminator.value
    assert splitter.feed(data[:4]) + splitter.feed(data[4:]) == ["one", "two"]


def test_gbk_scans_decode_with_the_gbk_setting() -> None:
    assert LineSplitter(Terminator.LF, "gbk").feed("药品".encode("gbk") + b"\n") == ["药品"]


def test_undecodable_bytes_are_one_error_and_the_next_scan_works() -> None:
    out = LineSplitter().feed(b"\xff\xfe\r6901234567892\r")
    assert isinstance(out[0], ScanDecodeError)
    assert out[1] == "6901234567892"


def test_scan_without_terminator_is_too_long_once() -> None:
    splitter = LineSplitter()
    out = splitter.feed(b"9" * (MAX_SCAN_BYTES + 1)) + splitter.feed(b"99\rok\r")
    assert [type(x) for x in out] == [ScanTooLongError, str]
    assert out[1] == "ok"


@given(st.lists(st.text(min_size=1, max_size=50).filter(lambda s: "\r" not in s), max_size=5))
def test_any_utf8_scans_come_back_whole(scans: list[str]) -> None:
    stream = b"".join(s.encode() + b"\r" for s in scans)
    splitter = LineSplitter()
    out: list[object] = []
    for i in range(0, len(stream), 7):
        out += splitter.feed(stream[i : i + 7])
    assert out == scans


@given(st.binary(max_size=300))
def test_splitter_never_raises(data: bytes) -> None:
    LineSplitter(Terminator.CRLF, "gbk").feed(data)


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80))
def test_wedge_keys_decode_to_the_typed_text(text: str) -> None:
    decoder = KeyDecoder()
    results = [decoder.feed(code, value) for code, value in key_events(text)]
    assert [r for r in results if r is not None] == [text]


def test_scanner_burst_is_told_from_a_person() -> None:
    detector = BurstDetector()
    for i, char in enumerate("6901234567892"):
        detector.key(char, 10.0 + i * 0.004)
    assert detector.enter(10.06).source is Source.SCANNER
    for i, char in enumerate("1234"):
        detector.key(char, 20.0 + i * 0.15)
    line = detector.enter(20.7)
    assert (line.source, line.text) == (Source.PERSON, "1234")


def test_short_fast_burst_is_a_person() -> None:
    detector = BurstDetector(min_chars=4)
    detector.key("1", 1.0)
    detector.key("2", 1.001)
    assert detector.enter(1.002).source is Source.PERSON
