"""`medterm face ...` as a technician runs it: exit codes and JSON on real photos."""

from __future__ import annotations

import json

import pytest
from face_photos import FACES

from terminal.cli import main


def _json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out)


def test_verify_accepts_the_same_person_and_exits_zero(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["face", "verify", "--reference", str(FACES / "obama_1.jpg")]
    assert main([*argv, "--probe", str(FACES / "obama_480p.jpg"), "--json"]) == 0
    out = _json(capsys)
    assert out["ok"] and out["matched"] and out["distance"] < out["threshold"] == 0.6


def test_verify_refuses_another_person_with_exit_one(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["face", "verify", "--reference", str(FACES / "obama_1.jpg")]
    assert main([*argv, "--probe", str(FACES / "miranda_1.png")]) == 1
    assert capsys.readouterr().out.startswith("matched: False (distance 0.7")


def test_verify_of_a_group_photo_is_the_typed_refusal_in_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["face", "verify", "--reference", str(FACES / "obama_1.jpg")]
    assert main([*argv, "--probe", str(FACES / "two_people.jpg"), "--json"]) == 2
    assert _json(capsys)["error"]["code"] == "E404"


def test_liveness_of_a_still_photo_fails_with_e411(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["face", "liveness", "--video", str(FACES / "obama_1.jpg"), "--json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["error"]["code"] == "E411"
    assert "请眨眼 / please blink" in captured.err  # the prompt the person saw


def test_a_missing_video_is_no_camera_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["face", "liveness", "--video", str(FACES / "absent.mp4")]) == 2
    assert "[E420]" in capsys.readouterr().err


def test_the_same_commands_run_under_diag(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["diag", "face-verify", "--reference", str(FACES / "leslie_1.jpg")]
    assert main([*argv, "--probe", str(FACES / "leslie_2.jpg"), "--json"]) == 0
    assert _json(capsys)["matched"] is True


def test_liveness_passes_on_the_clip_when_asked_for_its_head_turn(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["face", "liveness", "--video", str(FACES / "hamilton_clip.mp4")]
    assert main([*argv, "--method", "turn_right", "--json"]) == 0
    out = _json(capsys)
    assert out["passed"] is True and out["method"] == "turn_right"
