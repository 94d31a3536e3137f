"""The project's one masker of ID numbers and names."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kernel.masking import mask_id, mask_name


def test_id_number_keeps_four_and_four() -> None:
    assert mask_id("440301199001011234") == "4403**********1234"


def test_short_number_keeps_a_quarter_at_each_end() -> None:
    assert mask_id("A12345678") == "A1*****78"
    assert mask_id("123") == "***"


def test_three_character_name_keeps_first_and_last() -> None:
    assert mask_name("张三丰") == "张*丰"


def test_two_character_name_keeps_the_family_name() -> None:
    assert mask_name("张三") == "张*"


def test_long_name_gets_one_star() -> None:
    assert mask_name("欧阳娜娜子") == "欧*子"


def test_empty_values_stay_empty() -> None:
    assert mask_id("  ") == ""
    assert mask_name("") == ""
    assert mask_name("张") == "*"


@given(st.text(alphabet="0123456789X", min_size=1, max_size=40))
def test_masked_id_hides_at_least_half(value: str) -> None:
    masked = mask_id(value)
    assert len(masked) == len(value)
    assert masked.count("*") >= len(value) / 2


@given(st.text(min_size=2, max_size=12).map(str.strip).filter(lambda s: len(s) >= 2))
def test_masked_name_never_shows_a_middle_character(value: str) -> None:
    masked = mask_name(value)
    assert masked[0] == value[0]
    assert masked[1] == "*"
    assert len(masked) <= 3
