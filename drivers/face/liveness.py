"""Liveness: a live person blinks or turns their head when asked; a photo, a screen showing a
still, or replayed frames do not.

Two methods, both judged from the 68 landmarks across frames. **Blink** (the default): the eye
aspect ratio (EAR, Soukupová & Čech 2016) drops
when the eyes shut and comes back when they open. A blink counts only when the EAR falls both
below an absolute level (``blink_ear``) and well below the person's own open-eye level
(``blink_drop`` x the recent maximum), then recovers: landmark jitter on a still photo moves
the EAR by a few hundredths, a blink by more than a third. Two faster refusals catch replays:
frames that do not change at all for ``still_seconds``, and a frame identical to an earlier one
(a looped video). **Head turn** (``[face] liveness = "turn"``): the person is asked to turn to
a side chosen at random for each check (so a recording cannot know it), from facing the camera
to a clear turn (`head_yaw` beyond ``turn_yaw``) and back; the frame after turning back is the
one encoded. Time is measured on the frames' own timestamps, so a file camera in tests and
a real camera behave alike; the person has ``liveness_timeout`` seconds from the first frame.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from drivers.camera.source import Frame, FrameSource
from drivers.face.engine import FaceBox, FaceEngine, eye_aspect_ratio, head_yaw
from drivers.face.errors import (
    FaceChangedError,
    FaceError,
    FaceNotSeenTimeoutError,
    LivenessTimeoutError,
    MultipleFacesError,
    NoFaceError,
    PartialFaceError,
    StillImageError,
)
from drivers.face.settings import FaceSettings, LivenessMethod

OPEN_WINDOW = 2.0  # seconds of EAR history that define the person's open-eye level
REOPEN_FRACTION = 0.85  # eyes count as open again above this fraction of that level
MAX_CLOSED = 0.8  # seconds; eyes shut longer than this are not a blink (dozing, a photo swap)
STILL_DIFF = 0.5  # mean absolute grey-level difference below which two frames are "the same"
FRONTAL_YAW = 0.10  # |head_yaw| at most this counts as facing the camera
FACE_GAP = 0.5  # seconds without a face after which the action must start over

log = logging.getLogger(__name__)

READ_TIMEOUT = 2.0  # seconds without any frame from the camera before giving up


class Prompt(Enum):
    """What the screen says to the person while the check runs (Chinese / English)."""

    FACE_CAMERA = ("请正对摄像头", "please look at the camera")
    WHOLE_FACE = ("请将整张脸移入画面", "please move your whole face into the frame")
    ONE_PERSON = ("请仅本人面对摄像头", "only the person being served, please")
    BLINK = ("请眨眼", "please blink")
    TURN_LEFT = ("请向左转头", "please turn your head to your left")
    TURN_RIGHT = ("请向右转头", "please turn your head to your right")
    LOOK_BACK = ("请转回正面", "please look at the camera again")
    DONE = ("检测通过", "thank you")

    @property
    def zh(self) -> str:
        return self.value[0]

    @property
    def en(self) -> str:
        return self.value[1]

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass(frozen=True)
class LivenessResult:
    """A passed check, with the frame to encode (eyes open, facing the camera) and its box."""

    method: str
    frames: int
    seconds: float
    frame: Frame = field(repr=False, compare=False)
    box: FaceBox
    encoding: np.ndarray = field(repr=False, compare=False)
    """The encoding of ``frame``'s face, already checked against the start of the check."""

    def as_wire(self) -> dict[str, object]:
        """1191's ``liveness`` object: what the check saw, nothing biometric."""
        return {"passed": True, "method": self.method, "frames": self.frames}


class BlinkDetector:
    """EAR samples in, "a blink happened" out: the pure part of the check, tested alone."""

    def __init__(self, blink_ear: float, blink_drop: float) -> None:
        self.blink_ear = blink_ear
        self.blink_drop = blink_drop
        self._history: deque[tuple[float, float]] = deque()
        self._closed_at: float | None = None
        self._closed_level = 0.0
        self._need_open = False  # after a too-long closure, eyes must open before a new blink

    def update(self, timestamp: float, ear: float) -> bool:
        """Feed one sample; True when this sample completes a blink (shut, then open)."""
        while self._history and timestamp - self._history[0][0] > OPEN_WINDOW:
            self._history.popleft()
        open_level = max((e for _, e in self._history), default=ear)
        self._history.append((timestamp, ear))
        if self._need_open:
            self._need_open = ear <= REOPEN_FRACTION * open_level
            return False
        if self._closed_at is None:
            if ear < self.blink_ear and ear < self.blink_drop * open_level:
                self._closed_at = timestamp
                self._closed_level = open_level
            return False
        if timestamp - self._closed_at > MAX_CLOSED:
            self._closed_at = None  # too long to be a blink; start over once eyes are open
            self._need_open = True
            return False
        if ear > REOPEN_FRACTION * self._closed_level:
            self._closed_at = None
            return True
        return False

    def reset(self) -> None:
        self._history.clear()
        self._closed_at = None
        self._need_open = False


class TurnDetector:
    """Yaw samples in: True once the head faced the camera, turned to ``side``, and came back."""

    def __init__(self, side: LivenessMethod, turn_yaw: float) -> None:
        self.sign = 1.0 if side is LivenessMethod.TURN_LEFT else -1.0
        self.turn_yaw = turn_yaw
        self._ask = Prompt.TURN_LEFT if self.sign > 0 else Prompt.TURN_RIGHT
        self.reset()

    def update(self, timestamp: float, yaw: float) -> bool:
        if not self._faced:
            self._faced = abs(yaw) <= FRONTAL_YAW
            return False
        if not self._turned:
            self._turned = self.sign * yaw >= self.turn_yaw
            if self._turned:
                self.prompt = Prompt.LOOK_BACK
            return False
        return abs(yaw) <= FRONTAL_YAW

    def reset(self) -> None:
        self._faced = False
        self._turned = False
        self.prompt = self._ask


class LivenessCheck:
    """One liveness session over a frame source; create one per person.

    ``method`` defaults to the configuration: blink, or a head turn to a random side.
    """

    def __init__(
        self,
        engine: FaceEngine,
        settings: FaceSettings | None = None,
        on_prompt: Callable[[Prompt], None] | None = None,
        method: LivenessMethod | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings or engine.settings
        self._on_prompt = on_prompt
        self._prompt: Prompt | None = None
        if method is None and self.settings.liveness == "turn":
            method = random.SystemRandom().choice(
                (LivenessMethod.TURN_LEFT, LivenessMethod.TURN_RIGHT)
            )
        self.method = method or LivenessMethod.BLINK
        self._blinks = BlinkDetector(self.settings.blink_ear, self.settings.blink_drop)
        self._turns = (
            TurnDetector(self.method, self.settings.turn_yaw)
            if self.method is not LivenessMethod.BLINK
            else None
        )
        self._start: float | None = None
        self._frames = 0
        self._seen_face = False
        self._last_refusal: FaceError | None = None
        self._previous: np.ndarray | None = None
        self._still_since: float | None = None
        self._digests: set[bytes] = set()
        self._last_face: float | None = None
        self._anchor: np.ndarray | None = None

    def run(self, source: FrameSource, cancel: threading.Event | None = None) -> LivenessResult:
        """Read frames until passed (result) or refused (raised); blocks: use a worker."""
        while cancel is None or not cancel.is_set():
            result = self.feed(source.read(READ_TIMEOUT))
            if result is not None:
                return result
        raise LivenessTimeoutError("cancelled")

    def feed(self, frame: Frame) -> LivenessResult | None:
        """Judge one frame; returns the result once passed, raises a typed refusal."""
        if self._start is None:
            self._start = frame.timestamp
        self._frames += 1
        elapsed = frame.timestamp - self._start
        if elapsed > self.settings.liveness_timeout:
            raise self._timeout()
        try:
            box = self.engine.select(frame.image)
        except NoFaceError as err:
            return self._no_face(err, Prompt.FACE_CAMERA)
        except PartialFaceError as err:
            return self._no_face(err, Prompt.WHOLE_FACE)
        except MultipleFacesError as err:
            return self._no_face(err, Prompt.ONE_PERSON)
        self._seen_face = True
        self._check_replay(frame)
        if self._last_face is None or frame.timestamp - self._last_face > FACE_GAP:
            self._start_track(frame, box)
        self._last_face = frame.timestamp
        points = self.engine.landmarks(frame.image, box)
        if self._turns is None:
            self._show(Prompt.BLINK)
            passed = self._blinks.update(frame.timestamp, eye_aspect_ratio(points))
        else:
            self._show(self._turns.prompt)
            passed = self._turns.update(frame.timestamp, head_yaw(points))
        if not passed:
            return None
        encoding = self._same_person(frame, box)
        self._show(Prompt.DONE)
        log.info("liveness passed: %s after %d frames, %.1f s", self.method, self._frames, elapsed)
        return LivenessResult(self.method.value, self._frames, elapsed, frame, box, encoding)

    def _start_track(self, frame: Frame, box: FaceBox) -> None:
        """A face (again) after none: the action starts over, on this face.

        A frame or two without a face (a head turn, motion blur) does not restart it; a longer
        gap does, and the face at the start of the track is encoded so that the face at the end
        must be the same person (a photo swapped in after a live person's blink is refused).
        """
        self._blinks.reset()
        if self._turns is not None:
            self._turns.reset()
        self._anchor = self.engine.encode(frame.image, box)

    def _same_person(self, frame: Frame, box: FaceBox) -> np.ndarray:
        encoding = self.engine.encode(frame.image, box)
        assert self._anchor is not None
        distance = float(np.linalg.norm(encoding - self._anchor))
        if distance > self.settings.threshold:
            raise FaceChangedError(f"distance {distance:.2f} between start and end of the check")
        return encoding

    def _no_face(self, err: FaceError, prompt: Prompt) -> None:
        self._last_refusal = err
        self._previous = None
        self._show(prompt)
        return None

    def _timeout(self) -> FaceError:
        limit = f"{self.settings.liveness_timeout:g} s"
        if self._seen_face:
            wanted = Prompt.BLINK if self._turns is None else self._turns.prompt
            return LivenessTimeoutError(f"no {self.method} within {limit}; prompt: {wanted}")
        if isinstance(self._last_refusal, PartialFaceError | MultipleFacesError):
            return type(self._last_refusal)(f"for {limit}")
        return FaceNotSeenTimeoutError(f"no face within {limit}; prompt: {Prompt.FACE_CAMERA}")

    def _check_replay(self, frame: Frame) -> None:
        """Refuse frames that never change, and frames seen before (a looped recording)."""
        grey = frame.image.mean(axis=2, dtype=np.float32)
        if self._previous is not None and self._previous.shape == grey.shape:
            if float(np.abs(grey - self._previous).mean()) < STILL_DIFF:
                if self._still_since is None:
                    self._still_since = frame.timestamp
                elif frame.timestamp - self._still_since >= self.settings.still_seconds:
                    raise StillImageError(f"unchanged for {self.settings.still_seconds:g} s")
                return  # a repeated frame (camera faster than the scene) is not a replay
            self._still_since = None
        self._previous = grey
        digest = hashlib.blake2b(frame.image.tobytes(), digest_size=16).digest()
        if digest in self._digests:
            raise StillImageError("a frame repeated an earlier one exactly (replayed video)")
        self._digests.add(digest)

    def _show(self, prompt: Prompt) -> None:
        if prompt is not self._prompt:
            log.debug("liveness prompt: %s", prompt.name)
            self._prompt = prompt
            if self._on_prompt is not None:
                self._on_prompt(prompt)
