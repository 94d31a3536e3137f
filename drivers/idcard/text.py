"""The ID card's data: the 256-byte UTF-16LE text block, the photo, and GB 11643 check digits.

Pure functions, shared with the simulator (which encodes with `encode_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from drivers.idcard.errors import IdCardDataError, InvalidIdNumberError
from kernel.masking import mask_id, mask_name

TEXT_BYTES = 256
PHOTO_BYTES = 1024
NO_EXPIRY = "长期"

# (field, bytes) in card order; 256 bytes in all.
FIELDS: tuple[tuple[str, int], ...] = (
    ("name", 30),
    ("sex", 2),
    ("ethnicity", 4),
    ("birth_date", 16),
    ("address", 70),
    ("id_number", 36),
    ("authority", 30),
    ("valid_from", 16),
    ("valid_to", 16),
    ("reserved", 36),
)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise InvalidIdNumberError("an ID number starts with 17 digits")
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> str:
    """``value`` if it is 17 digits and the right check character (``x`` read as ``X``)."""
    number = value.upper()
    if len(number) != 18:
        raise InvalidIdNumberError(f"an ID number has 18 characters, not {len(number)}")
    if check_character(number[:17]) != number[17]:
        raise InvalidIdNumberError(f"check character of {mask_id(number)} is wrong")
    return number


@dataclass(frozen=True)
class IdCardData:
    name: str
    sex: str  # "1" male, "2" female (the card's code)
    ethnicity: str  # two-digit code
    birth_date: date
    address: str
    id_number: str
    authority: str
    valid_from: date
    valid_to: date | None  # None: 长期 (no expiry)
    photo_wlt: bytes

    def __repr__(self) -> str:
        return f"IdCardData(id_number={mask_id(self.id_number)!r}, name={mask_name(self.name)!r})"

    def masked(self) -> dict[str, str]:
        return {
            "id_number": mask_id(self.id_number),
            "name": mask_name(self.name),
            "valid_to": self.valid_to.isoformat() if self.valid_to else NO_EXPIRY,
        }

    def full(self) -> dict[str, str]:
        return {
            "id_number": self.id_number,
            "name": self.name,
            "sex": self.sex,
            "ethnicity": self.ethnicity,
            "birth_date": self.birth_date.isoformat(),
            "address": self.address,
            "authority": self.authority,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else NO_EXPIRY,
            "photo_bytes": str(len(self.photo_wlt)),
        }


def _date(text: str, what: str) -> date:
    if len(text) != 8 or not text.isdigit():
        raise IdCardDataError(f"{what} is not yyyymmdd")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise IdCardDataError(f"{what} is not a calendar date") from None


def decode_text(text: bytes) -> dict[str, str]:
    """Split the 256-byte block into its fields (UTF-16LE, space padded)."""
    if len(text) != TEXT_BYTES:
        raise IdCardDataError(f"text block is {len(text)} bytes, expected {TEXT_BYTES}")
    fields: dict[str, str] = {}
    offset = 0
    for name, size in FIELDS:
        raw = text[offset : offset + size]
        offset += size
        try:
            value = raw.decode("utf-16-le")
        except UnicodeDecodeError:
            raise IdCardDataError(f"{name} is not UTF-16LE text") from None
        fields[name] = value.rstrip(" \x00")
    return fields


def encode_text(fields: dict[str, str]) -> bytes:
    """The inverse of `decode_text` (the simulator writes cards with it)."""
    out = b""
    for name, size in FIELDS:
        raw = fields.get(name, "").encode("utf-16-le")
        if len(raw) > size:
            raise ValueError(f"{name} longer than {size} bytes")
        out += raw + " ".encode("utf-16-le") * ((size - len(raw)) // 2)
    return out


def decode_card(data: bytes) -> IdCardData:
    """The DATA of a ``30 01`` answer: text length, photo length, text, photo."""
    if len(data) < 4:
        raise IdCardDataError("answer too short for its length fields")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    if text_len != TEXT_BYTES or photo_len != PHOTO_BYTES:
        raise IdCardDataError(f"text/photo lengths {text_len}/{photo_len}, expected 256/1024")
    if len(data) != 4 + text_len + photo_len:
        raise IdCardDataError(f"answer is {len(data)} bytes, expected {4 + text_len + photo_len}")
    fields = decode_text(data[4 : 4 + text_len])
    if fields["sex"] not in ("1", "2"):
        raise IdCardDataError("sex code is neither 1 nor 2")
    if not fields["name"] or not fields["name"].isprintable():
        raise IdCardDataError("name is empty or not printable")
    valid_to = fields["valid_to"]
    return IdCardData(
        name=fields["name"],
        sex=fields["sex"],
        ethnicity=fields["ethnicity"],
        birth_date=_date(fields["birth_date"], "birth date"),
        address=fields["address"],
        id_number=validate_id_number(fields["id_number"]),
        authority=fields["authority"],
        valid_from=_date(fields["valid_from"], "valid-from date"),
        valid_to=None if valid_to == NO_EXPIRY else _date(valid_to, "valid-to date"),
        photo_wlt=data[4 + text_len :],
    )


def encode_card(fields: dict[str, str], photo: bytes) -> bytes:
    if len(photo) != PHOTO_BYTES:
        raise ValueError("the photo is 1024 bytes")
    return (
        TEXT_BYTES.to_bytes(2, "big") + PHOTO_BYTES.to_bytes(2, "big") + encode_text(fields) + photo
    )
