"""Coverage-guided fuzzing (atheris) of every device parser and the e-voucher parser.

    .venv/bin/python tests/fuzz/fuzz_device_parsers.py -runs=200000

The first input byte picks the parser, the rest is its input. A parser may refuse an input only
with its typed error; any other exception is a crash that atheris reports with the input.
tests/unit/drivers/test_fuzz_harness.py runs a short bounded campaign in the suite.
"""

from __future__ import annotations

import contextlib
import sys

import atheris

with atheris.instrument_imports():
    from drivers.idcard import frames, text
    from drivers.idcard.errors import IdCardDataError, IdReaderError
    from drivers.scanner.classify import classify
    from drivers.scanner.lines import LineSplitter, Terminator
    from drivers.smartcard import codec
    from drivers.smartcard.errors import CardError
    from terminal import voucher


def _card(data: bytes) -> None:
    codec.parse_record(data, data[0] if data else 0)
    codec.decode_name(data)
    codec.decode_bcd_date(data, "date")
    codec.split_response(data)
    chunks = [data[i : i + 16] for i in range(0, 80, 16)]
    codec.decode_card_info(dict(zip(codec.Ef05, chunks, strict=False)))


def _frames(data: bytes) -> None:
    parser = frames.FrameParser()
    parser.feed(data)
    for _ in range(len(data) + 1):
        try:
            body = parser.next_body()
        except IdReaderError:
            continue
        if body is None:
            return
        frames.parse_response_body(body)


def _scan(data: bytes) -> None:
    for terminator in Terminator:
        for encoding in ("utf-8", "gbk"):
            for item in LineSplitter(terminator, encoding).feed(data):
                if isinstance(item, str):
                    classify(item)


def _voucher(data: bytes) -> None:
    voucher.parse(data.decode("utf-8", "replace"))


PARSERS = (
    (_card, (CardError,)),
    (_frames, (IdReaderError,)),
    (lambda data: text.decode_card(data), (IdCardDataError,)),
    (_scan, ()),
    (_voucher, (voucher.VoucherRefused,)),
)


def test_one_input(data: bytes) -> None:
    if not data:
        return
    parser, refusals = PARSERS[data[0] % len(PARSERS)]
    with contextlib.suppress(*refusals):
        parser(data[1:])


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
