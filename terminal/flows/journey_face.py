"""The journey's face check, the parts with no Qt and no dlib in them: when it is asked for
(`FaceCheck`), who may vouch for a patient who cannot pass it (`StaffPins`) and why
(`STAFF_REASONS`), and the port the journey drives it through (`FacePort`).

The steps and their table are in `terminal.flows.journey` (one grouped block); the port's
implementation over the real face service, camera, platform and journal is
`terminal.flows.kiosk_face.KioskFace`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, Protocol

from terminal.flows.identify import Credential, IdentifiedPerson

PBKDF2_ITERATIONS = 200_000
_SCHEME = "pbkdf2_sha256"


class FaceCheck(StrEnum):
    """`[kiosk] face_check`: when the kiosk looks at the patient's face."""

    NEVER = "never"  # no camera at this kiosk: 刷脸 is not offered
    CHOSEN = "chosen"  # only when the patient chooses 刷脸 (identification by face)
    ALWAYS = "always"  # also after a card, ID card or e-voucher: the face must match its holder


# why a staff member vouched for the patient instead of the face check (codes in the audit row;
# the screen says them in words)
STAFF_REASONS = ("cannot_act", "facial_condition", "elderly", "camera_or_light", "other")


def hash_staff_pin(pin: str, salt: bytes | None = None,
                   iterations: int = PBKDF2_ITERATIONS) -> str:
    """The form `[kiosk] staff_pins` holds: ``pbkdf2_sha256$ITERATIONS$SALT$HASH`` (hex)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"{_SCHEME}${iterations}${salt.hex()}${digest.hex()}"


class StaffPins:
    """The staff who may vouch for a patient, by staff id, each with a salted PIN hash.

    Checking costs a PBKDF2 (~0.1 s by design): the journey runs it on its runner, never on
    the GUI thread."""

    def __init__(self, hashes: Mapping[str, tuple[int, bytes, bytes]]) -> None:
        self._hashes = dict(hashes)

    @classmethod
    def parse(cls, table: Any) -> StaffPins:
        """``{staff_id = "pbkdf2_sha256$..."}``; raises ValueError naming what is wrong."""
        if not isinstance(table, Mapping):
            raise ValueError("kiosk.staff_pins must be a table of staff id = PIN hash")
        hashes: dict[str, tuple[int, bytes, bytes]] = {}
        for staff, text in table.items():
            parts = text.split("$") if isinstance(text, str) else []
            try:
                scheme, rounds, salt, digest = parts
                iterations = int(rounds)
                salt_bytes, digest_bytes = bytes.fromhex(salt), bytes.fromhex(digest)
            except ValueError:
                raise ValueError(
                    f"kiosk.staff_pins.{staff} must be {_SCHEME}$ITERATIONS$SALT$HASH "
                    "(made by terminal.flows.journey_face.hash_staff_pin)"
                ) from None
            weak = iterations < 10_000 or len(salt_bytes) < 8 or len(digest_bytes) != 32
            if scheme != _SCHEME or weak:
                raise ValueError(
                    f"kiosk.staff_pins.{staff}: {_SCHEME}, at least 10000 iterations, a salt of "
                    "8 bytes or more and a 32-byte hash"
                )
            hashes[str(staff)] = (iterations, salt_bytes, digest_bytes)
        return cls(hashes)

    def __bool__(self) -> bool:
        return bool(self._hashes)

    def match(self, pin: str) -> str | None:
        """The id of the staff member whose PIN this is, or None."""
        found = None
        for staff, (iterations, salt, digest) in self._hashes.items():
            candidate = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
            if hmac.compare_digest(candidate, digest) and found is None:
                found = staff  # every hash is computed: the time says nothing about who
        return found


Prompted = Callable[[str], None]  # the liveness prompt's name (`drivers.face.liveness.Prompt`)


class FacePort(Protocol):
    """What the journey asks of the face check; every method blocks (run on the runner) and
    reports the prompts it shows through ``on_prompt`` from its own thread."""

    @property
    def timeout_s(self) -> float:
        """How long one check may take (the countdown on the face screen)."""

    def identify(self, on_prompt: Prompted, cancel: threading.Event) -> Credential:
        """Liveness, then the platform's search (1191): the face credential (its authNo)."""

    def verify(self, person: IdentifiedPerson, on_prompt: Prompted,
               cancel: threading.Event) -> None:
        """Liveness, then the 1:1 comparison with the person's enrolled face; raises on a
        mismatch or when the person has none."""

    def attested(self, cancel: threading.Event) -> Credential:
        """A staff member vouched for a live person: one frame's face to the platform's
        search, without the liveness action the patient could not make."""

    def record_staff(self, *, tx_id: str | None, staff: str, reason: str, verifying: bool,
                     failures: int) -> None:
        """The staff member's vouching, in the journal's audit log."""


def main() -> int:
    """`python -m terminal.flows.journey_face`: a staff PIN, asked without echo, as the line
    to put under `[kiosk.staff_pins]` (the PIN itself is never shown or stored)."""
    import getpass

    pin = getpass.getpass("staff PIN (6 digits, typed on the kiosk's keypad): ")
    if len(pin) != 6 or not pin.isdigit():
        print("the kiosk's keypad takes exactly 6 digits")
        return 2
    print(f'STAFF_ID = "{hash_staff_pin(pin)}"')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
