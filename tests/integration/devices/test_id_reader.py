"""The ID card reader driver over a real pseudo-terminal against the reader simulator."""

from __future__ import annotations

from datetime import date

import pytest

from drivers.base import HealthLevel, NoHardwareError
from drivers.idcard.errors import (
    FrameError,
    IdReaderTimeoutError,
    InvalidIdNumberError,
    NoIdCardError,
    ReaderReportedError,
)
from drivers.idcard.reader import IdCardReader
from simulators.devices.idreader import IdCardFace, IdMisbehaviour, IdReaderSimulator


def test_reads_the_card_on_the_reader(id_reader: IdCardReader) -> None:
    card = id_reader.read_card()
    assert card.name == "张三丰"
    assert card.id_number == "11010519491231002X"
    assert card.birth_date == date(1949, 12, 31)
    assert card.valid_to == date(2040, 1, 1)
    assert len(card.photo_wlt) == 1024


def test_empty_reader_says_no_card(
    id_reader: IdCardReader, id_reader_sim: IdReaderSimulator
) -> None:
    id_reader_sim.take_away()
    with pytest.raises(NoIdCardError):
        id_reader.read_card()


def test_garbage_on_the_line_is_skipped(
    id_reader: IdCardReader, id_reader_sim: IdReaderSimulator
) -> None:
    id_reader_sim.misbehave(IdMisbehaviour.GARBAGE)
    assert id_reader.read_card().name == "张三丰"
    assert id_reader.resync_bytes >= 30


def test_bad_checksums_end_in_a_frame_error(
    id_reader: IdCardReader, id_reader_sim: IdReaderSimulator
) -> None:
    id_reader_sim.misbehave(IdMisbehaviour.BAD_CHECKSUM)
    with pytest.raises(FrameError, match="bad checksum"):
        id_reader.read_card()
    assert len(id_reader_sim.requests) == 3  # the find command, tried three times


def test_silent_reader_times_out(id_reader: IdCardReader, id_reader_sim: IdReaderSimulator) -> None:
    id_reader_sim.misbehave(IdMisbehaviour.SILENT)
    with pytest.raises(IdReaderTimeoutError, match="no complete answer"):
        id_reader.read_card()


def test_card_lifted_mid_read_times_out_then_reads_again(
    id_reader: IdCardReader, id_reader_sim: IdReaderSimulator
) -> None:
    id_reader_sim.misbehave(IdMisbehaviour.CUT)
    with pytest.raises(IdReaderTimeoutError):
        id_reader.read_card()
    id_reader_sim.misbehave(None)
    assert id_reader.read_card().id_number == "11010519491231002X"


def test_reader_error_status_is_named(
    id_reader: IdCardReader, id_reader_sim: IdReaderSimulator
) -> None:
    id_reader_sim.misbehave(IdMisbehaviour.UNKNOWN_COMMAND)
    with pytest.raises(ReaderReportedError, match="does not know the command"):
        id_reader.read_card()


def test_card_with_a_wrong_check_digit_is_refused(
    id_reader: IdCardReader, id_reader_sim: IdReaderSimulator
) -> None:
    id_reader_sim.place(
        IdCardFace(name="李四", sex="2", id_number="110105194912310021", birth_date="19491231")
    )
    with pytest.raises(InvalidIdNumberError):
        id_reader.read_card()


def test_health_external_reads_the_sam_id(id_reader: IdCardReader) -> None:
    result = id_reader.check_health(HealthLevel.EXTERNAL)
    assert result.ok
    assert result.details["sam_id"].startswith("0501")


def test_missing_port_is_no_hardware() -> None:
    reader = IdCardReader("idcard", port="/dev/medterm-no-such-port")
    reader.open()
    try:
        with pytest.raises(NoHardwareError, match="cannot open"):
            reader.claim()
    finally:
        reader.close()
