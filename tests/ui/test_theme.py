"""The theme's numbers against the 适老化 guidance and WCAG, both looks."""

from __future__ import annotations

import pytest

from ui import theme


@pytest.mark.parametrize("high_contrast", [False, True])
@pytest.mark.parametrize(("fg", "bg"), theme.CONTRAST_PAIRS)
def test_every_text_colour_pair_reaches_4_5_to_1(fg: theme.Role, bg: theme.Role,
                                                 high_contrast: bool) -> None:
    ratio = theme.contrast_ratio(theme.colour(fg, high_contrast), theme.colour(bg, high_contrast))
    assert ratio >= theme.MIN_CONTRAST, f"{fg}/{bg}: {ratio:.2f}"


def test_the_contrast_ratio_is_wcags() -> None:
    assert theme.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_elder_sizes_meet_the_guidance_floors() -> None:
    elder = theme.sizes(True)
    assert elder.body_pt >= theme.ELDER_BODY_PT and elder.small_pt >= theme.ELDER_BODY_PT
    assert elder.prompt_pt >= theme.ELDER_PROMPT_PT
    assert elder.target_px >= theme.MIN_TARGET_PX and elder.keypad_px >= theme.MIN_TARGET_PX


def test_every_role_has_both_looks() -> None:
    assert set(theme.COLOURS) == set(theme.Role)
