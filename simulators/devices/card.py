"""A virtual social security card plugged into pcscd through the vpcd virtual reader.

`VirtualCard` is the card's logic (pure: APDU in, answer out), built from a world person's
``cards[]`` entry. `VpcdCard` connects it to vpcd (TCP 127.0.0.1:35963, every message framed as
a 2-byte big-endian length and a payload; a 1-byte payload is a control message) in its own
thread: connecting is inserting the card, closing the socket is pulling it out.

Misbehaviour on command: `pull_after(n)` removes the card after ``n`` more APDUs (a card pulled
mid-read), ``record_overrides`` replaces a record's raw answer (short, over-long, bad tag,
bad values), a wrong PIN counts down and locks the card, an expiry date in the past is an
expired card.

Version differences (project decision, so the driver is exercised on each): 3.00 cards guard
EF06 behind the PIN (``69 82``, blocked or not: ``69 83`` is VERIFY's answer) and pad the name
with NUL; 1.00 cards pad with spaces and, like old T=0 cards, answer a READ RECORD with Le=0 by
``6C <length>`` (ask again with the length).

VERIFY without data (the tries-left query, ISO 7816-4:2005) never spends a try: 3.00 and 2.00
cards answer ``63 Cx`` (x tries left), ``90 00`` once the PIN is verified, ``69 83`` when
blocked; the 2.00 card has the same PIN and counter though its EF06 needs no PIN. 1.00 cards'
operating systems predate the query and answer ``67 00`` (wrong length), as such cards do.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from drivers.smartcard import codec

VPCD_HOST = "127.0.0.1"
VPCD_PORT = 35963
CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0, 1, 2, 4
PIN_TRIES = 3


def _atr() -> bytes:
    """A T=1 ATR with the historical bytes "MEDTERM1" and its check byte."""
    body = bytes([0x88, 0x80, 0x01]) + b"MEDTERM1"
    tck = 0
    for b in body:
        tck ^= b
    return bytes([0x3B]) + body + bytes([tck])


ATR = _atr()


@dataclass
class CardData:
    """What is written on the card (EF05 and EF06)."""

    card_no: str
    card_sn: str
    version: str
    pin: str
    expires: date
    certno: str
    name: str
    sex: str
    birth_date: date
    issued: date = date(2020, 1, 1)
    ethnicity: str = "01"

    @classmethod
    def from_world_person(cls, person: dict[str, Any], index: int = 0) -> CardData:
        """The ``index``-th card of a world person (simulator.md person fields)."""
        card = person["cards"][index]
        return cls(
            card_no=card["card_no"],
            card_sn=card["card_sn"],
            version=card["version"],
            pin=card["pin"],
            expires=date.fromisoformat(card["expires"]),
            certno=person["certno"],
            name=person["psn_name"],
            sex=person["gend"],
            birth_date=date.fromisoformat(person["brdy"]),
        )

    def records(self) -> dict[tuple[int, int], bytes]:
        """Every record as the card answers it, keyed by (SFI, record number)."""
        pad = b" " if self.version == "1.00" else b"\x00"
        values: dict[tuple[int, int], bytes] = {
            (codec.SFI_EF05, codec.Ef05.CARD_SN): bytes.fromhex(self.card_sn),
            (codec.SFI_EF05, codec.Ef05.VERSION): self.version.encode(),
            (codec.SFI_EF05, codec.Ef05.ISSUED): codec.encode_bcd_date(self.issued),
            (codec.SFI_EF05, codec.Ef05.EXPIRES): codec.encode_bcd_date(self.expires),
            (codec.SFI_EF05, codec.Ef05.CARD_NO): self.card_no.encode(),
            (codec.SFI_EF06, codec.Ef06.CERTNO): self.certno.encode(),
            (codec.SFI_EF06, codec.Ef06.NAME): codec.encode_name(self.name, pad),
            (codec.SFI_EF06, codec.Ef06.SEX): self.sex.encode(),
            (codec.SFI_EF06, codec.Ef06.ETHNICITY): self.ethnicity.encode(),
            (codec.SFI_EF06, codec.Ef06.BIRTH_DATE): codec.encode_bcd_date(self.birth_date),
        }
        return {key: codec.encode_record(key[1], value) for key, value in values.items()}


@dataclass
class VirtualCard:
    """The card's behaviour: answers APDUs; keeps its PIN counter across insertions."""

    data: CardData
    tries_left: int = PIN_TRIES
    record_overrides: dict[tuple[int, int], bytes] = field(default_factory=dict)
    is_social_security: bool = True
    _selected: bool = False
    _pin_ok: bool = False

    def reset(self) -> None:
        self._selected = False
        self._pin_ok = False

    def answer(self, apdu: bytes) -> bytes:
        if len(apdu) < 4:
            return b"\x67\x00"
        cla, ins, p1, p2 = apdu[:4]
        if cla != 0x00:
            return b"\x6e\x00"
        if ins == 0xA4:
            return self._select(apdu)
        if ins == 0xB2:
            return self._read_record(p1, p2, apdu[4] if len(apdu) > 4 else 0)
        if ins == 0x20:
            pin_bcd = apdu[5 : 5 + apdu[4]] if len(apdu) > 4 else b""
            return self._verify(pin_bcd) if pin_bcd else self._tries_query()
        return b"\x6d\x00"

    def _select(self, apdu: bytes) -> bytes:
        if not self.is_social_security or apdu[5 : 5 + apdu[4]] != codec.AID:
            return b"\x6a\x82"
        self._selected = True
        return b"\x90\x00"

    def _read_record(self, record: int, p2: int, le: int) -> bytes:
        if not self._selected:
            return b"\x69\x85"
        sfi = p2 >> 3
        key = (sfi, record)
        body = self.record_overrides.get(key, self.data.records().get(key))
        if body is None:
            return b"\x6a\x83"
        if sfi == codec.SFI_EF06 and self.data.version == "3.00" and not self._pin_ok:
            return b"\x69\x82"
        if self.data.version == "1.00" and le != len(body) and len(body) <= 0xFF:
            return bytes([0x6C, len(body)])
        return body + b"\x90\x00"

    def _tries_query(self) -> bytes:
        if self.data.version == "1.00":
            return b"\x67\x00"
        if self.tries_left == 0:
            return b"\x69\x83"
        if self._pin_ok:
            return b"\x90\x00"
        return bytes([0x63, 0xC0 | self.tries_left])

    def _verify(self, pin_bcd: bytes) -> bytes:
        if self.tries_left == 0:
            return b"\x69\x83"
        if pin_bcd == codec.encode_pin(self.data.pin):
            self.tries_left = PIN_TRIES
            self._pin_ok = True
            return b"\x90\x00"
        self.tries_left -= 1
        return bytes([0x63, 0xC0 | self.tries_left])


class VpcdCard:
    """Plugs a `VirtualCard` into vpcd: `insert()` connects, `remove()` disconnects."""

    def __init__(self, card: VirtualCard, host: str = VPCD_HOST, port: int = VPCD_PORT) -> None:
        self.card = card
        self.host = host
        self.port = port
        self.apdu_count = 0
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._pull_after: int | None = None
        self._lock = threading.Lock()

    @property
    def inserted(self) -> bool:
        return self._sock is not None

    def insert(self, timeout: float = 5.0) -> None:
        if self._sock is not None:
            raise RuntimeError("the card is already inserted")
        self.card.reset()
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(None)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
        self._thread.start()

    def remove(self) -> None:
        """Pull the card out (idempotent); waits for the serving thread to finish."""
        with self._lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            _close(sock)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._thread = None

    def pull_after(self, apdus: int | None) -> None:
        """Pull the card out when ``apdus`` more APDUs have arrived (before answering the
        last one); None cancels."""
        self._pull_after = None if apdus is None else self.apdu_count + apdus

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                message = _recv_message(sock)
                if message is None:
                    break
                reply = self._handle(message)
                if reply is None and len(message) > 1:
                    break  # pulled out mid-read: no answer
                if reply is not None:
                    sock.sendall(len(reply).to_bytes(2, "big") + reply)
        except OSError:
            pass
        finally:
            with self._lock:
                if self._sock is sock:
                    self._sock = None
            _close(sock)

    def _handle(self, message: bytes) -> bytes | None:
        if len(message) == 1:
            if message[0] == CTRL_ATR:
                return ATR
            if message[0] in (CTRL_OFF, CTRL_RESET):
                self.card.reset()
            return None
        self.apdu_count += 1
        if self._pull_after is not None and self.apdu_count >= self._pull_after:
            self._pull_after = None
            return None
        return self.card.answer(message)


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        # Delayed ACKs would add ~40 ms per APDU; QUICKACK is reset by the kernel, so every time.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _recv_message(sock: socket.socket) -> bytes | None:
    header = _recv_exact(sock, 2)
    if header is None:
        return None
    return _recv_exact(sock, int.from_bytes(header, "big"))


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
