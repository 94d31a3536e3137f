"""Every money field, on both sides of both interfaces, takes `-?[0-9]+\\.[0-9]{2}` and nothing
else: not the spellings `Decimal` reads as the same number ("1e2", "+1.00", " 1.00", "1_000.00",
full-width digits...), not any other text (issue 11, class 6).

Each parser is fed (a) a kind spelling of the very value the field holds, which a lenient parser
would accept as that value, so nothing else about the message could refuse it, and (b) any
text; an accepted value must have been written exactly as the interface says.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from testdata import SETLINFO

from kernel.errors import MoneyError
from kernel.money import Money
from simulators.central import fields as sim_fields
from simulators.central.fields import Rejected
from simulators.paygate import validate as paygate_validate
from simulators.paygate.errors import GatewayRefusal
from terminal.central.envelope import ParsedResponse
from terminal.central.errors import ProtocolError
from terminal.central.results import parse_result
from terminal.payment import GatewayProtocolError
from terminal.payment.gateway import parse_order, parse_refund

EXACT = re.compile(r"-?[0-9]+\.[0-9]{2}")
FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# Spellings that Python's Decimal (and so the old parser) read as the same amount.
KIND_SPELLINGS: tuple[Callable[[str], str], ...] = (
    lambda s: "+" + s,
    lambda s: " " + s,
    lambda s: s + " ",
    lambda s: s + "\n",
    lambda s: "\t" + s,
    lambda s: s.translate(FULL_WIDTH),
    lambda s: s.translate(ARABIC_INDIC),
    lambda s: s + "0",  # three decimals
    lambda s: s[:-1] if s.endswith("0") else s + "00",  # one decimal, or four
    lambda s: s.split(".")[0] if s.endswith(".00") else s + "0000",  # no decimals, or six
    lambda s: "0" + s if not s.startswith("-") else s,  # still exact: a leading zero
    lambda s: f"{Decimal(s):.2E}",  # exponent
    lambda s: s[0] + "_" + s[1:] if s[:2].isdigit() else s + "_",  # digit separator
    lambda s: s.replace(".", ","),
)
NAMED = ["1e2", "+1.00", " 1.00", "１.００", "1_000.00", "1,000.00", "NaN", "Infinity", "-0"]
ANY_TEXT = st.one_of(
    st.sampled_from(NAMED),
    st.text(alphabet="0123456789.-+e_ ,", max_size=12),
    st.text(max_size=16),
)

SETL_AMOUNTS = sorted(k for k, v in SETLINFO.items() if EXACT.fullmatch(v))
ORDER = {
    "out_trade_no": "T000000001",
    "trade_no": "PG0123456789ABCDEF01234567",
    "channel": "paycode",
    "amount": "12.50",
    "state": "SUCCESS",
    "refunded": "0.00",
    "qr_url": None,
    "fail_reason": None,
}
REFUND = {
    "out_refund_no": "R000000001",
    "refund_id": "RF1",
    "out_trade_no": "T000000001",
    "amount": "2.50",
}


def accepts(refusal: type[Exception], parse: Callable[..., Any], *args: Any) -> bool:
    """Whether `parse(*args)` returned a value rather than raising its typed refusal."""
    try:
        parse(*args)
    except refusal:
        return False
    return True


def settlement(setlinfo: dict[str, str]) -> Any:
    output = {"setlinfo": setlinfo, "setldetail": []}
    return parse_result(ParsedResponse("2207", "", 0, "", "", "", "", "", output))


def sim_money(value: str) -> Money:
    return sim_fields.money({"pric": value}, "pric", "feedetail[0]")


def sim_money_signed(value: str) -> Money:
    return sim_fields.money_signed({"acct_pay": value}, "acct_pay", "input.data")


def gateway_amount(value: str) -> Money:
    return paygate_validate.amount(value)


SIM_FIELDS: tuple[tuple[Callable[[str], Money], type[Exception]], ...] = (
    (sim_money, Rejected),
    (sim_money_signed, Rejected),
    (gateway_amount, GatewayRefusal),
    (lambda value: Money.parse(value), MoneyError),
)


@pytest.mark.parametrize("text", NAMED)
def test_the_kind_spellings_found_are_refused_by_the_kernel(text: str) -> None:
    with pytest.raises(MoneyError, match="exactly two decimals"):
        Money.parse(text)


def test_one_thousand_with_a_separator_is_not_one_thousand_anywhere() -> None:
    for parse, refusal in SIM_FIELDS:
        with pytest.raises(refusal):
            parse("1_000.00")
    with pytest.raises(ProtocolError):
        settlement({**SETLINFO, "balc": "1_000.00"})
    with pytest.raises(GatewayProtocolError):
        parse_order(200, json.dumps({**ORDER, "amount": "1_000.00"}).encode())


@given(st.sampled_from(SETL_AMOUNTS), st.sampled_from(KIND_SPELLINGS))
def test_a_settlement_amount_spelled_kindly_is_refused_by_the_terminal(
    name: str, spell: Callable[[str], str]
) -> None:
    kind = spell(SETLINFO[name])
    accepted = accepts(ProtocolError, settlement, {**SETLINFO, name: kind})
    assert not accepted or EXACT.fullmatch(kind), kind


@given(st.sampled_from(SETL_AMOUNTS), ANY_TEXT)
def test_a_settlement_amount_is_accepted_only_as_exact_text(name: str, text: str) -> None:
    if accepts(ProtocolError, settlement, {**SETLINFO, name: text}):
        assert EXACT.fullmatch(text)


@given(st.sampled_from(("amount", "refunded")), st.sampled_from(KIND_SPELLINGS), ANY_TEXT)
def test_a_gateway_answer_amount_is_accepted_only_as_exact_text(
    name: str, spell: Callable[[str], str], text: str
) -> None:
    for candidate in (spell(ORDER[name]), text):  # type: ignore[arg-type]
        body = json.dumps({**ORDER, name: candidate}).encode()
        if accepts(GatewayProtocolError, parse_order, 200, body):
            assert EXACT.fullmatch(candidate)
        body = json.dumps({**REFUND, "amount": candidate}).encode()
        if accepts(GatewayProtocolError, parse_refund, 200, body):
            assert EXACT.fullmatch(candidate)


@given(st.sampled_from(SIM_FIELDS), st.decimals("-9999.99", "9999.99", places=2), ANY_TEXT)
def test_a_simulator_request_amount_is_accepted_only_as_exact_text(
    field: tuple[Callable[[str], Money], type[Exception]], value: Decimal, text: str
) -> None:
    parse, refusal = field
    exact = f"{value:.2f}"
    for spell in KIND_SPELLINGS:
        kind = spell(exact)
        if accepts(refusal, parse, kind):
            assert EXACT.fullmatch(kind), kind
    if accepts(refusal, parse, text):
        assert EXACT.fullmatch(text), text


@given(st.decimals("0.01", "9999.99", places=2))
def test_negative_amounts_only_where_the_interface_has_them(value: Decimal) -> None:
    negative = f"-{value:.2f}"
    assert sim_money_signed(negative) == Money(-value)  # reconciliation totals net of refunds
    with pytest.raises(Rejected, match="negative"):
        sim_money(negative)
    with pytest.raises(GatewayRefusal):
        gateway_amount(negative)
