"""Whatever a client sends, the gateway answers a clean 4xx JSON error (or a 200 when the input
happens to be valid): never a 500, never a hang."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kernel.money import Money
from simulators.paygate.testing import PaygateHandle

JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
ANY_JSON = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
NUMBERS = st.from_regex(r"[A-Za-z0-9_\-]{6,32}", fullmatch=True) | ANY_JSON
AMOUNTS = (
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str)
    | st.sampled_from(["0.00", "-1.00", "1e3", " 1.00", "NaN", "1000000.01", "12.5"])
    | ANY_JSON
)
ORDER_BODIES = st.fixed_dictionaries(
    {},
    optional={
        "out_trade_no": NUMBERS,
        "amount": AMOUNTS,
        "channel": st.sampled_from(["qr", "paycode", "credit", "cash", ""]) | ANY_JSON,
        "auth_code": st.from_regex(r"[0-9]{16,19}", fullmatch=True) | ANY_JSON,
        "description": ANY_JSON,
        "payer_ref": ANY_JSON,
    },
)
REFUND_BODIES = st.fixed_dictionaries(
    {}, optional={"out_refund_no": NUMBERS, "amount": AMOUNTS, "reason": ANY_JSON}
)
RULE_BODIES = st.fixed_dictionaries(
    {},
    optional={
        "rules": st.lists(
            st.fixed_dictionaries(
                {"mode": st.text(max_size=12) | ANY_JSON},
                optional={"count": ANY_JSON, "probability": ANY_JSON, "ms": ANY_JSON},
            ),
            max_size=3,
        )
        | ANY_JSON,
        "seed": ANY_JSON,
    },
)
FUZZ = settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)


@pytest.fixture
def http(paygate: PaygateHandle) -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session
    paygate.clear_rules()


def assert_clean(response: requests.Response) -> dict[str, Any]:
    assert response.status_code < 500, response.text
    body = response.json()
    if response.status_code >= 400:
        assert isinstance(body["error"]["code"], str) and body["error"]["code"]
        assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body


@FUZZ
@given(body=ORDER_BODIES | ANY_JSON)
def test_create_order_answers_any_json_cleanly(
    paygate: PaygateHandle, http: requests.Session, body: Any
) -> None:
    assert_clean(http.post(paygate.url + "/pay/orders", json=body, timeout=5))


@FUZZ
@given(raw=st.binary(max_size=200))
def test_create_order_answers_any_bytes_cleanly(
    paygate: PaygateHandle, http: requests.Session, raw: bytes
) -> None:
    assert_clean(http.post(paygate.url + "/pay/orders", data=raw, timeout=5))


@FUZZ
@given(body=REFUND_BODIES | ANY_JSON)
def test_refund_answers_any_json_cleanly(
    paygate: PaygateHandle, http: requests.Session, body: Any
) -> None:
    order = {"out_trade_no": "FUZZPAID01", "amount": "5.00", "channel": "credit", "payer_ref": "p"}
    http.post(paygate.url + "/pay/orders", json=order, timeout=5)
    response = http.post(
        paygate.url + "/pay/orders/FUZZPAID01/refunds", data=json.dumps(body), timeout=5
    )
    assert_clean(response)
    assert Money(paygate.orders()["FUZZPAID01"]["refunded"]) <= Money("5.00")


@FUZZ
@given(body=RULE_BODIES | ANY_JSON)
def test_rules_endpoint_answers_any_json_cleanly(
    paygate: PaygateHandle, http: requests.Session, body: Any
) -> None:
    assert_clean(http.post(paygate.url + "/pay/_sim/rules", json=body, timeout=5))
    paygate.clear_rules()


@FUZZ
@given(segment=st.text(max_size=40))
def test_any_path_answers_cleanly(
    paygate: PaygateHandle, http: requests.Session, segment: str
) -> None:
    for method in ("GET", "POST"):
        response = http.request(method, f"{paygate.url}/pay/orders/{segment}", timeout=5)
        assert_clean(response)


@pytest.mark.parametrize("depth", [990, 30_000])
@pytest.mark.parametrize(
    "path", ["/pay/orders", "/pay/orders/FUZZPAID01/refunds", "/pay/_sim/rules", "/pay/_sim/pay"]
)
def test_deeply_nested_json_is_a_clear_400_not_a_500(
    paygate: PaygateHandle, http: requests.Session, path: str, depth: int
) -> None:
    body = '{"out_trade_no": "T0000001", "amount": ' + "[" * depth + "]" * depth + "}"

    response = http.post(paygate.url + path, data=body, timeout=10)

    assert response.status_code == 400, response.text
    assert "nested too deeply" in assert_clean(response)["error"]["message"]
