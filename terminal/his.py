"""The hospital information system (HIS): a person's unpaid orders, and marking them paid;
the departments and doctors with today's numbers, and registering for a visit (挂号).

A kiosk settles what doctors ordered; those orders live in the hospital's own system, reached
over HTTP (the simulator serves it under `/his/`, docs/simulator.md). Marking orders paid is
idempotent by settlement id, so recovery may repeat it.

A registration is an order like any other: the HIS answers it as an unpaid order of the
doctor's registration fee (one line, the catalogue's 诊察费 item), which the checkout settles
and marks paid as it does every order (docs/kiosk.md, "Registration").
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


class RegistrationFull(HisError):
    code = "E923"
    message_zh = "该医生本时段的号已挂满"
    message_en = "this doctor has no numbers left in this session"
    action = "Choose another session or doctor, or ask at the registration window."
    action_zh = "请选择其他时段或医生,或到挂号窗口咨询。"


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


@dataclass(frozen=True)
class Slot:
    """One session of a doctor's today: 上午 (am) or 下午 (pm), its hours, numbers left."""

    period: str
    hours: str
    left: int


@dataclass(frozen=True)
class Doctor:
    dr_code: str
    dr_name: str
    title: str  # 主任医师, 住院医师...
    fee: Money  # the registration fee
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class Department:
    dept_code: str
    dept_name: str
    doctors: tuple[Doctor, ...]


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

    def departments(self) -> list[Department]:
        """The departments and doctors that take registrations, with today's numbers left."""
        body = self._call("GET", "/his/departments")
        departments = body.get("departments")
        if not isinstance(departments, list):
            raise HisError("departments missing from the answer")
        return [_department(raw) for raw in departments]

    def register(self, certno: str, dr_code: str, period: str) -> HisOrder:
        """Take a number with ``dr_code`` for today's ``period``: the unpaid registration
        order to settle (the same one again if this person already holds it)."""
        body = self._call(
            "POST", "/his/registrations",
            json={"certno": certno, "dr_code": dr_code, "period": period},
            conflict=RegistrationFull,
        )
        return _order(body.get("order"))

    def mark_paid(self, rxnos: Sequence[str], setl_id: str) -> None:
        self._call("POST", "/his/orders/paid", json={"rxnos": list(rxnos), "setl_id": setl_id})

    def _call(
        self, method: str, path: str, *, conflict: type[HisError] = HisError, **kwargs: Any
    ) -> dict[str, Any]:
        """The answer's body; `conflict` is raised for a 409 (the HIS refused on its own
        terms), HisError for anything else that is not an answer."""
        try:
            response = self._session.request(
                method, self.base_url + path, timeout=self._timeout, allow_redirects=False, **kwargs
            )
            body = response.json()
        except (requests.RequestException, ValueError) as err:
            raise HisError(f"{path}: {type(err).__name__}") from None
        if not isinstance(body, dict) or body.get("ok") is not True:
            message = body.get("error") if isinstance(body, dict) else None
            error = conflict if response.status_code == 409 else HisError
            raise error(f"{path}: HTTP {response.status_code} {message or ''}".strip())
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


def _department(raw: Any) -> Department:
    try:
        doctors = tuple(
            Doctor(
                dr_code=str(d["dr_code"]),
                dr_name=str(d["dr_name"]),
                title=str(d.get("title", "")),
                fee=Money.parse(d["reg_fee"]),
                slots=tuple(
                    Slot(str(s["period"]), str(s["hours"]), int(s["left"])) for s in d["slots"]
                ),
            )
            for d in raw["doctors"]
        )
        return Department(str(raw["dept_code"]), str(raw["dept_name"]), doctors)
    except (KeyError, TypeError, ValueError, MoneyError) as err:
        raise HisError(f"malformed department: {type(err).__name__} {err}") from None


def _count(item: Any) -> Decimal:
    try:
        count = Decimal(str(item["cnt"]))
    except InvalidOperation:
        raise HisError("malformed order: cnt is not a number") from None
    if not count.is_finite() or count <= 0:
        raise HisError("malformed order: cnt must be positive")
    return count
