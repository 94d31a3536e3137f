"""The one registry of error codes, over every module of the project: each code names one error,
with its message and what to do in Chinese and English, and docs/errors.md says the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kernel.errors import CODE_PATTERN, ErrorEntry, MedtermError
from tools.errors_doc import PACKAGES, import_everything, project_entries, render

ERRORS_MD = Path(__file__).resolve().parents[3] / "docs" / "errors.md"
# CJK ideographs, their punctuation and the full-width forms (，。：；（）)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def entries() -> list[ErrorEntry]:
    import_everything()  # a code used twice would already fail here, at the second import
    return project_entries()


def _all_subclasses(cls: type[MedtermError]) -> list[type[MedtermError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


def test_every_error_class_with_a_code_is_the_one_registered_under_it(
    entries: list[ErrorEntry],
) -> None:
    registered = {entry.code: entry.error_class for entry in entries}
    own_code = [c for c in _all_subclasses(MedtermError) if "code" in c.__dict__]
    project = [c for c in own_code if c.__module__.split(".")[0] in PACKAGES]
    assert len(project) >= 110
    assert all(registered[c.code] is c for c in project)


def test_codes_are_E_and_three_digits(entries: list[ErrorEntry]) -> None:
    assert [e.code for e in entries if not CODE_PATTERN.fullmatch(e.code)] == []


def test_every_code_has_message_and_action_in_chinese_and_english(
    entries: list[ErrorEntry],
) -> None:
    for entry in entries:
        assert CJK.search(entry.message_zh), (entry.code, "message_zh")
        assert CJK.search(entry.action_zh), (entry.code, "action_zh")
        assert entry.message_en.strip() and not CJK.search(entry.message_en), entry.code
        assert entry.action_en.strip() and not CJK.search(entry.action_en), entry.code


def test_a_class_that_writes_its_own_english_text_writes_the_chinese_too(
    entries: list[ErrorEntry],
) -> None:
    """Else the Chinese would be the parent's, about another error."""
    for entry in entries:
        own = entry.error_class.__dict__
        assert ("message_en" in own) == ("message_zh" in own), entry.code
        assert ("action" in own) == ("action_zh" in own), entry.code


def test_docs_errors_md_is_generated_from_the_registry(entries: list[ErrorEntry]) -> None:
    assert ERRORS_MD.read_text(encoding="utf-8") == render(entries), (
        "docs/errors.md is out of date: run `python -m tools.errors_doc > docs/errors.md`"
    )
