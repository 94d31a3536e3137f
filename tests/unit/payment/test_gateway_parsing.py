"""The client's parsing of gateway answers: a typed value, or a typed error for anything else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.money import Money
from terminal.payment import (
    GatewayProtocolError,
    InvalidPaymentCode,
    PaymentAmbiguous,
    PaymentError,
    PaymentRejected,
    RefundRefused,
    UnknownPayment,
)
from terminal.payment.gateway import GatewayOrder, GatewayRefund, parse_order, parse_refund

ORDER = {
    "out_trade_no": "T000000001",
    "trade_no": "PG0123456789ABCDEF01234567",
    "channel": "qr",
    "amount": "12.50",
    "state": "NOTPAY",
    "refunded": "0.00",
    "qr_url": "http://127.0.0.1:1/pay/scan/PG0123456789ABCDEF01234567",
}
REFUND = {
    "out_refund_no": "R01",
    "refund_id": "RF1",
    "out_trade_no": "T000000001",
    "amount": "1.00",
}

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=15,
)
STATUSES = st.sampled_from([200, 400, 404, 409, 413, 500, 502, 503, 302, 201])


def encode(value: Any) -> bytes:
    return json.dumps(value).encode()


def mutated(base: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The valid answer with one field replaced by anything, or dropped."""
    return st.tuples(st.sampled_from(sorted(base)), JSON_VALUES, st.booleans()).map(
        lambda change: {
            **{k: v for k, v in base.items() if not (change[2] and k == change[0])},
            **({} if change[2] else {change[0]: change[1]}),
        }
    )


def parse_or_error(status: int, body: bytes) -> list[object]:
    """What both parsers make of one answer: a parsed value or the typed error they raised
    (any other exception escapes and fails the test)."""
    outcomes: list[object] = []
    for parse in (parse_order, parse_refund):
        try:
            outcomes.append(parse(status, body))
        except PaymentError as err:
            outcomes.append(err)
    return outcomes


@given(status=STATUSES, body=st.binary(max_size=300))
def test_any_bytes_parse_to_a_value_or_a_payment_error(status: int, body: bytes) -> None:
    for outcome in parse_or_error(status, body):
        assert isinstance(outcome, (GatewayOrder, GatewayRefund, PaymentError))


@given(status=STATUSES, value=JSON_VALUES | mutated(ORDER) | mutated(REFUND))
def test_any_json_parses_to_a_value_only_on_200(status: int, value: Any) -> None:
    for outcome in parse_or_error(status, encode(value)):
        assert isinstance(outcome, PaymentError) or status == 200


@given(order=mutated(ORDER))
def test_an_order_answer_that_parses_has_money_amounts(order: dict[str, Any]) -> None:
    try:
        parsed = parse_order(200, encode(order))
    except GatewayProtocolError:
        return
    assert isinstance(parsed.amount, Money) and isinstance(parsed.refunded, Money)


def test_a_valid_order_answer_parses() -> None:
    order = parse_order(200, encode(ORDER))
    assert order.amount == Money("12.50") and order.state == "NOTPAY"
    assert order.qr_url == ORDER["qr_url"]


def test_a_valid_refund_answer_parses() -> None:
    assert parse_refund(200, encode(REFUND)).amount == Money("1.00")


@pytest.mark.parametrize(
    ("field", "value"),
    [("amount", 12.5), ("amount", "12.505"), ("state", "PAID"), ("qr_url", None), ("trade_no", "")],
)
def test_an_order_answer_with_a_wrong_field_is_a_protocol_error(field: str, value: Any) -> None:
    with pytest.raises(GatewayProtocolError):
        parse_order(200, encode({**ORDER, field: value}))


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (404, "ORDER_NOT_FOUND", UnknownPayment),
        (400, "INVALID_AUTH_CODE", InvalidPaymentCode),
        (409, "REFUND_EXCEEDS", RefundRefused),
        (409, "ORDER_CONFLICT", PaymentRejected),
        (400, "INVALID_AMOUNT", PaymentRejected),
    ],
)
def test_gateway_refusals_become_typed_errors(status: int, code: str, error: type) -> None:
    body = encode({"error": {"code": code, "message": "m"}})
    with pytest.raises(error):
        parse_order(status, body)


def test_a_server_error_is_an_unknown_outcome() -> None:
    with pytest.raises(PaymentAmbiguous):
        parse_order(500, b"<html>oops</html>")


def test_a_200_that_is_not_json_is_a_protocol_error_and_thus_ambiguous() -> None:
    with pytest.raises(GatewayProtocolError) as caught:
        parse_order(200, b"<html>ok</html>")
    assert isinstance(caught.value, PaymentAmbiguous)
