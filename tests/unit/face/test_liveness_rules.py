"""The blink and head-turn rules on landmark measures, apart from any camera or model."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.face.liveness import BlinkDetector, LivenessMethod, TurnDetector

FPS = 15.0


def _feed(detector: BlinkDetector, ears: list[float]) -> int:
    return sum(detector.update(i / FPS, ear) for i, ear in enumerate(ears))


def _detector() -> BlinkDetector:
    return BlinkDetector(blink_ear=0.21, blink_drop=0.75)


def test_open_shut_open_is_one_blink() -> None:
    ears = [0.32] * 10 + [0.12, 0.10] + [0.31] * 5
    assert _feed(_detector(), ears) == 1


@given(
    level=st.floats(0.22, 0.45),
    jitter=st.lists(st.floats(-0.02, 0.02), min_size=5, max_size=150),
)
def test_landmark_jitter_around_open_eyes_is_never_a_blink(
    level: float, jitter: list[float]
) -> None:
    assert _feed(_detector(), [level + j for j in jitter]) == 0


def test_a_dip_that_stays_above_the_absolute_level_is_not_a_blink() -> None:
    # A small face's landmarks wobble: 0.40 -> 0.29 is a 27% drop, but eyes 0.29 are open.
    ears = [0.40] * 10 + [0.29, 0.30] + [0.40] * 5
    assert _feed(_detector(), ears) == 0


def test_eyes_shut_for_longer_than_a_blink_do_not_count() -> None:
    ears = [0.32] * 10 + [0.10] * 20 + [0.32] * 5
    assert _feed(_detector(), ears) == 0


def test_people_with_narrow_eyes_blink_relative_to_their_own_level() -> None:
    ears = [0.22] * 10 + [0.09] + [0.21] * 3
    assert _feed(_detector(), ears) == 1


def test_reset_forgets_a_half_blink() -> None:
    detector = _detector()
    _feed(detector, [0.32] * 10 + [0.1])
    detector.reset()
    assert detector.update(2.0, 0.32) is False


def test_facing_then_turning_then_facing_again_is_a_turn() -> None:
    detector = TurnDetector(LivenessMethod.TURN_LEFT, turn_yaw=0.25)
    yaws = [0.02, 0.1, 0.2, 0.3, 0.28, 0.12, 0.05]
    assert [detector.update(i / FPS, y) for i, y in enumerate(yaws)][-1] is True


@pytest.mark.parametrize(
    "yaws",
    [
        [0.3, 0.3, 0.05],  # already turned at the start, never seen facing first
        [0.0, -0.3, -0.3, 0.0],  # turned to the other side
        [0.0, 0.2, 0.05],  # not far enough
        [0.0, 0.3, 0.3, 0.3],  # never came back to face the camera
    ],
)
def test_other_head_movements_are_not_the_asked_turn(yaws: list[float]) -> None:
    detector = TurnDetector(LivenessMethod.TURN_LEFT, turn_yaw=0.25)
    assert not any(detector.update(i / FPS, y) for i, y in enumerate(yaws))
