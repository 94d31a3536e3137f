"""The payment gateway client: one keep-alive `requests.Session`, timeouts on every call, and
every answer parsed into a typed value or a typed error (docs/paygate.md).

Only queries are retried (with `tenacity`): they change nothing. A create, close or refund that
got no answer is reported as `PaymentAmbiguous`, and the caller resolves it by querying (or by
repeating it, which the gateway makes idempotent through the same order or refund number).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential
from urllib3.exceptions import NewConnectionError

from kernel.errors import MoneyError
from kernel.money import Money
from terminal.net import http_session
from terminal.payment.errors import (
    GatewayProtocolError,
    GatewayUnavailable,
    InvalidPaymentCode,
    PaymentAmbiguous,
    PaymentRejected,
    RefundRefused,
    UnknownPayment,
)

ORDER_STATES = ("NOTPAY", "USERPAYING", "SUCCESS", "PAYERROR", "CLOSED")
CHANNELS = ("qr", "paycode", "credit")


@dataclass(frozen=True)
class GatewayOrder:
    out_trade_no: str
    trade_no: str
    channel: str
    amount: Money
    state: str
    refunded: Money
    qr_url: str | None
    fail_reason: str | None


@dataclass(frozen=True)
class GatewayRefund:
    out_refund_no: str
    refund_id: str
    out_trade_no: str
    amount: Money


class GatewayClient:
    """Talks to one gateway at `base_url` (e.g. `http://127.0.0.1:8766`)."""

    def __init__(
        self,
        base_url: str,
        *,
        session: requests.Session | None = None,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        query_attempts: int = 3,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session or http_session()
        self._timeout = (connect_timeout, read_timeout)
        self._query_attempts = query_attempts

    def close(self) -> None:
        self._session.close()

    def create_order(
        self,
        order_no: str,
        amount: Money,
        channel: str,
        *,
        auth_code: str | None = None,
        description: str = "",
        payer_ref: str | None = None,
    ) -> GatewayOrder:
        body: dict[str, Any] = {
            "out_trade_no": order_no,
            "amount": str(amount),
            "channel": channel,
            "description": description,
        }
        if auth_code is not None:
            body["auth_code"] = auth_code
        if payer_ref is not None:
            body["payer_ref"] = payer_ref
        return parse_order(*self._send("POST", "/pay/orders", body))

    def query_order(self, order_no: str) -> GatewayOrder | None:
        """The order as the gateway holds it now; None if the gateway never received it."""
        try:
            return parse_order(*self._query(f"/pay/orders/{order_no}"))
        except UnknownPayment:
            return None

    def close_order(self, order_no: str) -> GatewayOrder:
        return parse_order(*self._send("POST", f"/pay/orders/{order_no}/close", {}))

    def refund(
        self, order_no: str, refund_no: str, amount: Money, reason: str = ""
    ) -> GatewayRefund:
        body = {"out_refund_no": refund_no, "amount": str(amount), "reason": reason}
        return parse_refund(*self._send("POST", f"/pay/orders/{order_no}/refunds", body))

    def query_refund(self, refund_no: str) -> GatewayRefund | None:
        try:
            return parse_refund(*self._query(f"/pay/refunds/{refund_no}"))
        except UnknownPayment:
            return None

    def _query(self, path: str) -> tuple[int, bytes]:
        """A GET retried on transport trouble and 5xx: asking twice cannot move money."""
        attempt = retry(
            retry=retry_if_exception_type((PaymentAmbiguous, GatewayUnavailable)),
            stop=stop_after_attempt(self._query_attempts),
            wait=wait_exponential(multiplier=0.2, max=2.0),
            reraise=True,
        )

        def once() -> tuple[int, bytes]:
            status, body = self._send("GET", path, None)
            if status >= 500:
                raise _server_error(status, body)
            return status, body

        return attempt(once)()

    def _send(self, method: str, path: str, body: dict[str, Any] | None) -> tuple[int, bytes]:
        try:
            response = self._session.request(
                method,
                self.base_url + path,
                json=body,
                timeout=self._timeout,
                allow_redirects=False,
            )
            return response.status_code, response.content
        except requests.ConnectTimeout as err:
            raise GatewayUnavailable(f"{method} {path}: connect timeout") from err
        except requests.ConnectionError as err:
            if _never_connected(err):
                raise GatewayUnavailable(f"{method} {path}: connection refused") from err
            raise PaymentAmbiguous(f"{method} {path}: connection lost, no answer") from err
        except requests.Timeout as err:
            raise PaymentAmbiguous(f"{method} {path}: no answer within the read timeout") from err
        except requests.RequestException as err:
            raise GatewayProtocolError(f"{method} {path}: {type(err).__name__}") from err


def _never_connected(err: requests.ConnectionError) -> bool:
    """True when the TCP connection was never made, so the request cannot have arrived."""
    reason = getattr(err.args[0] if err.args else None, "reason", None)
    return isinstance(reason, NewConnectionError)


# -- parsing (pure: hypothesis-tested against garbage) ---------------------------------------


def parse_order(status: int, body: bytes) -> GatewayOrder:
    """An order answer, or the typed error it stands for."""
    data = _success_object(status, body)
    state = _text(data, "state")
    channel = _text(data, "channel")
    if state not in ORDER_STATES or channel not in CHANNELS:
        raise GatewayProtocolError(f"unknown order state {state[:20]!r} or channel")
    qr_url = _optional(data, "qr_url")
    if channel == "qr" and qr_url is None:
        raise GatewayProtocolError("a QR order without qr_url")
    return GatewayOrder(
        out_trade_no=_text(data, "out_trade_no"),
        trade_no=_text(data, "trade_no"),
        channel=channel,
        amount=_money(data, "amount"),
        state=state,
        refunded=_money(data, "refunded"),
        qr_url=qr_url,
        fail_reason=_optional(data, "fail_reason"),
    )


def parse_refund(status: int, body: bytes) -> GatewayRefund:
    data = _success_object(status, body)
    return GatewayRefund(
        out_refund_no=_text(data, "out_refund_no"),
        refund_id=_text(data, "refund_id"),
        out_trade_no=_text(data, "out_trade_no"),
        amount=_money(data, "amount"),
    )


def _success_object(status: int, body: bytes) -> dict[str, Any]:
    """The answer's object when it is the gateway's own success (200) or refusal (4xx with an
    error object); anything else, once the request may have arrived, is an unknown outcome:
    a 5xx, a redirect (never followed: terminal/net.py), a body that is not the API's."""
    if status >= 500:
        raise _server_error(status, body)
    if not (status == 200 or 400 <= status < 500):
        raise GatewayProtocolError(f"gateway answered HTTP {status}: not its API (not followed)")
    data = _json_object(body)
    if status == 200:
        return data
    error = data.get("error")
    if not isinstance(error, dict) or not isinstance(error.get("code"), str):
        raise GatewayProtocolError(f"HTTP {status} without an error object")
    raise _client_error(status, error["code"], str(error.get("message", ""))[:200])


def _server_error(status: int, body: bytes) -> PaymentAmbiguous:
    """A 5xx: the gateway may have done it or not, so the outcome is unknown."""
    return PaymentAmbiguous(f"gateway answered HTTP {status}")


def _client_error(status: int, code: str, message: str) -> Exception:
    detail = f"{code}: {message}"
    if status == 404 and code in ("ORDER_NOT_FOUND", "REFUND_NOT_FOUND"):
        return UnknownPayment(detail)
    if code == "INVALID_AUTH_CODE":
        return InvalidPaymentCode(detail)
    if code == "REFUND_EXCEEDS":
        return RefundRefused(detail)
    if 400 <= status < 500:
        return PaymentRejected(detail, gateway_code=code[:40])
    return GatewayProtocolError(f"unexpected HTTP {status}: {detail[:80]}")


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise GatewayProtocolError("the answer is not JSON") from None
    if not isinstance(data, dict):
        raise GatewayProtocolError("the answer is not a JSON object")
    return data


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise GatewayProtocolError(f"{name} missing or not a string")
    return value


def _optional(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise GatewayProtocolError(f"{name} is not a string")
    return value


def _money(data: dict[str, Any], name: str) -> Money:
    value = data.get(name)
    if not isinstance(value, str):
        raise GatewayProtocolError(f"{name} is not an amount string")
    try:
        return Money.parse(value, field=name)
    except MoneyError as err:
        raise GatewayProtocolError(err.detail) from None
