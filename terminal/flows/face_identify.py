"""Face-only identification: a live face, no card (credentials.md §4).

The terminal does not search faces itself: it sends one live encoding to the platform (1191),
which answers with a single-use authorisation number (valid 120 s), then asks for the person
with that number as the credential (1101, ``mdtrt_cert_type=90``). The flow is written against
`FacePlatform`, the two calls it needs, so the platform client and a test double both fit.
States are reported to an observer so a screen can show them; the encoding is handed to the
platform and dropped, never kept by the flow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from drivers.face.errors import FaceAuthorisationError, FaceNotEnrolledError
from drivers.face.session import LiveFace
from terminal.central.errors import BusinessError
from terminal.central.inputs import PersonQuery
from terminal.central.results import FaceAuthorisation, PersonInfo

FACE_CERT_TYPE = "90"  # mdtrt_cert_type: platform-verified face, cert no = authNo


class FacePlatform(Protocol):
    def authorize_face(
        self, encoding: Sequence[float], *, liveness_passed: bool, liveness_method: str
    ) -> FaceAuthorisation: ...

    def query_person(self, query: PersonQuery) -> PersonInfo: ...


class FaceIdentifyState(StrEnum):
    AUTHORISING = "authorising"  # 1191 in flight
    QUERYING = "querying"  # 1101 in flight
    IDENTIFIED = "identified"
    FAILED = "failed"


@dataclass(frozen=True)
class FaceIdentity:
    """Who the face belongs to, and the credential to quote in later transactions."""

    person: PersonInfo
    authorisation: FaceAuthorisation
    mdtrt_cert_type: str = FACE_CERT_TYPE


class FaceIdentifyFlow:
    def __init__(
        self,
        platform: FacePlatform,
        clock: Callable[[], datetime] = datetime.now,
        on_state: Callable[[FaceIdentifyState], None] | None = None,
    ) -> None:
        self._platform = platform
        self._clock = clock
        self._on_state = on_state
        self.state: FaceIdentifyState | None = None

    def identify(self, live: LiveFace) -> FaceIdentity:
        """1191 with the live encoding, then 1101 with the authorisation number.

        Refusals become face errors a person understands: no enrolled face close enough
        (E430, use a card instead), or an authorisation the platform no longer honours (E431).
        Transport and system failures propagate as the client's typed errors.
        """
        try:
            self._enter(FaceIdentifyState.AUTHORISING)
            auth = self.authorise(live)
            self._enter(FaceIdentifyState.QUERYING)
            query = PersonQuery(
                mdtrt_cert_type=FACE_CERT_TYPE,
                mdtrt_cert_no=auth.auth_no,
                begntime=self._clock().strftime("%Y-%m-%d %H:%M:%S"),
                psn_cert_type=auth.psn_cert_type,
                certno=auth.certno,
            )
            try:
                person = self._platform.query_person(query)
            except BusinessError as err:
                raise FaceAuthorisationError("platform 1101 refused the authNo") from err
        except BaseException:
            self._enter(FaceIdentifyState.FAILED)
            raise
        self._enter(FaceIdentifyState.IDENTIFIED)
        return FaceIdentity(person, auth)

    def authorise(self, live: LiveFace) -> FaceAuthorisation:
        """1191 alone: the platform's single-use authorisation for this live face (a
        checkout then quotes it in its own 1101); E430 when no enrolled face is close."""
        try:
            return self._platform.authorize_face(
                [float(x) for x in live.encoding],
                liveness_passed=True,
                liveness_method=live.liveness.method,
            )
        except BusinessError as err:
            raise FaceNotEnrolledError("platform 1191 answered -2") from err

    def _enter(self, state: FaceIdentifyState) -> None:
        self.state = state
        if self._on_state is not None:
            self._on_state(state)
