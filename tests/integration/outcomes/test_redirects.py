"""Nothing that moves money follows a redirect, and a redirect after the request may have arrived
is "outcome unknown", never "no money was taken" (issue 11, class 4): through `medterm checkout`
against the simulators' `redirect` faults, and against a bare HTTP server that answers 302."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from outcome_cli import checkout, latest_transaction

from simulators.central.testing import RunningSimulator
from simulators.paygate.testing import PaygateHandle


class Recorder:
    """A loopback HTTP server answering every request with `status` (and `location`), and
    recording the (method, path) of each: so a test knows whether a redirect was followed."""

    def __init__(self, status: int = 404, location: str = "") -> None:
        self.seen: list[tuple[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                outer.seen.append((self.command, self.path))
                body = b"<html><body>moved</body></html>"
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def moved_to() -> Iterator[Recorder]:
    """Where the redirects point: a server that would answer 404 to whatever arrives."""
    target = Recorder(404)
    yield target
    target.close()


def test_a_gateway_redirect_after_the_charge_is_an_unknown_outcome_not_no_money_taken(
    platform: RunningSimulator, gateway: PaygateHandle, data_dir: Path
) -> None:
    gateway.set_rules({"mode": "redirect", "op": "create", "channel": "paycode"})

    ran = checkout(data_dir, platform, gateway)

    assert "No money was taken" not in ran.err
    assert "[E604]" in ran.err and "not followed" in ran.err, ran.err
    _, (payment,) = latest_transaction(data_dir)
    assert gateway.orders()[payment.order_no]["state"] == "SUCCESS"
    assert payment.status.value == "collected", "the terminal found out the money was taken"


def test_a_gateway_that_only_redirects_leaves_the_payment_unknown_and_is_never_followed(
    platform: RunningSimulator, gateway: PaygateHandle, data_dir: Path, moved_to: Recorder
) -> None:
    portal = Recorder(302, location=moved_to.url + "/login")
    try:
        ran = checkout(data_dir, platform, gateway, "--gateway", portal.url)
    finally:
        portal.close()

    assert ran.status == 2
    assert "No money was taken" not in ran.err and "[E604]" in ran.err, ran.err
    assert portal.seen[0] == ("POST", "/pay/orders")
    assert moved_to.seen == [], "the redirect was followed"
    _, (payment,) = latest_transaction(data_dir)
    assert payment.status.value == "pending", "unknown until the gateway answers"


def test_a_platform_redirect_after_the_settlement_executed_is_resolved_not_refunded(
    platform: RunningSimulator, gateway: PaygateHandle, data_dir: Path
) -> None:
    rule = {"infno": "2207", "mode": "redirect", "count": 1}
    platform.control("POST", "/_sim/faults", {"rules": [rule]})

    ran = checkout(data_dir, platform, gateway)

    assert ran.status == 0, ran.err
    outcome = ran.json()
    assert outcome["state"] == "completed" and not outcome["offline"]
    setl_id = outcome["breakdown"]["setl_id"]
    settled = platform.control("GET", "/_sim/settlements")["settlements"]
    assert [s["state"] for s in settled if s["setl_id"] == setl_id] == ["settled"]
    _, (payment,) = latest_transaction(data_dir)
    assert payment.status.value == "collected"
    assert not [r for r in gateway.refunds().values() if r["out_trade_no"] == payment.order_no]
