"""The ID card reader's frames (credentials.md section 2): build, and parse from a byte stream.

``AA AA AA 96 69 | LEN(2, big-endian) | body | CHK``, where LEN counts every byte after itself
(the body and CHK) and CHK is the XOR of the bytes from LEN up to the one before CHK. Requests
carry ``CMD PARA``, responses ``SW1 SW2 SW3 DATA``.

`FrameParser` is fed whatever the serial port delivers (partial frames, garbage, several frames
at once) and yields whole, validated frames: bytes before a header are skipped (resynchronising
on line noise or a reader that was mid-frame when we opened the port), a LEN that no real frame
has makes the parser skip that header, and a bad checksum is reported as `FrameError` after the
frame's bytes are dropped, so the next frame still parses.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.idcard.errors import FrameError

HEADER = b"\xaa\xaa\xaa\x96\x69"
MIN_LEN = 2  # at least one body byte + CHK
MAX_LEN = 4096  # the biggest real answer (text + photo) is 1,288
OK = 0x90


class Command:
    """(CMD, PARA) pairs."""

    READ_SAM_ID = (0x12, 0xFF)
    FIND_CARD = (0x20, 0x01)
    SELECT_CARD = (0x20, 0x02)
    READ_TEXT_PHOTO = (0x30, 0x01)
    READ_PHOTO_JPEG = (0x30, 0x20)


class Sw3:
    """The third status byte of a response."""

    OK = 0x90
    CARD_FOUND = 0x9F
    NO_CARD = 0x80
    SELECT_FAILED = 0x81
    READ_FAILED = 0x41
    BAD_CHECKSUM = 0x10
    BAD_LENGTH = 0x11
    UNKNOWN_COMMAND = 0x21
    UNKNOWN_CARD = 0x40


READER_ERRORS = {
    Sw3.BAD_CHECKSUM: "the reader saw a bad checksum",
    Sw3.BAD_LENGTH: "the reader saw a bad length",
    Sw3.UNKNOWN_COMMAND: "the reader does not know the command",
    Sw3.UNKNOWN_CARD: "unknown card type",
}


def checksum(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def build_frame(body: bytes) -> bytes:
    """Wrap ``body`` (CMD PARA, or SW1 SW2 SW3 DATA) into a frame."""
    length = (len(body) + 1).to_bytes(2, "big")
    return HEADER + length + body + bytes([checksum(length + body)])


def build_request(command: tuple[int, int]) -> bytes:
    return build_frame(bytes(command))


def build_response(sw3: int, data: bytes = b"") -> bytes:
    return build_frame(bytes([0x00, 0x00, sw3]) + data)


@dataclass(frozen=True)
class Response:
    sw1: int
    sw2: int
    sw3: int
    data: bytes


def parse_response_body(body: bytes) -> Response:
    if len(body) < 3:
        raise FrameError(f"response body of {len(body)} bytes has no status")
    return Response(body[0], body[1], body[2], body[3:])


class FrameParser:
    """Accumulates bytes; `next_body` returns the body of the next valid frame, or None."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.skipped = 0  # garbage bytes dropped while resynchronising (for diagnostics)

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def next_body(self) -> bytes | None:
        """The next frame's body (without LEN and CHK); FrameError for a bad checksum."""
        while True:
            start = self._buffer.find(HEADER)
            if start < 0:
                # Keep a possible partial header at the end; drop the rest.
                keep = _partial_header_suffix(self._buffer)
                self.skipped += len(self._buffer) - keep
                del self._buffer[: len(self._buffer) - keep]
                return None
            if start:
                self.skipped += start
                del self._buffer[:start]
            if len(self._buffer) < len(HEADER) + 2:
                return None
            length = int.from_bytes(self._buffer[len(HEADER) : len(HEADER) + 2], "big")
            if not MIN_LEN <= length <= MAX_LEN:
                self.skipped += 1
                del self._buffer[:1]  # not a real frame: look for the next header
                continue
            end = len(HEADER) + 2 + length
            if len(self._buffer) < end:
                return None
            frame = bytes(self._buffer[:end])
            del self._buffer[:end]
            covered = frame[len(HEADER) : -1]
            if checksum(covered) != frame[-1]:
                raise FrameError(f"bad checksum on a {length}-byte frame")
            return covered[2:]


def _partial_header_suffix(buffer: bytearray) -> int:
    """How many trailing bytes of ``buffer`` could be the start of a header."""
    for size in range(min(len(HEADER) - 1, len(buffer)), 0, -1):
        if buffer[-size:] == HEADER[:size]:
            return size
    return 0
