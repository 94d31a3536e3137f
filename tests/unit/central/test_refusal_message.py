"""A platform refusal (infcode -2) shows the platform's own words to the person, and only to
them: never in `describe()`, which is what log lines and the journal carry."""

from __future__ import annotations

import pytest

from terminal.central.errors import BusinessError, PlatformSystemError, TransportError
from terminal.flows.checkout import SettlementRefused

REASON = "电子凭证已使用 (e-voucher already used)"


def refusal() -> BusinessError:
    return BusinessError(REASON, infno="1162", msgid="H440300000012026")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_refusal_gives_the_platforms_message_in_either_language(language: str) -> None:
    assert refusal().for_language(language).platform_message == REASON


def test_a_refusal_as_a_dict_carries_the_platforms_message() -> None:
    assert refusal().as_dict()["platform_message"] == REASON


def test_the_platforms_message_stays_out_of_the_line_for_logs() -> None:
    err = refusal()
    assert "电子凭证" not in err.describe() and "电子凭证" not in str(err)
    assert "电子凭证" not in err.detail


def test_an_error_raised_because_of_a_refusal_carries_its_message() -> None:
    with pytest.raises(SettlementRefused) as caught:
        try:
            raise refusal()
        except BusinessError as err:
            raise SettlementRefused(err.detail) from err
    assert caught.value.platform_message == REASON
    assert "电子凭证" not in caught.value.describe()


def test_an_error_not_caused_by_a_refusal_has_no_platform_message() -> None:
    with pytest.raises(SettlementRefused) as caught:
        try:
            raise TransportError("connection refused")
        except TransportError as err:
            raise SettlementRefused("not sent") from err
    assert caught.value.platform_message == ""


def test_a_system_error_is_not_a_refusal_and_shows_no_platform_message() -> None:
    """-1 leaves the outcome unknown: its text is for support, not a reason to show."""
    assert PlatformSystemError("系统异常", infno="2207").platform_message == ""


def test_the_platforms_message_is_shown_as_one_clean_line() -> None:
    err = BusinessError("凭证\x1b[31m已使用\n请刷新", infno="1162")
    assert err.platform_message == "凭证 [31m已使用 请刷新"
    assert err.err_msg == "凭证\x1b[31m已使用\n请刷新"  # kept as received, for the queue
