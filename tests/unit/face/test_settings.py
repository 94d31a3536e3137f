"""The ``[face]`` section: defaults, text values from environment overrides, named errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.face.settings import DEFAULT_THRESHOLD, FaceSettings
from kernel.errors import ConfigError


def test_an_empty_section_gives_the_measured_defaults() -> None:
    settings = FaceSettings.from_mapping({})
    assert settings.threshold == DEFAULT_THRESHOLD == 0.60
    assert settings.liveness == "blink"


def test_values_given_as_text_are_converted() -> None:
    settings = FaceSettings.from_mapping(
        {"threshold": "0.55", "detect_width": "400", "liveness": "turn"}
    )
    assert (settings.threshold, settings.detect_width, settings.liveness) == (0.55, 400, "turn")


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ({"treshold": 0.5}, "face.treshold"),
        ({"threshold": "high"}, "face.threshold"),
        ({"threshold": 2.0}, "face.threshold"),
        ({"threshold": True}, "face.threshold"),
        ({"detect_width": 40}, "face.detect_width"),
        ({"liveness": "smile"}, "face.liveness"),
        ({"liveness_timeout": 0}, "face.liveness_timeout"),
        ({"turn_yaw": 3}, "face.turn_yaw"),
    ],
)
def test_a_bad_value_names_its_key(section: dict, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        FaceSettings.from_mapping(section)


@given(st.dictionaries(st.sampled_from(["threshold", "blink_ear", "dominant_ratio"]), st.text()))
def test_arbitrary_text_is_either_accepted_or_a_config_error(section: dict[str, str]) -> None:
    try:
        settings = FaceSettings.from_mapping(section)
    except ConfigError:
        return
    assert 0 < settings.threshold < 1.5 and settings.dominant_ratio >= 1
