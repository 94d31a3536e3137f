"""The social security card reader over PC/SC (pcscd + pyscard).

Insertion and removal come from pyscard's `CardMonitor` (its own monitor thread calls our
observer, which hops onto the device thread before emitting `CardInserted` / `CardRemoved`).
Reading happens on the device thread: SELECT, EF05, expiry check, EF06 (with the PIN when the
card asks for it; asked without one, the card is also asked how many PIN tries are left, a
VERIFY without data that spends none, so the keypad can say it before the first PIN). A card
pulled out mid-read surfaces as `CardRemovedError`; the caller then waits for the next
`CardInserted` (or calls `wait_for_card`).

The PIN goes to the card and nowhere else: it is never logged, stored or put in an error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from drivers.base import (
    Device,
    DeviceEvent,
    DeviceStatus,
    HealthLevel,
    NoHardwareError,
    monotonic_deadline,
)
from drivers.smartcard import codec
from drivers.smartcard.errors import (
    CardExpiredError,
    CardRemovedError,
    CardStatusError,
    NoCardError,
    PinRequiredError,
)

CONNECT_SETTLE_S = 1.0
T = TypeVar("T")
INSTALL_HINT = "install pcscd and the Python package pyscard (`pip install pyscard`)"


@dataclass(frozen=True)
class CardInserted(DeviceEvent):
    reader: str
    atr: str


@dataclass(frozen=True)
class CardRemoved(DeviceEvent):
    reader: str


def _pyscard() -> Any:
    """Import pyscard lazily so a terminal without it starts and reports no_hardware."""
    try:
        import smartcard.CardMonitoring
        import smartcard.Exceptions
        import smartcard.pcsc.PCSCExceptions
        import smartcard.System
    except ImportError as err:  # pragma: no cover - depends on the installation
        raise NoHardwareError(f"pyscard is missing ({err})", action=INSTALL_HINT) from None
    return smartcard


def _pcsc_errors(sc: Any) -> tuple[type[Exception], ...]:
    """What pyscard raises when pcscd is not there (two unrelated hierarchies)."""
    return (sc.Exceptions.SmartcardException, sc.pcsc.PCSCExceptions.BaseSCardException)


class SocialSecurityCardReader(Device):
    """A PC/SC reader holding (or waiting for) a social security card.

    ``reader`` selects the PC/SC reader whose name contains it ("" = the first reader);
    ``today`` is the clock used for the expiry check (injectable for tests).
    """

    kind = "pcsc"

    def __init__(
        self,
        name: str,
        *,
        reader: str = "",
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(name)
        self.reader_filter = reader
        self._today = today
        self._reader: Any = None
        self._reader_name = ""
        self._observer: Any = None
        self._monitor: Any = None
        self._card_present = threading.Event()

    # ---- life cycle ---------------------------------------------------------------------------

    def _on_open(self) -> None:
        _pyscard()

    def _on_claim(self) -> None:
        sc = _pyscard()
        try:
            found = sc.System.readers()
        except _pcsc_errors(sc) as err:
            raise NoHardwareError(f"PC/SC is not available: {err}", action=INSTALL_HINT) from None
        matching = [r for r in found if self.reader_filter in str(r)]
        if not matching:
            names = ", ".join(str(r) for r in found) or "none"
            raise NoHardwareError(
                f"no PC/SC reader matching {self.reader_filter!r} (readers: {names})"
            )
        self._reader = matching[0]
        self._reader_name = str(matching[0])

    def _on_enable(self) -> None:
        sc = _pyscard()
        device = self

        class Observer(sc.CardMonitoring.CardObserver):  # type: ignore[misc, name-defined]
            def update(self, observable: Any, actions: Any) -> None:
                added, removed = actions
                for card in added:
                    if str(card.reader) == device._reader_name:
                        device._hop(device._on_card_added, bytes(card.atr).hex().upper())
                for card in removed:
                    if str(card.reader) == device._reader_name:
                        device._hop(device._on_card_removed)

        self._observer = Observer()
        self._monitor = sc.CardMonitoring.CardMonitor()
        self._monitor.addObserver(self._observer)

    def _on_disable(self) -> None:
        if self._monitor is not None:
            self._monitor.deleteObserver(self._observer)
        self._monitor = self._observer = None
        self._card_present.clear()

    def _on_release(self) -> None:
        self._reader = None

    def _hop(self, fn: Callable[..., None], *args: Any) -> None:
        """From pyscard's monitor thread onto ours (dropped if we are closing)."""
        thread = self._thread
        if thread is not None:
            try:
                thread.submit(fn, *args)
            except RuntimeError:
                return

    def _on_card_added(self, atr: str) -> None:
        self._card_present.set()
        self._emit(CardInserted(self.name, self._reader_name, atr))

    def _on_card_removed(self) -> None:
        self._card_present.clear()
        self._emit(CardRemoved(self.name, self._reader_name))

    # ---- operations ---------------------------------------------------------------------------

    def wait_for_card(self, timeout: float) -> None:
        """Block the caller (never the device thread) until a card is in the reader."""
        self._require_enabled("wait for a card")
        if not self._card_present.wait(timeout):
            raise NoCardError(f"no card inserted within {timeout:g} s")

    @property
    def card_present(self) -> bool:
        return self._card_present.is_set()

    def read_identity(self, pin: str | None = None, timeout: float = 10.0) -> codec.CardIdentity:
        """Read the card in the reader: card info, expiry check, then the holder."""
        self._require_enabled("read a card")
        return self.thread.call(self._with_card, lambda s: self._read_session(s, pin),
                                timeout=timeout)

    def pin_tries(self, timeout: float = 10.0) -> int | None:
        """How many PIN tries the card in the reader has left, without presenting a PIN (None:
        the PIN is already verified); `PinBlockedError` when none; `CardStatusError` when the
        card cannot say."""
        self._require_enabled("ask the card for its PIN tries")
        return self.thread.call(self._with_card, _select_then_pin_tries, timeout=timeout)

    def _with_card(self, work: Callable[[_CardSession], T]) -> T:
        """``work`` on one connection to the card, on the device thread."""
        self.thread.assert_owner()
        with self._operation():
            try:
                session = _CardSession(self._reader)
                try:
                    return work(session)
                finally:
                    session.close()
            except (CardRemovedError, NoCardError):
                self._card_present.clear()  # what comes next is a new insertion
                raise

    def _read_session(self, session: _CardSession, pin: str | None) -> codec.CardIdentity:
        session.select()
        card = codec.decode_card_info(
            {tag: session.read(codec.SFI_EF05, tag) for tag in codec.Ef05}
        )
        if card.expires < self._today():
            raise CardExpiredError(f"expired on {card.expires.isoformat()}")
        try:
            holder_records = {tag: session.read(codec.SFI_EF06, tag) for tag in codec.Ef06}
        except PinRequiredError:
            if pin is None:
                tries = _tries_or_unknown(session)
                told = "" if tries is None else f" ({tries} tries left)"
                raise PinRequiredError(
                    f"the holder's data needs the PIN{told}", tries_left=tries
                ) from None
            session.verify(pin)
            holder_records = {tag: session.read(codec.SFI_EF06, tag) for tag in codec.Ef06}
        return codec.CardIdentity(card, codec.decode_holder_info(holder_records))

    def _health(self, level: HealthLevel) -> tuple[bool, str, dict[str, str]]:
        details = {"reader": self._reader_name, "card_present": str(self.card_present).lower()}
        if level is HealthLevel.INTERNAL:
            return True, f"reader {self._reader_name!r} claimed", details
        sc = _pyscard()
        try:
            names = [str(r) for r in sc.System.readers()]
        except _pcsc_errors(sc) as err:
            self._set_status(DeviceStatus.OFFLINE)
            return False, f"PC/SC is not available: {err}", details
        if self._reader_name not in names:
            self._set_status(DeviceStatus.OFFLINE)
            return False, f"reader {self._reader_name!r} has gone away", details
        if level is HealthLevel.INTERACTIVE and not self.card_present:
            return False, "insert a social security card and run the check again", details
        return True, f"reader {self._reader_name!r} answers PC/SC", details


def _select_then_pin_tries(session: _CardSession) -> int | None:
    session.select()
    return session.pin_tries()


def _tries_or_unknown(session: _CardSession) -> int | None:
    """The tries left for the keypad to show; None for a card that cannot say (the keypad
    then shows no count, as it did before the query). A blocked card raises."""
    try:
        return session.pin_tries()
    except CardStatusError:
        return None


class _CardSession:
    """One connection to the card in the reader; maps PC/SC failures to typed errors."""

    def __init__(self, reader: Any) -> None:
        self._sc = _pyscard()
        self._connection = reader.createConnection()
        # Right after insertion pcscd may still be powering the card ("card is unpowered"):
        # retry briefly before calling it gone.
        left = monotonic_deadline(CONNECT_SETTLE_S)
        while True:
            try:
                self._connection.connect()
                return
            except self._sc.Exceptions.NoCardException:
                raise NoCardError("the reader is empty") from None
            except self._sc.Exceptions.CardConnectionException as err:
                if left() == 0:
                    raise CardRemovedError(f"could not connect: {err}") from None
                time.sleep(0.02)

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        try:
            data, sw1, sw2 = self._connection.transmit(list(apdu))
        except self._sc.Exceptions.CardConnectionException:
            raise CardRemovedError("the card left the reader during the read") from None
        return bytes(data), (sw1 << 8) | sw2

    def select(self) -> None:
        _, sw = self.transmit(codec.select_application())
        codec.check_select(sw)

    def read(self, sfi: int, record: int) -> bytes:
        data, sw = self.transmit(codec.read_record(sfi, record))
        if sw >> 8 == 0x6C:  # T=0 cards that want the exact length: ask again with it
            data, sw = self.transmit(codec.read_record(sfi, record, sw & 0xFF))
        codec.check_read(sw, f"record {record:02X} of EF{sfi:02X}")
        return codec.parse_record(data, record)

    def verify(self, pin: str) -> None:
        try:
            apdu = codec.verify_pin(pin)
        except ValueError as err:
            raise codec.CardStatusError(str(err)) from None
        _, sw = self.transmit(apdu)
        codec.check_verify(sw)

    def pin_tries(self) -> int | None:
        _, sw = self.transmit(codec.pin_tries_query())
        return codec.check_pin_tries(sw)

    def close(self) -> None:
        try:
            self._connection.disconnect()
        except self._sc.Exceptions.SmartcardException:
            return
