"""The social security card's language: APDUs out, records in (credentials.md section 1).

Pure functions, no PC/SC: the reader sends what `select_application`, `read_record`,
`verify_pin` and `pin_tries_query` build, and hands the answers to `split_response`,
`check_pin_tries`, `parse_record` and the value decoders. The card simulator uses the same
encoders (`encode_record`, `encode_bcd_date`), so one definition of the format serves both
sides and the golden-byte tests pin it.

Records are ``tag(1) len(1) value``; anything else (short, over-long, wrong tag, impossible
value) is `MalformedRecordError`, never an IndexError or UnicodeDecodeError.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from drivers.smartcard.errors import (
    CardStatusError,
    MalformedRecordError,
    NotSocialSecurityCardError,
    PinBlockedError,
    PinRequiredError,
    WrongPinError,
)
from kernel.masking import mask_id, mask_name

# "sx1.sh." followed by 社会保障 in GBK.
AID = b"sx1.sh." + "社会保障".encode("gbk")
SW_OK = 0x9000
SFI_EF05 = 5
SFI_EF06 = 6
VERSIONS = ("1.00", "2.00", "3.00")
NAME_FIELD_BYTES = 30
PIN_REFERENCE = 0x00  # P2 of VERIFY: the cardholder PIN, as every social security card has it


class Ef05(enum.IntEnum):
    """EF05 (card information) record numbers, equal to their tags."""

    CARD_SN = 0x01
    VERSION = 0x03
    ISSUED = 0x05
    EXPIRES = 0x06
    CARD_NO = 0x07


class Ef06(enum.IntEnum):
    """EF06 (holder information) record numbers, equal to their tags."""

    CERTNO = 0x08
    NAME = 0x09
    SEX = 0x0A
    ETHNICITY = 0x0B
    BIRTH_DATE = 0x0D


# ---------------------------------------------------------------------------- commands


def select_application() -> bytes:
    """SELECT by AID of the social security application."""
    return bytes([0x00, 0xA4, 0x04, 0x00, len(AID)]) + AID


def read_record(sfi: int, record: int, le: int = 0) -> bytes:
    """READ RECORD ``record`` of the file with short identifier ``sfi`` (Le 0 = up to 256)."""
    if not (1 <= sfi <= 30 and 1 <= record <= 254 and 0 <= le <= 255):
        raise ValueError(f"bad READ RECORD parameters sfi={sfi} record={record} le={le}")
    return bytes([0x00, 0xB2, record, (sfi << 3) | 4, le])


def encode_pin(pin: str) -> bytes:
    """The PIN as packed BCD, an odd digit count padded with ``F``."""
    if not (4 <= len(pin) <= 12 and pin.isascii() and pin.isdigit()):
        raise ValueError("a PIN is 4 to 12 digits")
    digits = pin + ("F" if len(pin) % 2 else "")
    return bytes.fromhex(digits)


def verify_pin(pin: str) -> bytes:
    """VERIFY the cardholder PIN."""
    body = encode_pin(pin)
    return bytes([0x00, 0x20, 0x00, PIN_REFERENCE, len(body)]) + body


def pin_tries_query() -> bytes:
    """VERIFY with no data field (ISO 7816-4 case 1, no Lc): asks how many PIN tries are left
    without presenting a PIN, so without spending one; answered by `check_pin_tries`."""
    return bytes([0x00, 0x20, 0x00, PIN_REFERENCE])


# ---------------------------------------------------------------------------- responses


def split_response(response: bytes) -> tuple[bytes, int]:
    """(data, SW1SW2) of a card answer; an answer shorter than a status word is malformed."""
    if len(response) < 2:
        raise MalformedRecordError(f"answer of {len(response)} bytes has no status word")
    return response[:-2], (response[-2] << 8) | response[-1]


def check_select(sw: int) -> None:
    if sw == 0x6A82:
        raise NotSocialSecurityCardError("the social security application is not on this card")
    if sw != SW_OK:
        raise CardStatusError(f"SELECT answered {sw:04X}")


def _tries_in(sw: int) -> int | None:
    """The x of a ``63 Cx`` answer to VERIFY (x > 0); `PinBlockedError` for ``63 C0`` and
    ``69 83``; None for any other status word."""
    if sw == 0x63C0:
        raise PinBlockedError("no tries left")
    if sw == 0x6983:
        raise PinBlockedError("the card reports its PIN blocked")
    return sw & 0x0F if sw & 0xFFF0 == 0x63C0 else None


def check_verify(sw: int) -> None:
    """Map the VERIFY status: 63Cx wrong (x tries left), 6983 blocked."""
    if sw == SW_OK:
        return
    tries = _tries_in(sw)
    if tries is None:
        raise CardStatusError(f"VERIFY answered {sw:04X}")
    raise WrongPinError(tries)


def check_pin_tries(sw: int) -> int | None:
    """The tries left in the answer to `pin_tries_query`: ``63 Cx`` is x tries, ``90 00``
    (already verified in this session) is None; ``63 C0`` / ``69 83`` is `PinBlockedError`;
    anything else (e.g. ``67 00`` from a card whose operating system predates the query) is
    `CardStatusError`: the count is unknown, not zero."""
    if sw == SW_OK:
        return None
    tries = _tries_in(sw)
    if tries is None:
        raise CardStatusError(f"VERIFY without a PIN answered {sw:04X}")
    return tries


def check_read(sw: int, what: str) -> None:
    if sw == SW_OK:
        return
    if sw == 0x6982:
        raise PinRequiredError(f"{what} needs the PIN")
    if sw == 0x6983:
        raise PinBlockedError(f"{what}: the card is locked")
    raise CardStatusError(f"reading {what} answered {sw:04X}")


def encode_record(tag: int, value: bytes) -> bytes:
    """``tag len value``: what a card stores and answers (used by the simulator too)."""
    if not (0 <= tag <= 0xFF and len(value) <= 0xFF):
        raise ValueError("a record is one tag byte and at most 255 value bytes")
    return bytes([tag, len(value)]) + value


def parse_record(data: bytes, tag: int) -> bytes:
    """The value of a ``tag len value`` record, which must be exactly that long."""
    if len(data) < 2:
        raise MalformedRecordError(f"record {tag:02X} is {len(data)} bytes, shorter than a header")
    if data[0] != tag:
        raise MalformedRecordError(f"expected tag {tag:02X}, got {data[0]:02X}")
    length = data[1]
    if len(data) - 2 < length:
        raise MalformedRecordError(f"record {tag:02X} is truncated ({len(data) - 2} of {length})")
    if len(data) - 2 > length:
        raise MalformedRecordError(f"record {tag:02X} is over-long ({len(data) - 2} > {length})")
    return data[2:]


# ---------------------------------------------------------------------------- values


def encode_bcd_date(value: date) -> bytes:
    return bytes.fromhex(value.strftime("%Y%m%d"))


def decode_bcd_date(value: bytes, what: str) -> date:
    """A 4-byte BCD ``yyyymmdd`` date."""
    if len(value) != 4:
        raise MalformedRecordError(f"{what} is {len(value)} bytes, not a 4-byte BCD date")
    digits = value.hex()
    if not digits.isdigit():
        raise MalformedRecordError(f"{what} is not BCD")
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise MalformedRecordError(f"{what} is not a calendar date") from None


def decode_ascii(value: bytes, what: str, *, length: int | None = None) -> str:
    if length is not None and len(value) != length:
        raise MalformedRecordError(f"{what} is {len(value)} bytes, expected {length}")
    if not all(0x20 < b < 0x7F for b in value):
        raise MalformedRecordError(f"{what} holds non-printable bytes")
    return value.decode("ascii")


def decode_name(value: bytes) -> str:
    """A GBK name padded to 30 bytes with NUL or spaces (either, depending on the issuer)."""
    if len(value) != NAME_FIELD_BYTES:
        raise MalformedRecordError(f"name is {len(value)} bytes, expected {NAME_FIELD_BYTES}")
    text_bytes = value.rstrip(b"\x00 ")
    try:
        name = text_bytes.decode("gbk")
    except UnicodeDecodeError:
        raise MalformedRecordError("name is not GBK text") from None
    if not name or not name.isprintable():
        raise MalformedRecordError("name is empty or holds control characters")
    return name


def encode_name(name: str, pad: bytes = b"\x00") -> bytes:
    raw = name.encode("gbk")
    if len(raw) > NAME_FIELD_BYTES:
        raise ValueError("name longer than 30 GBK bytes")
    return raw + pad * (NAME_FIELD_BYTES - len(raw))


# ---------------------------------------------------------------------------- typed results


@dataclass(frozen=True)
class CardInfo:
    """EF05: what identifies the card itself."""

    card_sn: str  # 32 hex digits; the first 6 are the issuing region
    version: str
    issued: date
    expires: date
    card_no: str

    @property
    def region(self) -> str:
        return self.card_sn[:6]

    def __repr__(self) -> str:
        return (
            f"CardInfo(card_no={mask_id(self.card_no)!r}, version={self.version!r}, "
            f"region={self.region!r}, expires={self.expires.isoformat()})"
        )


@dataclass(frozen=True)
class HolderInfo:
    """EF06: the card holder."""

    certno: str
    name: str
    sex: str  # "1" male, "2" female
    ethnicity: str
    birth_date: date

    def __repr__(self) -> str:
        return f"HolderInfo(certno={mask_id(self.certno)!r}, name={mask_name(self.name)!r})"


@dataclass(frozen=True)
class CardIdentity:
    card: CardInfo
    holder: HolderInfo

    def masked(self) -> dict[str, str]:
        """What may be logged or shown to anyone."""
        return {
            "card_no": mask_id(self.card.card_no),
            "version": self.card.version,
            "region": self.card.region,
            "expires": self.card.expires.isoformat(),
            "certno": mask_id(self.holder.certno),
            "name": mask_name(self.holder.name),
        }

    def full(self) -> dict[str, str]:
        """Everything, unmasked: only for the technician's explicit ``--show-pii``."""
        return {
            "card_no": self.card.card_no,
            "card_sn": self.card.card_sn,
            "version": self.card.version,
            "issued": self.card.issued.isoformat(),
            "expires": self.card.expires.isoformat(),
            "certno": self.holder.certno,
            "name": self.holder.name,
            "sex": self.holder.sex,
            "ethnicity": self.holder.ethnicity,
            "birth_date": self.holder.birth_date.isoformat(),
        }


def decode_card_info(records: dict[int, bytes]) -> CardInfo:
    """EF05 values (already unwrapped by `parse_record`) into a `CardInfo`."""
    sn = records[Ef05.CARD_SN]
    if len(sn) != 16:
        raise MalformedRecordError(f"card identifier is {len(sn)} bytes, expected 16")
    version = decode_ascii(records[Ef05.VERSION], "version")
    if version not in VERSIONS:
        raise MalformedRecordError(f"unknown card specification version {version!r}")
    card_no = decode_ascii(records[Ef05.CARD_NO], "card number", length=9)
    return CardInfo(
        card_sn=sn.hex().upper(),
        version=version,
        issued=decode_bcd_date(records[Ef05.ISSUED], "issue date"),
        expires=decode_bcd_date(records[Ef05.EXPIRES], "expiry date"),
        card_no=card_no,
    )


def decode_holder_info(records: dict[int, bytes]) -> HolderInfo:
    """EF06 values into a `HolderInfo`."""
    sex = decode_ascii(records[Ef06.SEX], "sex", length=1)
    if sex not in ("1", "2"):
        raise MalformedRecordError(f"sex code {sex!r} is neither 1 nor 2")
    ethnicity = decode_ascii(records[Ef06.ETHNICITY], "ethnicity", length=2)
    if not ethnicity.isdigit():
        raise MalformedRecordError("ethnicity code is not two digits")
    return HolderInfo(
        certno=decode_ascii(records[Ef06.CERTNO], "social security number", length=18),
        name=decode_name(records[Ef06.NAME]),
        sex=sex,
        ethnicity=ethnicity,
        birth_date=decode_bcd_date(records[Ef06.BIRTH_DATE], "birth date"),
    )
