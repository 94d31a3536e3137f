"""Start the real gateway process for a test (or the demo) and drive its control endpoints.

    gateway = start_paygate(tmp_path)
    gateway.set_rules({"mode": "decline", "channel": "paycode"})
    ...
    gateway.stop()

Restarting with the same `tmp_path` reopens the same ledger (`tmp_path / "pay.db"`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests

from terminal.services import ServiceProcess, python_module_argv

CONTROL_TIMEOUT = 10.0


class PaygateHandle:
    """A running gateway: its URL, its life cycle, and the patient's and tester's levers."""

    def __init__(self, service: ServiceProcess, db: Path) -> None:
        self.service = service
        self.url = service.url
        self.db = db
        self._http = requests.Session()

    def stop(self) -> None:
        self._http.close()
        self.service.stop()

    def kill(self) -> None:
        self._http.close()
        self.service.kill()

    def pay(self, out_trade_no: str, outcome: str = "success") -> dict[str, Any]:
        """The patient scans the QR code (or enters their password) and pays, or fails to."""
        return self._call(
            "POST", "/pay/_sim/pay", {"out_trade_no": out_trade_no, "outcome": outcome}
        )

    def set_rules(self, *rules: dict[str, Any], seed: int | None = None) -> None:
        """Replace the behaviour rules (decline, userpaying, timeout, late, error500)."""
        body: dict[str, Any] = {"rules": list(rules)}
        if seed is not None:
            body["seed"] = seed
        self._call("POST", "/pay/_sim/rules", body)

    def clear_rules(self) -> None:
        self._call("DELETE", "/pay/_sim/rules", None)

    def orders(self) -> dict[str, dict[str, Any]]:
        """Every order the gateway holds, by out_trade_no."""
        return {order["out_trade_no"]: order for order in self._ledger()["orders"]}

    def refunds(self) -> dict[str, dict[str, Any]]:
        """Every refund the gateway holds, by out_refund_no."""
        return {refund["out_refund_no"]: refund for refund in self._ledger()["refunds"]}

    def _ledger(self) -> dict[str, list[dict[str, Any]]]:
        return self._call("GET", "/pay/_sim/orders", None)

    def _call(self, method: str, path: str, body: dict[str, Any] | None) -> Any:
        response = self._http.request(method, self.url + path, json=body, timeout=CONTROL_TIMEOUT)
        response.raise_for_status()
        return response.json()


def start_paygate(tmp_path: Path, extra_args: Sequence[str] = ()) -> PaygateHandle:
    """Start `python -m simulators.paygate` on a free loopback port, ledger in tmp_path."""
    db = Path(tmp_path) / "pay.db"
    argv = python_module_argv(
        "simulators.paygate", "--db", str(db), "--host", "127.0.0.1", "--port", "0", *extra_args
    )
    return PaygateHandle(ServiceProcess.start(argv, name="paygate"), db)
