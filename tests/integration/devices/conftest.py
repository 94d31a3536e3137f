"""Fixtures for the device tests: virtual cards in the session's private pcscd with vpcd
(tests/conftest.py), pty simulators."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from drivers.idcard.reader import IdCardReader
from drivers.printer.printer import ReceiptPrinter
from drivers.smartcard.reader import SocialSecurityCardReader
from simulators.devices.card import CardData, VirtualCard, VpcdCard
from simulators.devices.idreader import IdCardFace, IdReaderSimulator
from simulators.devices.pcscd import Pcscd
from simulators.devices.printer import PrinterSimulator

TODAY = date(2026, 11, 23)


def card_data(version: str = "3.00", **changes: object) -> CardData:
    values: dict[str, object] = {
        "card_no": "A12345678",
        "card_sn": "44030000000000000000000000000001",
        "version": version,
        "pin": "123456",
        "expires": date(2030, 12, 31),
        "certno": "440301199001011234",
        "name": "张三丰",
        "sex": "1",
        "birth_date": date(1990, 1, 1),
    }
    values.update(changes)
    return CardData(**values)  # type: ignore[arg-type]


@pytest.fixture
def card_reader(pcscd: Pcscd) -> Iterator[SocialSecurityCardReader]:
    reader = SocialSecurityCardReader("card", reader=pcscd.reader_name, today=lambda: TODAY)
    reader.start()
    yield reader
    reader.close()


@pytest.fixture
def make_card(pcscd: Pcscd) -> Iterator[Callable[..., VpcdCard]]:
    """make_card(version, **card_changes) -> a VpcdCard for our pcscd's vpcd, not yet inserted
    (removed after the test)."""
    made: list[VpcdCard] = []

    def make(version: str = "3.00", **changes: object) -> VpcdCard:
        card = VpcdCard(VirtualCard(card_data(version, **changes)), port=pcscd.port)
        made.append(card)
        return card

    yield make
    for card in made:
        card.remove()
    pcscd.wait_empty()


@pytest.fixture
def id_reader_sim() -> Iterator[IdReaderSimulator]:
    simulator = IdReaderSimulator(
        IdCardFace(name="张三丰", sex="1", id_number="11010519491231002X", birth_date="19491231")
    )
    yield simulator
    simulator.close()


@pytest.fixture
def id_reader(id_reader_sim: IdReaderSimulator) -> Iterator[IdCardReader]:
    reader = IdCardReader("idcard", port=id_reader_sim.path, timeout=0.5)
    reader.start()
    yield reader
    reader.close()


@pytest.fixture
def printer_sim() -> Iterator[PrinterSimulator]:
    simulator = PrinterSimulator()
    yield simulator
    simulator.close()


@pytest.fixture
def printer(printer_sim: PrinterSimulator) -> Iterator[ReceiptPrinter]:
    device = ReceiptPrinter("printer", port=printer_sim.path, status_timeout=0.3)
    device.start()
    yield device
    device.close()
