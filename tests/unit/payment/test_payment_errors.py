"""Every self-pay error has its own code in E600-E699 and a message a person can act on."""

from __future__ import annotations

import terminal.payment.errors as errors
from kernel.errors import MedtermError


def all_errors() -> list[type[MedtermError]]:
    return [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, MedtermError) and value is not MedtermError
    ]


def test_codes_are_unique_and_in_the_payment_range() -> None:
    codes = [error.code for error in all_errors()]
    assert len(codes) == len(set(codes)) >= 10
    assert all("E600" <= code <= "E699" for code in codes)


def test_every_error_tells_what_to_do_in_both_languages() -> None:
    for error in all_errors():
        assert error.message_zh and error.message_en and error.action
