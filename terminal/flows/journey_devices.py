"""The devices as the journey hears them: each driver event the journey cares about becomes
one journey event, and the card in the reader becomes a credential.

Qt-free, like the journey: the kiosk subscribes `feed` to each device through the bridge's
relay (ui/bridge.py), so a driver's own thread only queues and the journey runs on the GUI
thread; a test can feed the same events without a screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drivers.base import DeviceEvent
from drivers.idcard.reader import IdCardPlaced
from drivers.scanner.classify import ScanKind
from drivers.scanner.events import Scanned
from drivers.smartcard.reader import CardInserted, CardRemoved, SocialSecurityCardReader
from terminal.flows.identify import Credential, CredentialKind
from terminal.flows.journey import Event, Journey

PAYMENT_CODES = frozenset({ScanKind.PAYMENT_WECHAT, ScanKind.PAYMENT_ALIPAY})


def journey_event(event: DeviceEvent) -> tuple[Event, Any] | None:
    """The journey's event (and payload) for a device event; None for one it ignores (a
    traceability code, a status change: the diagnostics show those)."""
    if isinstance(event, CardInserted):
        return Event.CARD_INSERTED, None
    if isinstance(event, CardRemoved):
        return Event.CARD_PULLED, None
    if isinstance(event, Scanned):
        if event.scan.kind is ScanKind.E_VOUCHER:
            return Event.SCANNED, Credential(CredentialKind.VOUCHER, event.scan.text)
        if event.scan.kind in PAYMENT_CODES:
            return Event.PAYCODE_SCANNED, event.scan.text
        if event.scan.kind is ScanKind.EAN13:  # a drug's box: only the price query hears it
            return Event.PRICE_QUERY, event.scan.text
        return None
    if isinstance(event, IdCardPlaced):
        card = event.card
        return Event.ID_CARD, Credential(
            CredentialKind.ID_NUMBER, card.id_number, certno=card.id_number, name=card.name
        )
    return None


def feeder(journey: Journey) -> Callable[[DeviceEvent], None]:
    """A device subscriber that sends the journey what it cares about (on its thread)."""

    def feed(event: DeviceEvent) -> None:
        mapped = journey_event(event)
        if mapped is not None:
            journey.send(*mapped)

    return feed


class CardCredentials:
    """The journey's `CardPort` over the PC/SC card reader: the card in the slot, read with
    the PIN when the card asks for it, as the credential the platform is asked about. Asked
    without a PIN, a card that needs one raises `PinRequiredError` with the tries it has left
    (the driver asks the card, spending none), so the keypad shows them from the start."""

    def __init__(self, reader: SocialSecurityCardReader, *, timeout: float = 10.0) -> None:
        self._reader = reader
        self._timeout = timeout

    def read_credential(self, pin: str | None) -> Credential:
        identity = self._reader.read_identity(pin, timeout=self._timeout)
        return Credential(
            CredentialKind.CARD,
            identity.card.card_no,
            card_sn=identity.card.card_sn,
            certno=identity.holder.certno,
            name=identity.holder.name,
        )
