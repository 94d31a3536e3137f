"""The hospital information system (HIS): a person's unpaid orders, and marking them paid.

A kiosk settles what doctors ordered; those orders live in the hospital's own system, reached
over HTTP (the simulator serves it under `/his/`, docs/simulator.md). Marking orders paid is
idempotent by settlement id, so recovery may repeat it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import requests

from kernel.errors import MedtermError, MoneyError
from kernel.money import Money
from terminal.net import http_session


class HisError(MedtermError):
    code = "E210"
    message_zh = "医院信息系统暂时无法访问"
    message_en = "the hospital information system is unreachable or answered wrongly"
    action = "Pay at the hospital cashier, or try again in a few minutes."
    action_zh = "请到医院收费窗口缴费，或几分钟后重试。"


@dataclass(frozen=True)
class HisItem:
    med_list_codg: str
    name: str
    pric: Money
    cnt: Decimal


@dataclass(frozen=True)
class HisOrder:
    rxno: str
    dept_code: str
    dept_name: str
    dr_code: str
    dr_name: str
    items: tuple[HisItem, ...]


class HisClient:
    def __init__(
        self,
        base_url: str,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (3.0, 10.0),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session or http_session()
        self._timeout = timeout

    def unpaid_orders(self, certno: str) -> list[HisOrder]:
        body = self._call("GET", "/his/orders", params={"certno": certno})
        orders = body.get("orders")
        if not isinstance(orders, list):
            raise HisError("orders missing from the answer")
        return [_order(raw) for raw in orders]

    def mark_paid(self, rxnos: Sequence[str], setl_id: str) -> None:
        self._call("POST", "/his/orders/paid", json={"rxnos": list(rxnos), "setl_id": setl_id})

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._session.request(
                method, self.base_url + path, timeout=self._timeout, allow_redirects=False, **kwargs
            )
            body = response.json()
        except (requests.RequestException, ValueError) as err:
            raise HisError(f"{path}: {type(err).__name__}") from None
        if not isinstance(body, dict) or body.get("ok") is not True:
            message = body.get("error") if isinstance(body, dict) else None
            raise HisError(f"{path}: HTTP {response.status_code} {message or ''}".strip())
        return body


def _order(raw: Any) -> HisOrder:
    try:
        items = tuple(
            HisItem(str(i["med_list_codg"]), str(i["name"]), Money.parse(i["pric"]), _count(i))
            for i in raw["items"]
        )
        return HisOrder(
            rxno=str(raw["rxno"]),
            dept_code=str(raw.get("dept_code", "")),
            dept_name=str(raw.get("dept_name", "")),
            dr_code=str(raw.get("dr_code", "")),
            dr_name=str(raw.get("dr_name", "")),
            items=items,
        )
    except (KeyError, TypeError, MoneyError) as err:
        raise HisError(f"malformed order: {type(err).__name__} {err}") from None


def _count(item: Any) -> Decimal:
    try:
        count = Decimal(str(item["cnt"]))
    except InvalidOperation:
        raise HisError("malformed order: cnt is not a number") from None
    if not count.is_finite() or count <= 0:
        raise HisError("malformed order: cnt must be positive")
    return count
