"""The error base: a code is claimed once, looked up by code, and told in the screen's language."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.errors import (
    PLATFORM_MESSAGE_MAX,
    ConfigError,
    InvalidErrorCode,
    MedtermError,
    MoneyError,
    UnknownErrorCode,
    UnsupportedLanguage,
    lookup,
    registry,
    shown_text,
)


def test_a_second_class_with_a_code_in_use_is_refused_naming_both() -> None:
    with pytest.raises(InvalidErrorCode, match=r"E020 is already kernel\.errors\.MoneyError"):

        class AnotherMoneyError(MedtermError):
            code = "E020"

    assert lookup("E020").error_class is MoneyError


@pytest.mark.parametrize("code", ["E12", "E1234", "e123", "X123", ""])
def test_a_code_that_is_not_E_and_three_digits_is_refused(code: str) -> None:
    with pytest.raises(InvalidErrorCode, match="not E and three digits"):
        type("Odd", (MedtermError,), {"code": code})


def test_a_subclass_without_its_own_code_is_its_parents_error() -> None:
    before = dict(registry())

    class StrictConfigError(ConfigError):
        """A specialisation to catch on its own; to the person it is E010."""

    assert dict(registry()) == before
    shown = StrictConfigError("x").for_language("en")
    assert (shown.code, shown.message) == ("E010", ConfigError.message_en)


def test_lookup_gives_the_texts_of_a_code_in_both_languages() -> None:
    entry = lookup("E020")
    assert (entry.message_zh, entry.message_en) == (MoneyError.message_zh, MoneyError.message_en)
    assert (entry.action_zh, entry.action_en) == (MoneyError.action_zh, MoneyError.action)
    assert entry.for_language("zh_CN").message == "金额格式错误"


def test_lookup_of_a_code_nobody_defines_is_a_typed_error() -> None:
    with pytest.raises(UnknownErrorCode):
        lookup("E999")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh_CN", "金额格式错误"),
        ("zh-Hans", "金额格式错误"),
        ("en", "invalid amount"),
        ("en_US", "invalid amount"),
    ],
)
def test_for_language_picks_the_message_and_action_of_the_language(
    language: str, message: str
) -> None:
    shown = MoneyError("12.345").for_language(language)
    assert shown.message == message
    chinese = language.startswith("zh")
    assert shown.action == (MoneyError.action_zh if chinese else MoneyError.action)
    assert shown.platform_message == ""


@pytest.mark.parametrize("language", ["fr_FR", "", "C", "zhx"])
def test_a_language_other_than_chinese_or_english_is_refused(language: str) -> None:
    with pytest.raises(UnsupportedLanguage):
        MoneyError().for_language(language)


def test_as_dict_carries_both_actions() -> None:
    shown = MoneyError("12.345").as_dict()
    assert (shown["action"], shown["action_zh"]) == (MoneyError.action, MoneyError.action_zh)
    assert shown["platform_message"] == ""


def test_an_action_given_to_one_error_replaces_the_english_action_only() -> None:
    err = ConfigError("x", action="install pyserial")
    assert (err.action, err.action_zh) == ("install pyserial", ConfigError.action_zh)


def test_shown_text_turns_escape_sequences_and_line_breaks_into_single_spaces() -> None:
    assert shown_text("卡号\x1b[2J错误\n\r\u202eok  ") == "卡号 [2J错误 ok"


@given(st.text())
def test_shown_text_is_one_bounded_line_without_control_characters(text: str) -> None:
    line = shown_text(text)
    assert len(line) <= PLATFORM_MESSAGE_MAX
    assert not any(unicodedata.category(ch).startswith("C") for ch in line)
    assert line == line.strip() and "  " not in line and "\n" not in line
