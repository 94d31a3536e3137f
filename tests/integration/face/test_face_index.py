"""The simulator's enrolled faces: encoded once, cached by photo hash, searched by distance."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from face_photos import FACES

from drivers.face.errors import MultipleFacesError
from simulators.central.faces import FaceIndex

ENROLLED = {"P1": "obama_1.jpg", "P2": "biden_1.jpg", "P3": "leslie_1.jpg"}


@pytest.fixture
def world(tmp_path: Path) -> Path:
    (tmp_path / "faces").mkdir()
    for name in ENROLLED.values():
        shutil.copy(FACES / name, tmp_path / "faces" / name)
    return tmp_path / "world.json"


def _persons() -> list[dict[str, str]]:
    return [{"psn_no": p, "face_image": f"faces/{name}"} for p, name in ENROLLED.items()]


def test_search_finds_the_enrolled_person_from_another_photo(
    world: Path, tmp_path: Path, encodings: dict
) -> None:
    index = FaceIndex.load(world, _persons(), tmp_path / "cache.json")
    found = index.search([float(x) for x in encodings["obama_2.jpg"]])
    assert found is not None and found[0] == "P1" and found[1] < 0.6
    assert index.search([float(x) for x in encodings["miranda_1.png"]]) is None
    biden = index.search(list(encodings["biden_2.jpg"]))
    assert biden is not None and biden[0] == "P2"


def test_reference_is_the_enrolled_encoding_or_none(world: Path, tmp_path: Path) -> None:
    index = FaceIndex.load(world, _persons(), tmp_path / "cache.json")
    reference = index.reference("P3")
    assert reference is not None and len(reference) == 128
    assert index.reference("P9") is None


def test_the_cache_is_keyed_by_photo_hash_and_reused(world: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    first = FaceIndex.load(world, _persons(), cache)
    stored = json.loads(cache.read_text())
    digest = hashlib.sha256((world.parent / "faces" / "obama_1.jpg").read_bytes()).hexdigest()
    assert stored["version"] == 1 and digest in stored["encodings"]
    # Tamper with the cached value: a reload must use the cache, not re-encode the photo.
    stored["encodings"][digest] = [0.0] * 128
    cache.write_text(json.dumps(stored))
    again = FaceIndex.load(world, _persons(), cache)
    assert again.reference("P1") == [0.0] * 128
    assert again.reference("P2") == first.reference("P2")


def test_a_changed_photo_is_encoded_again(world: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    before = FaceIndex.load(world, _persons(), cache).reference("P1")
    shutil.copy(FACES / "obama_2.jpg", world.parent / "faces" / "obama_1.jpg")
    after = FaceIndex.load(world, _persons(), cache).reference("P1")
    assert before != after and len(json.loads(cache.read_text())["encodings"]) == 4


def test_an_enrolment_photo_without_one_face_fails_loudly(world: Path, tmp_path: Path) -> None:
    shutil.copy(FACES / "two_people.jpg", world.parent / "faces" / "group.jpg")
    persons = [*_persons(), {"psn_no": "P4", "face_image": "faces/group.jpg"}]
    with pytest.raises(MultipleFacesError):
        FaceIndex.load(world, persons, tmp_path / "cache.json")
