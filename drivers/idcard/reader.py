"""The resident ID card reader on a serial port (pyserial), driven from its device thread.

`read_card` runs find -> select -> read text and photo. Each command flushes stale input,
writes the request and parses the answer with `FrameParser` until a valid frame or the
deadline; a damaged frame (bad checksum) is retried a few times before `FrameError`, because
one flipped bit on a USB-serial line should not send the patient away.

A SAM reader does not say when a card is laid on it: it must be asked (FIND CARD). `watch`
asks on the device thread every ``interval`` seconds while the reader is enabled and reports
`IdCardPlaced` (with the card read) and `IdCardTaken` to the subscribers, so a screen only
listens and never polls the reader itself.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from drivers.base import (
    Device,
    DeviceErrorEvent,
    DeviceEvent,
    HealthLevel,
    LifeCycle,
    monotonic_deadline,
)
from drivers.idcard import frames, text
from drivers.idcard.errors import (
    FrameError,
    IdCardReadError,
    IdCardSelectError,
    IdReaderError,
    IdReaderTimeoutError,
    NoIdCardError,
    ReaderReportedError,
)
from drivers.serialport import io_error, open_serial, serial_module

RETRIES = 2
WATCH_S = 0.3
log = logging.getLogger("drivers.idcard")


@dataclass(frozen=True)
class IdCardPlaced(DeviceEvent):
    """A card was laid on the reader and read (`watch`)."""

    card: text.IdCardData = field(repr=False)


@dataclass(frozen=True)
class IdCardTaken(DeviceEvent):
    """The card left the reader (`watch`)."""


class IdCardReader(Device):
    """A serial SAM reader at ``port`` (115200 8N1 by default)."""

    kind = "serial"

    def __init__(
        self, name: str, *, port: str, baudrate: int = 115200, timeout: float = 3.0
    ) -> None:
        super().__init__(name)
        self.port = port
        self.baudrate = baudrate
        self.timeout = timeout
        self._serial: Any = None
        self.resync_bytes = 0
        self._watch_s: float | None = None
        self._timer: threading.Timer | None = None
        self._card_on = False
        self._probe_failing = False

    def _on_open(self) -> None:
        serial_module()

    def _on_claim(self) -> None:
        self._serial = open_serial(self.port, self.baudrate, timeout=0.05)

    def _on_enable(self) -> None:
        if self._watch_s is not None:
            self._schedule()

    def _on_disable(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self._card_on = False

    def _on_release(self) -> None:
        if self._serial is not None:
            self._serial.close()
        self._serial = None

    # ---- watching for a card --------------------------------------------------------------

    def watch(self, interval: float = WATCH_S) -> None:
        """Report cards laid on and taken off the reader, asking every ``interval`` s while
        enabled (from now, or from `enable`)."""
        self._watch_s = interval
        if self.state is LifeCycle.ENABLED and self._timer is None:
            self._schedule()

    def _schedule(self) -> None:
        interval = self._watch_s
        if interval is None:
            return
        timer = threading.Timer(interval, self._hop_probe)
        timer.daemon = True
        self._timer = timer
        timer.start()

    def _hop_probe(self) -> None:
        thread = self._thread
        if thread is not None and self._timer is not None:
            try:
                thread.submit(self._probe)
            except RuntimeError:  # shut down meanwhile
                return

    def _probe(self) -> None:
        """One look at the reader (device thread): a new card is read and reported once."""
        if self._timer is None:
            return  # disabled meanwhile
        try:
            found = self._transact(frames.Command.FIND_CARD)
            if found.sw3 == frames.Sw3.CARD_FOUND and not self._card_on:
                self._card_on = True  # reported once, readable or not
                self._emit(IdCardPlaced(self.name, self._read_card()))
            elif found.sw3 == frames.Sw3.NO_CARD and self._card_on:
                self._card_on = False
                self._emit(IdCardTaken(self.name))
            self._probe_failing = False
        except IdReaderError as err:
            if not self._probe_failing:  # said once, not at every look
                log.info("ID card reader %s: %s", self.name, err.code)
                self._emit(DeviceErrorEvent(self.name, err))
            self._probe_failing = True
        finally:
            if self._timer is not None:
                self._schedule()

    # ---- operations -----------------------------------------------------------------------

    def read_card(self) -> text.IdCardData:
        """Find, select and read the card on the reader."""
        self._require_enabled("read an ID card")
        return self.thread.call(self._read_card, timeout=self.timeout * 3 * (RETRIES + 1) + 1)

    def read_sam_id(self) -> bytes:
        self._require_enabled("read the SAM id")
        return self.thread.call(self._command_ok, frames.Command.READ_SAM_ID)

    def _read_card(self) -> text.IdCardData:
        self.thread.assert_owner()
        with self._operation():
            found = self._transact(frames.Command.FIND_CARD)
            if found.sw3 == frames.Sw3.NO_CARD:
                raise NoIdCardError()
            if found.sw3 != frames.Sw3.CARD_FOUND:
                raise _unexpected(found, "find card")
            selected = self._transact(frames.Command.SELECT_CARD)
            if selected.sw3 == frames.Sw3.SELECT_FAILED:
                raise IdCardSelectError()
            if selected.sw3 != frames.Sw3.OK:
                raise _unexpected(selected, "select card")
            answer = self._transact(frames.Command.READ_TEXT_PHOTO)
            if answer.sw3 == frames.Sw3.READ_FAILED:
                raise IdCardReadError()
            if answer.sw3 != frames.Sw3.OK:
                raise _unexpected(answer, "read card")
            return text.decode_card(answer.data)

    def _command_ok(self, command: tuple[int, int]) -> bytes:
        with self._operation():
            response = self._transact(command)
            if response.sw3 != frames.Sw3.OK:
                raise _unexpected(response, f"command {command[0]:02X} {command[1]:02X}")
            return response.data

    def _transact(self, command: tuple[int, int]) -> frames.Response:
        """Send one command and return its answer, retrying damaged answers."""
        self.thread.assert_owner()
        last: FrameError | None = None
        for _ in range(RETRIES + 1):
            try:
                return self._exchange(frames.build_request(command))
            except FrameError as err:
                last = err
        assert last is not None
        raise last

    def _exchange(self, request: bytes) -> frames.Response:
        serial = serial_module()
        parser = frames.FrameParser()
        left = monotonic_deadline(self.timeout)
        try:
            self._serial.reset_input_buffer()
            self._serial.write(request)
            while left() > 0:
                chunk = self._serial.read(max(1, self._serial.in_waiting))
                if not chunk:
                    continue
                parser.feed(chunk)
                body = parser.next_body()
                if body is not None:
                    return frames.parse_response_body(body)
        except serial.SerialException as err:
            raise io_error(self.port, err) from None
        finally:
            self.resync_bytes += parser.skipped
        raise IdReaderTimeoutError(f"no complete answer from {self.port} in {self.timeout:g} s")

    def _health(self, level: HealthLevel) -> tuple[bool, str, dict[str, str]]:
        details = {"port": self.port, "baudrate": str(self.baudrate)}
        if level is HealthLevel.INTERNAL:
            return True, f"port {self.port} open", details
        sam = self._command_ok(frames.Command.READ_SAM_ID)
        details["sam_id"] = sam.hex().upper()
        if level is HealthLevel.INTERACTIVE:
            card = self._read_card()
            details["card"] = card.masked()["id_number"]
            return True, "reader answers and read the card placed on it", details
        return True, "reader answers (SAM id read)", details


def _unexpected(response: frames.Response, what: str) -> ReaderReportedError:
    meaning = frames.READER_ERRORS.get(response.sw3, "unexpected status")
    return ReaderReportedError(f"{what}: SW3 {response.sw3:02X} ({meaning})")
