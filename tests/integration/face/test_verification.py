"""1:1 verification on the real photos at the default threshold, and the one-face policy."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from face_photos import SINGLE_FACE_PHOTOS, label, photo

from drivers.face.engine import FaceEngine
from drivers.face.errors import (
    FaceMismatchError,
    MultipleFacesError,
    NoFaceError,
    PartialFaceError,
    ReferenceUnusableError,
)
from drivers.face.verifier import FaceVerifier, Reference, ReferenceSource

PAIRS = list(itertools.combinations(SINGLE_FACE_PHOTOS, 2))
GENUINE = [p for p in PAIRS if label(p[0]) == label(p[1])]
IMPOSTOR = [p for p in PAIRS if label(p[0]) != label(p[1])]


def _reference(encoding: np.ndarray) -> Reference:
    return Reference.from_face_ref({"kid": "k1", "encoding": [float(x) for x in encoding]})


@pytest.mark.parametrize(("a", "b"), GENUINE, ids=[f"{a}-{b}" for a, b in GENUINE])
def test_every_genuine_pair_is_accepted(
    engine: FaceEngine, encodings: dict, a: str, b: str
) -> None:
    verdict = FaceVerifier(engine).compare(encodings[b], _reference(encodings[a]))
    assert verdict.matched, verdict


def test_every_impostor_pair_is_refused(engine: FaceEngine, encodings: dict) -> None:
    verifier = FaceVerifier(engine)
    verdicts = {
        (a, b): verifier.compare(encodings[b], _reference(encodings[a])) for a, b in IMPOSTOR
    }
    accepted = {pair: v.distance for pair, v in verdicts.items() if v.matched}
    assert (len(GENUINE), len(IMPOSTOR)) == (9, 46)
    assert accepted == {}


def test_a_camera_sized_frame_matches_the_id_photo(engine: FaceEngine) -> None:
    reference = Reference.from_photo(engine, photo("obama_1.jpg"))
    verdict = FaceVerifier(engine).verify(photo("obama_480p.jpg"), reference)
    assert reference.source is ReferenceSource.PHOTO
    assert verdict.matched and verdict.distance < 0.2


def test_mismatch_raises_the_typed_refusal_when_asked(engine: FaceEngine, encodings: dict) -> None:
    verdict = FaceVerifier(engine).compare(
        encodings["miranda_1.png"], _reference(encodings["obama_1.jpg"])
    )
    with pytest.raises(FaceMismatchError) as info:
        verdict.raise_if_mismatch()
    assert info.value.code == "E405"


def test_two_faces_of_similar_size_are_refused(engine: FaceEngine) -> None:
    with pytest.raises(MultipleFacesError) as info:
        engine.select(photo("two_people.jpg"))
    assert info.value.code == "E404"
    assert "仅本人" in info.value.message_zh


def test_a_clearly_larger_face_is_used_when_someone_stands_behind(
    engine: FaceEngine, encodings: dict
) -> None:
    # obama_2 (the person at the kiosk) with biden's face from the group photo pasted small
    # into a lower corner, as someone further back: areas differ about 3x.
    frame = photo("obama_2.jpg").copy()
    behind = photo("two_people.jpg")[40:280, 760:990]
    frame[-behind.shape[0] :, -behind.shape[1] :] = behind
    boxes = engine.detect(frame)
    assert len(boxes) == 2
    encoding = engine.encode_single(frame)
    verdict = FaceVerifier(engine).compare(encoding, _reference(encodings["obama_2.jpg"]))
    assert verdict.matched and verdict.distance < 0.05


def test_a_frame_without_a_face_is_refused_with_look_at_the_camera(engine: FaceEngine) -> None:
    jacket = photo("biden_1.jpg")[1200:, :]  # below the face: suit, no face
    with pytest.raises(NoFaceError) as info:
        engine.encode_single(jacket)
    assert info.value.code == "E402"
    assert "请正对摄像头" in info.value.message_zh


def test_a_face_partly_out_of_frame_is_refused_with_move_into_the_frame(
    engine: FaceEngine,
) -> None:
    with pytest.raises(PartialFaceError) as info:
        engine.encode_single(photo("obama_partial.jpg"))
    assert info.value.code == "E403"
    assert "移入画面" in info.value.message_zh


def test_a_group_photo_is_not_a_usable_reference(engine: FaceEngine) -> None:
    with pytest.raises(ReferenceUnusableError):
        Reference.from_photo(engine, photo("two_people.jpg"))


@pytest.mark.parametrize("bad", [[0.1] * 127, [float("nan")] * 128, ["x"] * 128])
def test_a_malformed_face_ref_is_refused(bad: list) -> None:
    with pytest.raises(ReferenceUnusableError):
        Reference.from_face_ref({"kid": "k", "encoding": bad})


def test_reference_and_verdict_reprs_carry_no_encoding(engine: FaceEngine, encodings: dict) -> None:
    reference = _reference(encodings["obama_1.jpg"])
    verdict = FaceVerifier(engine).compare(encodings["obama_2.jpg"], reference)
    first = f"{encodings['obama_1.jpg'][0]:.4f}"[:6]
    assert first not in repr(reference) and "encoding" not in repr(reference)
    assert set(verdict.as_dict()) == {"matched", "distance", "threshold"}
