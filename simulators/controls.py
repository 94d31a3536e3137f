"""One client for the three simulators' HTTP control APIs: the platform (`/_sim/`), the payment
gateway (`/pay/_sim/`) and the devices (`python -m simulators.devices --control-port`).

The simulator control window (ui/simctl/), the headless demo and the black-box tests act
through this and nothing else, so each of their actions is one of the requests
docs/simulator.md shows with `curl`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

TIMEOUT = 10.0


class ControlError(RuntimeError):
    """A simulator refused a control request; the message is the simulator's own words."""


@dataclass(frozen=True)
class SimulatorUrls:
    platform: str
    gateway: str
    devices: str


class SimulatorControls:
    def __init__(self, urls: SimulatorUrls, session: requests.Session | None = None) -> None:
        self.urls = urls
        self._http = session or requests.Session()

    # -- plumbing -----------------------------------------------------------------------

    def _call(self, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
        answer = self._http.request(method, url, json=body, timeout=TIMEOUT)
        try:
            payload = answer.json()
        except ValueError:
            payload = None
        if answer.status_code != 200:
            said = payload.get("error") if isinstance(payload, dict) else answer.text
            if isinstance(said, dict):  # the gateway's {"error": {"code", "message"}}
                said = f"{said.get('code')}: {said.get('message')}"
            raise ControlError(f"{method} {url}: {answer.status_code} {said}")
        return payload

    def _devices(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return self._call(method, self.urls.devices + path, body)

    # -- the people and what they carry -------------------------------------------------

    def persons(self) -> list[dict[str, Any]]:
        return self._devices("GET", "/_sim/persons")["persons"]

    def faces(self) -> list[str]:
        return self._devices("GET", "/_sim/faces")["faces"]

    def devices_state(self) -> dict[str, Any]:
        return self._devices("GET", "/_sim/devices")

    def insert_card(self, psn_no: str, card: int = 0) -> None:
        self._devices("POST", "/_sim/card", {"psn_no": psn_no, "card": card})

    def remove_card(self) -> None:
        self._devices("DELETE", "/_sim/card")

    def voucher(self, psn_no: str, ttl: int = 120) -> str:
        """A fresh e-voucher QR text for the person, from the platform."""
        answer = self._call("POST", self.urls.platform + "/_sim/voucher",
                            {"psn_no": psn_no, "ttl": ttl})
        return answer["qr"]

    def scan(self, text: str) -> None:
        self._devices("POST", "/_sim/scan", {"text": text})

    def show_voucher(self, psn_no: str) -> None:
        """The person holds their phone's e-voucher to the kiosk's scanner."""
        self.scan(self.voucher(psn_no))

    def place_id_card(self, psn_no: str) -> None:
        self._devices("POST", "/_sim/idcard", {"psn_no": psn_no})

    def take_id_card(self) -> None:
        self._devices("DELETE", "/_sim/idcard")

    def present_face(self, face: str | None) -> None:
        self._devices("POST", "/_sim/camera", {"face": face})

    # -- the patient's phone and the kiosk's surroundings --------------------------------

    def open_qr_orders(self) -> list[dict[str, Any]]:
        """The QR payment orders waiting to be paid, newest first."""
        orders = self._call("GET", self.urls.gateway + "/pay/_sim/orders")["orders"]
        waiting = [o for o in orders if o["channel"] == "qr" and o["state"] == "NOTPAY"]
        return sorted(waiting, key=lambda o: (o["created_at"], o["out_trade_no"]), reverse=True)

    def pay_qr(self, out_trade_no: str | None = None, outcome: str = "success") -> dict[str, Any]:
        """The patient's phone pays the QR code on the kiosk's screen (the newest waiting
        order, unless one is named)."""
        if out_trade_no is None:
            waiting = self.open_qr_orders()
            if not waiting:
                raise ControlError("no QR code is waiting to be paid")
            out_trade_no = waiting[0]["out_trade_no"]
        return self._call("POST", self.urls.gateway + "/pay/_sim/pay",
                          {"out_trade_no": out_trade_no, "outcome": outcome})

    def network(self, *, connected: bool) -> None:
        """Pull the kiosk's network cable (every platform request is reset) or plug it in."""
        url = self.urls.platform + "/_sim/faults"
        if connected:
            self._call("DELETE", url)
        else:
            self._call("POST", url,
                       {"rules": [{"infno": "*", "mode": "offline", "probability": 1}]})

    def refuse_settlement(self, err_msg: str | None = None) -> None:
        """The platform refuses the next outpatient settlement (2207) with its reason (by
        default that the visit was already settled), after its pre-settlement passed. It
        replaces the active faults, as pulling the cable does."""
        rule: dict[str, Any] = {"infno": "2207", "mode": "refuse", "count": 1}
        if err_msg is not None:
            rule["err_msg"] = err_msg
        self._call("POST", self.urls.platform + "/_sim/faults", {"rules": [rule]})

    def paper(self, *, present: bool) -> None:
        self._devices("POST", "/_sim/printer", {"paper": "in" if present else "out"})

    def prescribe(self, psn_no: str, orders: list[dict[str, Any]]) -> list[str]:
        """The hospital's doctor writes orders for the person (the HIS's unpaid orders)."""
        answer = self._call("POST", self.urls.platform + "/_sim/his/orders",
                            {"psn_no": psn_no, "orders": orders})
        return answer["rxnos"]

    def settlements(self, psn_no: str | None = None) -> list[dict[str, Any]]:
        query = f"?psn_no={psn_no}" if psn_no else ""
        return self._call("GET", self.urls.platform + "/_sim/settlements" + query)["settlements"]
