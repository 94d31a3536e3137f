"""Liveness over real frames: still photos, replays, faceless frames and the hamilton clip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from face_photos import FACES, photo
from PIL import Image

from drivers.camera.errors import CameraFrameTimeoutError
from drivers.camera.file_source import FileCamera
from drivers.camera.images import fit
from drivers.camera.source import CameraKind, CameraSettings, Frame
from drivers.face.engine import FaceEngine
from drivers.face.errors import (
    FaceChangedError,
    FaceNotSeenTimeoutError,
    LivenessTimeoutError,
    StillImageError,
)
from drivers.face.liveness import LivenessCheck, LivenessMethod, Prompt
from drivers.face.settings import FaceSettings


def _camera(path: Path, fps: float = 15.0, loop: bool = False) -> FileCamera:
    settings = CameraSettings(kind=CameraKind.FILE, path=path, fps=fps, realtime=False, loop=loop)
    camera = FileCamera("test-camera", settings)
    camera.start()
    return camera


@pytest.fixture
def prompts() -> list[Prompt]:
    return []


@pytest.fixture(scope="module")
def clip_frames() -> Iterator[list[Frame]]:
    """The hamilton clip at 15 fps, decoded once for the module."""
    camera = _camera(FACES / "hamilton_clip.mp4")
    frames: list[Frame] = []
    try:
        while True:
            frames.append(camera.read(1.0))
    except CameraFrameTimeoutError:  # E421 at the end of the video
        pass
    finally:
        camera.close()
    yield frames


def test_a_still_photo_fed_as_video_fails_as_a_still_picture(
    engine: FaceEngine, prompts: list[Prompt]
) -> None:
    camera = _camera(FACES / "obama_480p.jpg")
    try:
        with pytest.raises(StillImageError) as info:
            LivenessCheck(engine, on_prompt=prompts.append).run(camera)
    finally:
        camera.close()
    assert info.value.code == "E411"
    assert prompts == [Prompt.BLINK]


def test_frames_without_a_face_time_out_asking_to_look_at_the_camera(
    engine: FaceEngine, prompts: list[Prompt], tmp_path: Path
) -> None:
    faceless = tmp_path / "jacket.png"
    Image.fromarray(photo("biden_1.jpg")[1200:, :]).save(faceless)
    settings = FaceSettings(liveness_timeout=3.0)
    camera = _camera(faceless)
    try:
        with pytest.raises(FaceNotSeenTimeoutError) as info:
            LivenessCheck(engine, settings, on_prompt=prompts.append).run(camera)
    finally:
        camera.close()
    assert info.value.code == "E412"
    assert prompts == [Prompt.FACE_CAMERA]
    assert "请正对摄像头" in info.value.message_zh and "请正对摄像头" in info.value.detail


def test_the_hamilton_clip_shows_faces_but_no_blink_so_it_times_out(
    engine: FaceEngine, clip_frames: list[Frame], prompts: list[Prompt]
) -> None:
    check = LivenessCheck(engine, on_prompt=prompts.append)
    with pytest.raises(LivenessTimeoutError) as info:
        for frame in clip_frames:
            check.feed(frame)
    assert info.value.code == "E410"
    assert "请眨眼" in info.value.detail
    assert prompts[:2] == [Prompt.FACE_CAMERA, Prompt.BLINK]


def test_a_replayed_frame_is_refused(engine: FaceEngine, clip_frames: list[Frame]) -> None:
    with_face = clip_frames[46:54]  # about 3.1 s into the clip: one face, eyes open
    check = LivenessCheck(engine)
    for frame in with_face:
        assert check.feed(frame) is None
    replay = Frame(with_face[2].image, with_face[-1].timestamp + 0.07, with_face[-1].index + 1)
    with pytest.raises(StillImageError, match="replayed"):
        check.feed(replay)


def test_a_head_turn_in_the_clip_passes_when_that_side_was_asked(
    engine: FaceEngine, clip_frames: list[Frame], prompts: list[Prompt]
) -> None:
    # Measured: the face in the clip faces the camera (yaw ~0.05) at ~2.8 s, turns to its
    # right (yaw -0.30 to -0.36) by ~3.7 s and faces the camera again at ~4.9 s.
    check = LivenessCheck(engine, on_prompt=prompts.append, method=LivenessMethod.TURN_RIGHT)
    result = None
    for frame in clip_frames:
        result = check.feed(frame)
        if result is not None:
            break
    assert result is not None and result.method == "turn_right"
    assert 4.0 < result.frame.timestamp < 5.5
    assert prompts[-2:] == [Prompt.LOOK_BACK, Prompt.DONE]
    assert Prompt.TURN_RIGHT in prompts and Prompt.TURN_LEFT not in prompts
    assert result.as_wire() == {"passed": True, "method": "turn_right", "frames": result.frames}


def test_the_same_clip_fails_when_the_other_side_was_asked(
    engine: FaceEngine, clip_frames: list[Frame]
) -> None:
    check = LivenessCheck(engine, method=LivenessMethod.TURN_LEFT)
    with pytest.raises(LivenessTimeoutError) as info:
        for frame in clip_frames:
            check.feed(frame)
    assert "请向左转头" in info.value.detail


def test_turn_liveness_asks_for_a_random_side(engine: FaceEngine) -> None:
    sides = {LivenessCheck(engine, FaceSettings(liveness="turn")).method for _ in range(40)}
    assert sides == {LivenessMethod.TURN_LEFT, LivenessMethod.TURN_RIGHT}


def test_a_face_swapped_in_after_the_turn_is_refused(
    engine: FaceEngine, clip_frames: list[Frame]
) -> None:
    check = LivenessCheck(engine, method=LivenessMethod.TURN_RIGHT)
    turned = [f for f in clip_frames if f.timestamp < 4.5]  # faced, turned right, not yet back
    for frame in turned:
        assert check.feed(frame) is None
    stranger = fit(photo("obama_480p.jpg"), 640, 480)  # someone else, facing the camera
    last = turned[-1]
    with pytest.raises(FaceChangedError) as info:
        check.feed(Frame(stranger, last.timestamp + 1 / 15, last.index + 1))
    assert info.value.code == "E413"
