"""The default world's people, carried by the device simulators, read by the drivers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from drivers.idcard.reader import IdCardReader
from drivers.idcard.text import validate_id_number
from drivers.smartcard.errors import CardExpiredError
from drivers.smartcard.reader import SocialSecurityCardReader
from simulators.devices.card import CardData, VirtualCard, VpcdCard
from simulators.devices.idreader import IdCardFace, IdReaderSimulator
from simulators.devices.pcscd import Pcscd

WORLD = Path(__file__).parents[3] / "simulators" / "worlds" / "default.json"
PERSONS: list[dict[str, Any]] = json.loads(WORLD.read_text(encoding="utf-8"))["persons"]
TODAY = date(2026, 11, 23)


def with_card(version: str) -> dict[str, Any]:
    return next(p for p in PERSONS if any(c["version"] == version for c in p.get("cards", [])))


def test_every_world_id_number_has_a_valid_check_digit() -> None:
    for person in PERSONS:
        assert validate_id_number(person["certno"]) == person["certno"]


@pytest.fixture
def inserted(pcscd: Pcscd) -> Iterator[list[VpcdCard]]:
    cards: list[VpcdCard] = []
    yield cards
    for card in cards:
        card.remove()
    pcscd.wait_empty()


@pytest.mark.parametrize("version", ["1.00", "2.00", "3.00"])
def test_world_card_of_each_version_reads_its_holder(
    version: str, pcscd: Pcscd, card_reader: SocialSecurityCardReader, inserted: list[VpcdCard]
) -> None:
    person = with_card(version)
    index = next(i for i, c in enumerate(person["cards"]) if c["version"] == version)
    data = CardData.from_world_person(person, index)
    card = VpcdCard(VirtualCard(data), port=pcscd.port)
    inserted.append(card)
    card.insert()
    card_reader.wait_for_card(5)
    if data.expires < TODAY:
        with pytest.raises(CardExpiredError):
            card_reader.read_identity(pin=data.pin)
        return
    identity = card_reader.read_identity(pin=data.pin)
    assert identity.holder.certno == person["certno"]
    assert identity.holder.name == person["psn_name"]
    assert identity.card.card_no == data.card_no


def test_world_person_on_the_id_reader() -> None:
    person = PERSONS[0]
    sim = IdReaderSimulator(IdCardFace.from_world_person(person))
    try:
        with IdCardReader("idcard", port=sim.path) as reader:
            assert isinstance(reader, IdCardReader)
            card = reader.read_card()
    finally:
        sim.close()
    assert (card.id_number, card.name) == (person["certno"], person["psn_name"])


def test_world_expired_card_is_refused(
    pcscd: Pcscd, card_reader: SocialSecurityCardReader, inserted: list[VpcdCard]
) -> None:
    person = next(
        p for p in PERSONS if any(c["expires"] < TODAY.isoformat() for c in p.get("cards", []))
    )
    index = next(i for i, c in enumerate(person["cards"]) if c["expires"] < TODAY.isoformat())
    card = VpcdCard(VirtualCard(CardData.from_world_person(person, index)), port=pcscd.port)
    inserted.append(card)
    card.insert()
    card_reader.wait_for_card(5)
    with pytest.raises(CardExpiredError):
        card_reader.read_identity(pin=person["cards"][index]["pin"])
