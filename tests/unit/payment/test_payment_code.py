"""Payment codes (付款码): 18 digits, WeChat Pay 10-15, Alipay 25-30."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terminal.payment import is_payment_code


@pytest.mark.parametrize(
    "text",
    [
        "",
        "13456789012345678",
        "1345678901234567890",
        "164567890123456789",
        "6901234567892",
        "13456789012345678x",
        "13456789012345678\u0663",  # an Arabic-Indic digit, which \d accepts
    ],
)
def test_not_payment_codes(text: str) -> None:
    assert not is_payment_code(text)


@given(prefix=st.integers(0, 99), rest=st.from_regex(r"[0-9]{16}", fullmatch=True))
def test_only_the_wallet_prefixes_are_payment_codes(prefix: int, rest: str) -> None:
    assert is_payment_code(f"{prefix:02d}{rest}") == (10 <= prefix <= 15 or 25 <= prefix <= 30)
