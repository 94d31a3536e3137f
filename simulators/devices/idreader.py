"""A resident ID card reader on a pty, answering the frames of credentials.md section 2.

It holds at most one card (`place` / `take_away`) built from a world person, and misbehaves
on command (`misbehave`): garbage before answers, bad checksums, silence, an answer cut short
(the card lifted mid-read), or a reader that does not know the read command.
"""

from __future__ import annotations

import enum
import os
import threading
from dataclasses import dataclass
from typing import Any

from drivers.idcard import frames, text
from simulators.devices.pty import PtyDevice

SAM_ID = bytes.fromhex("0501000000000000000000000000000001")


class IdMisbehaviour(enum.Enum):
    GARBAGE = "garbage"  # line noise before every answer (the driver must resynchronise)
    BAD_CHECKSUM = "bad_checksum"  # every answer's checksum is wrong
    SILENT = "silent"  # no answer at all
    CUT = "cut"  # the card-read answer stops halfway (card lifted)
    UNKNOWN_COMMAND = "unknown_command"  # answers SW3 21 to everything


@dataclass(frozen=True)
class IdCardFace:
    """What is printed on (and stored in) the card."""

    name: str
    sex: str
    id_number: str
    birth_date: str  # yyyymmdd
    address: str = "广东省深圳市福田区福中三路1号"
    ethnicity: str = "01"
    authority: str = "深圳市公安局福田分局"
    valid_from: str = "20200101"
    valid_to: str = "20400101"

    @classmethod
    def from_world_person(cls, person: dict[str, Any]) -> IdCardFace:
        return cls(
            name=person["psn_name"],
            sex=person["gend"],
            id_number=person["certno"],
            birth_date=person["brdy"].replace("-", ""),
        )

    def encode(self) -> bytes:
        fields = {
            "name": self.name,
            "sex": self.sex,
            "ethnicity": self.ethnicity,
            "birth_date": self.birth_date,
            "address": self.address,
            "id_number": self.id_number,
            "authority": self.authority,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
        }
        photo = b"WLT" + bytes(range(256)) * 4
        return text.encode_card(fields, photo[: text.PHOTO_BYTES])


class IdReaderSimulator:
    """The reader; `path` is the serial port the driver opens."""

    def __init__(self, card: IdCardFace | None = None) -> None:
        self.card = card
        self.misbehaviour: IdMisbehaviour | None = None
        self.requests: list[bytes] = []
        self._parser = frames.FrameParser()
        self._lock = threading.Lock()
        self._pty = PtyDevice("idreader", self._on_data)
        self.path = self._pty.path

    def place(self, card: IdCardFace) -> None:
        self.card = card

    def take_away(self) -> None:
        self.card = None

    def misbehave(self, mode: IdMisbehaviour | None) -> None:
        self.misbehaviour = mode

    def close(self) -> None:
        self._pty.close()

    def _on_data(self, chunk: bytes) -> None:
        with self._lock:
            self._parser.feed(chunk)
            while True:
                try:
                    body = self._parser.next_body()
                except frames.FrameError:
                    self._send(frames.build_response(frames.Sw3.BAD_CHECKSUM))
                    continue
                if body is None:
                    return
                self.requests.append(body)
                self._answer(body)

    def _answer(self, body: bytes) -> None:
        mode = self.misbehaviour
        if mode is IdMisbehaviour.SILENT:
            return
        if mode is IdMisbehaviour.UNKNOWN_COMMAND or len(body) != 2:
            self._send(frames.build_response(frames.Sw3.UNKNOWN_COMMAND))
            return
        command = (body[0], body[1])
        if command == frames.Command.READ_SAM_ID:
            reply = frames.build_response(frames.Sw3.OK, SAM_ID)
        elif command == frames.Command.FIND_CARD:
            sw3 = frames.Sw3.CARD_FOUND if self.card else frames.Sw3.NO_CARD
            reply = frames.build_response(sw3)
        elif command == frames.Command.SELECT_CARD:
            sw3 = frames.Sw3.OK if self.card else frames.Sw3.SELECT_FAILED
            reply = frames.build_response(sw3)
        elif command == frames.Command.READ_TEXT_PHOTO:
            if self.card is None:
                reply = frames.build_response(frames.Sw3.READ_FAILED)
            else:
                reply = frames.build_response(frames.Sw3.OK, self.card.encode())
                if mode is IdMisbehaviour.CUT:
                    reply = reply[: len(reply) // 2]
        else:
            reply = frames.build_response(frames.Sw3.UNKNOWN_COMMAND)
        if mode is IdMisbehaviour.BAD_CHECKSUM:
            reply = reply[:-1] + bytes([reply[-1] ^ 0xFF])
        if mode is IdMisbehaviour.GARBAGE:
            reply = os.urandom(7) + b"\xaa\xaa\x96" + reply
        self._send(reply)

    def _send(self, data: bytes) -> None:
        self._pty.write(data)
