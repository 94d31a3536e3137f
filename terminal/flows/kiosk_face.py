"""The kiosk's face check on the real parts: the face service (its own worker thread), the
camera, the platform's face search (1191) and the journal's audit log. This is the
`terminal.flows.journey_face.FacePort` the journey drives; every method blocks and is run by
the journey's runner, never on the GUI thread.

The camera is read through `PreviewTap`, which hands every frame the check looks at to its
subscribers as well (the face screen's live preview, relayed to the GUI thread): the preview
shows what is judged, at the rate it is judged, and no second reader competes for frames.
Frames are handed on in memory and never kept here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from drivers.base import DeviceStatus
from drivers.camera.source import Frame, FrameSource
from drivers.face.errors import FaceError
from drivers.face.liveness import Prompt
from drivers.face.process import FaceProcess
from drivers.face.session import FaceService, LiveFace
from drivers.face.settings import LivenessMethod
from drivers.face.verifier import Reference
from offline_store.journal import Journal
from offline_store.staff_assist import record_staff_assist
from terminal.flows.face_identify import FaceIdentifyFlow, FacePlatform
from terminal.flows.identify import Credential, CredentialKind, IdentifiedPerson
from terminal.flows.journey_face import Prompted

FrameListener = Callable[[Frame], None]


class NoEnrolledFace(FaceError):
    """The identified person has no enrolled face to compare with (`face_check = "always"`)."""

    code = "E910"
    message_zh = "您尚未登记人脸，无法核验"
    message_en = "no face is enrolled for you, so it cannot be checked"
    action = "Ask the staff to verify you (staff help), or pay at the staffed window."
    action_zh = "请按“工作人员协助”由工作人员核验，或到人工窗口办理。"


class PreviewTap:
    """A `FrameSource` that also hands each frame read to its listeners (from the reader's
    thread: the kiosk relays them to the GUI thread)."""

    def __init__(self, source: FrameSource) -> None:
        self.source = source
        self._listeners: list[FrameListener] = []

    @property
    def status(self) -> DeviceStatus:
        return self.source.status

    def start(self) -> None:
        self.source.start()

    def close(self) -> None:
        self.source.close()

    def read(self, timeout: float) -> Frame:
        frame = self.source.read(timeout)
        for listener in list(self._listeners):
            listener(frame)
        return frame

    def subscribe(self, listener: FrameListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)


class KioskFace:
    """The face check of one kiosk. ``service`` is a `FaceProcess` in the kiosk (dlib holds
    the interpreter's lock too long for a GUI thread: drivers/face/process.py) or a
    `FaceService` elsewhere; ``method`` fixes the liveness action (tests whose footage shows
    one side of a head turn), else `[face] liveness` decides. `close` ends the service (and
    the camera, when ``own_camera``: one the kiosk opened itself)."""

    def __init__(
        self, service: FaceService | FaceProcess, camera: FrameSource, platform: FacePlatform,
        journal: Journal, *, method: LivenessMethod | None = None, own_camera: bool = False,
    ) -> None:
        self.service = service
        self._own_camera = own_camera
        self.camera = PreviewTap(camera)
        self._flow = FaceIdentifyFlow(platform)
        self._journal = journal
        self._method = method

    @property
    def timeout_s(self) -> float:
        return self.service.settings.liveness_timeout

    def identify(self, on_prompt: Prompted, cancel: threading.Event) -> Credential:
        live = self.service.capture_live(
            self.camera, _named(on_prompt), cancel, self._method
        ).result()
        return self._credential(live)

    def verify(self, person: IdentifiedPerson, on_prompt: Prompted,
               cancel: threading.Event) -> None:
        if not person.face_ref:
            raise NoEnrolledFace()
        reference = Reference.from_encoding(person.face_ref)
        live = self.service.verify_live(
            self.camera, reference, _named(on_prompt), cancel, self._method
        ).result()
        live.verdict.raise_if_mismatch()

    def attested(self, cancel: threading.Event) -> Credential:
        live = self.service.capture_attested(self.camera, self.timeout_s, cancel).result()
        return self._credential(live)

    def record_staff(self, *, tx_id: str | None, staff: str, reason: str, verifying: bool,
                     failures: int) -> None:
        record_staff_assist(self._journal, tx_id=tx_id, staff=staff, reason=reason,
                            verifying=verifying, failures=failures)

    def close(self) -> None:
        self.service.close()
        if self._own_camera:
            self.camera.close()

    def _credential(self, live: LiveFace) -> Credential:
        auth = self._flow.authorise(live)
        return Credential(CredentialKind.FACE, auth.auth_no, certno=auth.certno)


def _named(on_prompt: Prompted) -> Callable[[Prompt], None]:
    return lambda prompt: on_prompt(prompt.name)
