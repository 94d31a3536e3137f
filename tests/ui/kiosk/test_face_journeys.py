"""The face check at the kiosk on the real core: the real FaceService (dlib's models) on a
file camera playing the project's footage, the platform simulator searching its enrolled
faces (1191) and identifying the person (1101, type 90), the saga and journal behind, and the
settlement checked at `/_sim/settlements`. The clip's person (the one in hamilton_clip.mp4,
who is miranda_1.png) is enrolled in a copy of the default world; the clip shows a head turn
to the person's right, so the check asks for that side (production draws it at random).
The event-loop watchdog runs through the face check: the GUI thread never stalls > 100 ms."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from terminals import add_orders
from test_journeys import (
    WAIT_MS,
    assert_settled_as_shown,
    choose_all_orders,
    press,
    scan_voucher,
    wait_for,
)
from testdata import FACES

from drivers.camera.file_source import FileCamera
from drivers.camera.source import CameraKind, CameraSettings
from drivers.face.process import FaceProcess
from drivers.face.settings import LivenessMethod
from offline_store.staff_assist import staff_assists
from simulators.central.testing import DEFAULT_WORLD, RunningSimulator, start_simulator
from terminal.app import Terminal
from terminal.flows.journey import Event, Step
from terminal.flows.journey_face import FaceCheck, StaffPins, hash_staff_pin
from terminal.flows.kiosk_face import KioskFace

ELDERLY = "44030000000000000006"  # 杨勇, resident elderly: enrolled here with miranda_1.png
EMPLOYED = "44030000000000000001"  # 张伟: enrolled in the default world with obama_1.jpg
STAFF_PIN = "135790"
STAFF = StaffPins.parse({"S07": hash_staff_pin(STAFF_PIN, iterations=10_000)})


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSimulator]:
    """The default world with the clip's person enrolled as ELDERLY."""
    root = tmp_path_factory.mktemp("face-world")
    world = json.loads(DEFAULT_WORLD.read_text(encoding="utf-8"))
    for person in world["persons"]:
        if person["psn_no"] == ELDERLY:
            person["face_image"] = "faces/miranda_1.png"
    shutil.copytree(DEFAULT_WORLD.parent / "faces", root / "faces")
    shutil.copy(FACES / "miranda_1.png", root / "faces" / "miranda_1.png")
    path = root / "world.json"
    path.write_text(json.dumps(world, ensure_ascii=False), encoding="utf-8")
    sim = start_simulator(tmp_path_factory.mktemp("central"), world=path)
    yield sim
    sim.stop()


@pytest.fixture
def cameras() -> Iterator[list[FileCamera]]:
    made: list[FileCamera] = []
    yield made
    for camera in made:
        camera.close()


def face_on(cameras: list[FileCamera], footage: Path,
            method: LivenessMethod | None = None) -> Any:
    """A `make_kiosk(face=...)` builder: the file camera on ``footage`` (each frame decoded
    when read, timestamped at 15 fps) and the terminal's own face service."""

    def build(terminal: Terminal) -> KioskFace:
        settings = CameraSettings(kind=CameraKind.FILE, path=footage, realtime=False)
        camera = FileCamera("camera", settings)
        camera.start()
        cameras.append(camera)
        service = FaceProcess(terminal.config.face)  # as the kiosk runs it (measured)
        service.wait_ready()  # loaded at start-up, before the watchdog watches
        return KioskFace(service, camera, terminal.client, terminal.journal, method=method)

    return build


def test_a_face_at_the_camera_is_identified_and_pays_with_the_gui_never_stalling(
    qtbot: QtBot, make_kiosk, platform, gateway, cameras, watchdog
) -> None:
    clip = face_on(cameras, FACES / "hamilton_clip.mp4", LivenessMethod.TURN_RIGHT)
    kiosk = make_kiosk(face=clip)
    add_orders(platform, ELDERLY)
    prompts: list[str] = []
    kiosk.journey.subscribe(lambda view: prompts.append(view.face_prompt))
    watchdog.start()
    press(kiosk, "welcome-face")
    wait_for(qtbot, kiosk, Step.FACE)
    page = kiosk.window.current_page()
    qtbot.waitUntil(lambda: page.preview.has_frame, timeout=WAIT_MS)  # the live preview
    choose_all_orders(qtbot, kiosk)
    assert {"TURN_RIGHT", "LOOK_BACK", "DONE"} <= set(prompts)
    assert kiosk.journey.view.person.psn_no == ELDERLY
    assert not page.preview.has_frame  # the picture is gone with the page
    press(kiosk, "breakdown-qr")
    qtbot.waitUntil(lambda: bool(kiosk.journey.view.qr_url), timeout=WAIT_MS)
    order_no = kiosk.terminal.journal.payments_of(kiosk.journey.view.reference)[-1].order_no
    gateway.pay(order_no)
    wait_for(qtbot, kiosk, Step.DONE)
    assert_settled_as_shown(kiosk, platform, ELDERLY)


def test_a_still_photo_fails_liveness_and_a_staff_member_vouches_with_an_audit_row(
    qtbot: QtBot, make_kiosk, platform, cameras, watchdog
) -> None:
    kiosk = make_kiosk(face=face_on(cameras, FACES / "obama_480p.jpg"), staff_pins=STAFF,
                       face_tries=2)
    add_orders(platform, EMPLOYED)
    watchdog.start()
    press(kiosk, "welcome-face")
    wait_for(qtbot, kiosk, Step.FACE_FAILED)
    reason = kiosk.window.findChild(QLabel, "face-failed-reason").text()
    assert "画面没有变化" in reason  # E411: a still picture, in words
    assert "还可以再试 1 次" in kiosk.window.findChild(QLabel, "face-failed-tries").text()
    press(kiosk, "face-failed-retry")
    qtbot.waitUntil(lambda: kiosk.journey.view.face_failures == 2, timeout=WAIT_MS)
    wait_for(qtbot, kiosk, Step.FACE_FAILED)
    assert not kiosk.window.current_page().retry.isVisibleTo(kiosk.window)
    press(kiosk, "face-failed-staff")
    wait_for(qtbot, kiosk, Step.STAFF_PIN)
    keypad = kiosk.window.current_page().keypad
    for digit in "000000":
        keypad.press(digit)
    keypad.submit()
    qtbot.waitUntil(lambda: kiosk.journey.view.staff_tries_left == 2, timeout=WAIT_MS)
    wait_for(qtbot, kiosk, Step.STAFF_PIN)
    for digit in STAFF_PIN:
        keypad.press(digit)
    keypad.submit()
    wait_for(qtbot, kiosk, Step.STAFF_REASON)
    press(kiosk, "staff-reason-cannot_act")
    wait_for(qtbot, kiosk, Step.ORDERS)
    assert kiosk.journey.view.person.psn_no == EMPLOYED  # the face, searched without the act
    rows = staff_assists(kiosk.terminal.journal)
    assert [json.loads(r["details"]) for r in rows[-1:]] == [
        {"staff": "S07", "reason": "cannot_act", "purpose": "identify", "failures": 2}
    ]


def test_too_many_wrong_staff_pins_return_to_the_start_with_nothing_audited(
    qtbot: QtBot, make_kiosk, cameras
) -> None:
    kiosk = make_kiosk(face=face_on(cameras, FACES / "obama_480p.jpg"), staff_pins=STAFF,
                       staff_tries=1)
    before = len(staff_assists(kiosk.terminal.journal))
    press(kiosk, "welcome-face")
    wait_for(qtbot, kiosk, Step.FACE_FAILED)
    press(kiosk, "face-failed-staff")
    wait_for(qtbot, kiosk, Step.STAFF_PIN)
    keypad = kiosk.window.current_page().keypad
    for digit in "999999":
        keypad.press(digit)
    keypad.submit()
    wait_for(qtbot, kiosk, Step.WELCOME)
    assert len(staff_assists(kiosk.terminal.journal)) == before


def test_face_check_always_verifies_an_e_voucher_holder_against_their_enrolled_face(
    qtbot: QtBot, make_kiosk, platform, cameras
) -> None:
    clip = face_on(cameras, FACES / "hamilton_clip.mp4", LivenessMethod.TURN_RIGHT)
    kiosk = make_kiosk(face=clip, face_check=FaceCheck.ALWAYS)
    add_orders(platform, ELDERLY)
    scan_voucher(kiosk, platform, ELDERLY)
    wait_for(qtbot, kiosk, Step.FACE)  # after the identification, before the orders
    assert kiosk.journey.view.person.psn_no == ELDERLY
    wait_for(qtbot, kiosk, Step.ORDERS)  # the clip's face is 1101's face_ref of the holder


def test_a_holder_whose_face_does_not_match_is_vouched_for_with_the_checkout_audited(
    qtbot: QtBot, make_kiosk, platform, cameras
) -> None:
    clip = face_on(cameras, FACES / "hamilton_clip.mp4", LivenessMethod.TURN_RIGHT)
    kiosk = make_kiosk(face=clip, face_check=FaceCheck.ALWAYS, staff_pins=STAFF)
    add_orders(platform, EMPLOYED)
    scan_voucher(kiosk, platform, EMPLOYED)  # 张伟's e-voucher; the clip is someone else
    wait_for(qtbot, kiosk, Step.FACE_FAILED)
    assert kiosk.journey.view.face_error == "E405"
    press(kiosk, "face-failed-staff")
    wait_for(qtbot, kiosk, Step.STAFF_PIN)
    kiosk.journey.send(Event.STAFF_PIN_ENTERED, STAFF_PIN)
    wait_for(qtbot, kiosk, Step.STAFF_REASON)
    press(kiosk, "staff-reason-camera_or_light")
    wait_for(qtbot, kiosk, Step.ORDERS)
    row = staff_assists(kiosk.terminal.journal)[-1]
    assert row["tx_id"] == kiosk.journey.view.reference
    assert json.loads(row["details"])["purpose"] == "verify"
