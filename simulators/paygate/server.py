"""The gateway's HTTP face: a threaded stdlib HTTP/1.1 server with keep-alive.

The standard library is enough here: a handful of JSON routes, one thread per connection, no
dependency to keep in step with. Every answer is JSON with a Content-Length, including the
errors `http.server` itself produces, so a client never sees HTML or a hang.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
import socket
import sys
import threading
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from simulators.paygate import validate
from simulators.paygate.errors import GatewayRefusal, invalid, not_found
from simulators.paygate.rules import Rule, RuleBook
from simulators.paygate.store import Ledger

Reply = tuple[int, dict[str, Any]]


class PaygateServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], ledger: Ledger, rules: RuleBook) -> None:
        super().__init__(address, PaygateHandler)
        self.ledger = ledger
        self.rules = rules
        # Set on shutdown so that handlers holding back an answer (timeout, late) let go.
        self.stopping = threading.Event()


class PaygateHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "medterm-paygate/1"
    # A client that stops sending mid-request must not hold a thread forever.
    timeout = 30
    server: PaygateServer

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes; without this, Nagle and the client's delayed
        # ACK add about 40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the ledger is the record; request lines would only flood the test output."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """`http.server`'s own refusals (malformed request line, oversized header) as JSON."""
        self.close_connection = True
        # An unparsable request line leaves the version at HTTP/0.9, which has no headers.
        self.request_version = self.protocol_version
        self._send(code, {"error": {"code": "BAD_HTTP", "message": message or "bad request"}})

    # -- plumbing -----------------------------------------------------------------------

    def _dispatch(self, method: str) -> None:
        try:
            body = self._read_body()
            handler, args = _route(method, self.path)
            if self.path.startswith("/pay/_sim/") and not self._from_loopback():
                raise GatewayRefusal(403, "FORBIDDEN", "control endpoints are loopback only")
            status, payload = handler(self, body, *args)
        except GatewayRefusal as refusal:
            status, payload = refusal.status, refusal.body()
        except _Withhold as withhold:
            self._withhold(withhold)
            return
        except _Redirect as redirect:
            self._redirect(redirect.location)
            return
        except Exception:  # the server's boundary: a bug answers JSON and is printed, not hung
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            status, payload = 500, {"error": {"code": "INTERNAL", "message": "simulator bug"}}
        self._send(status, payload)

    def _read_body(self) -> bytes:
        length_text = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise GatewayRefusal(411, "LENGTH_REQUIRED", "send a Content-Length, not chunks")
        if length_text is None:
            return b""
        try:
            length = int(length_text)
        except ValueError:
            self.close_connection = True
            raise invalid("Content-Length is not a number") from None
        if length < 0 or length > validate.MAX_BODY_BYTES:
            self.close_connection = True
            raise GatewayRefusal(413, "BODY_TOO_LARGE", "body over 64 KiB")
        return self.rfile.read(length)

    def _from_loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.client_address[0]).is_loopback
        except ValueError:
            return False

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()

    def _redirect(self, location: str) -> None:
        """A 302 with an HTML body, as a proxy or a login portal in the path would answer."""
        data = b"<html><body>302 Found (simulated redirect)</body></html>"
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _withhold(self, withhold: _Withhold) -> None:
        """Answer late, or (timeout) hold the answer past any client's patience and then drop
        the connection without a word: the request was executed, the caller cannot know."""
        self.server.stopping.wait(withhold.rule.ms / 1000)
        if withhold.rule.mode == "late" and not self.server.stopping.is_set():
            self._send(*withhold.reply)
        else:
            self.close_connection = True

    # -- operations ---------------------------------------------------------------------

    def create_order(self, body: bytes) -> Reply:
        request = validate.create_order(validate.json_object(body))
        rule = self._rule("create", request.channel)
        return self._wrap(rule, lambda: self.server.ledger.create(request, rule))

    def query_order(self, body: bytes, out_trade_no: str) -> Reply:
        rule = self._rule("query", self.server.ledger.channel_of(out_trade_no))
        return self._wrap(rule, lambda: self.server.ledger.get(out_trade_no))

    def close_order(self, body: bytes, out_trade_no: str) -> Reply:
        rule = self._rule("close", self.server.ledger.channel_of(out_trade_no))
        return self._wrap(rule, lambda: self.server.ledger.close_order(out_trade_no))

    def refund(self, body: bytes, out_trade_no: str) -> Reply:
        request = validate.create_refund(validate.json_object(body))
        rule = self._rule("refund", self.server.ledger.channel_of(out_trade_no))
        return self._wrap(rule, lambda: self.server.ledger.refund(out_trade_no, request))

    def query_refund(self, body: bytes, out_refund_no: str) -> Reply:
        return 200, self.server.ledger.get_refund(out_refund_no)

    def scan(self, body: bytes, trade_no: str) -> Reply:
        """What the patient's phone shows after scanning the QR code."""
        order = self.server.ledger.by_trade_no(trade_no)
        keys = ("out_trade_no", "amount", "state", "description")
        return 200, {key: order[key] for key in keys}

    def sim_health(self, body: bytes) -> Reply:
        return 200, {"ok": True}

    def sim_pay(self, body: bytes) -> Reply:
        payload = validate.json_object(body)
        out_trade_no = validate.number(payload.get("out_trade_no"), "out_trade_no")
        outcome = payload.get("outcome", "success")
        if outcome not in ("success", "decline"):
            raise invalid("outcome must be success or decline")
        return 200, self.server.ledger.pay(out_trade_no, outcome)

    def sim_set_rules(self, body: bytes) -> Reply:
        self.server.rules.replace(validate.json_object(body))
        return 200, {"rules": self.server.rules.describe()}

    def sim_get_rules(self, body: bytes) -> Reply:
        return 200, {"rules": self.server.rules.describe()}

    def sim_clear_rules(self, body: bytes) -> Reply:
        self.server.rules.clear()
        return 200, {"rules": []}

    def sim_ledger(self, body: bytes) -> Reply:
        return 200, self.server.ledger.everything()

    def _rule(self, op: str, channel: str | None) -> Rule | None:
        rule = self.server.rules.take(op, channel)
        if rule is not None and rule.mode == "error500":
            raise GatewayRefusal(500, "SYSTEMERROR", "simulated gateway failure, not executed")
        return rule

    def _wrap(self, rule: Rule | None, work: Callable[[], dict[str, Any]]) -> Reply:
        if rule is not None and rule.mode == "redirect":
            if rule.execute:
                with contextlib.suppress(GatewayRefusal):  # refused or not: the redirect
                    work()
            raise _Redirect(rule.location)
        if rule is None or rule.mode not in ("timeout", "late"):
            return 200, work()
        if rule.mode == "timeout" and not rule.execute:
            raise _Withhold(rule, (0, {}))
        try:
            reply: Reply = (200, work())
        except GatewayRefusal as refusal:
            reply = (refusal.status, refusal.body())
        raise _Withhold(rule, reply)


class _Withhold(Exception):
    """Control flow: the operation ran (or not), and its answer is to be delayed or lost."""

    def __init__(self, rule: Rule, reply: Reply) -> None:
        super().__init__(rule.mode)
        self.rule = rule
        self.reply = reply


class _Redirect(Exception):
    """Control flow: the operation ran (or not), and the answer is a redirect to `location`."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


_NO = r"([A-Za-z0-9_\-]{6,32})"
Route = Callable[..., Reply]
ROUTES: list[tuple[str, re.Pattern[str], Route]] = [
    ("POST", re.compile(r"/pay/orders"), PaygateHandler.create_order),
    ("GET", re.compile(rf"/pay/orders/{_NO}"), PaygateHandler.query_order),
    ("POST", re.compile(rf"/pay/orders/{_NO}/close"), PaygateHandler.close_order),
    ("POST", re.compile(rf"/pay/orders/{_NO}/refunds"), PaygateHandler.refund),
    ("GET", re.compile(rf"/pay/refunds/{_NO}"), PaygateHandler.query_refund),
    ("GET", re.compile(r"/pay/scan/([A-Z0-9]{26})"), PaygateHandler.scan),
    ("GET", re.compile(r"/pay/_sim/health"), PaygateHandler.sim_health),
    ("POST", re.compile(r"/pay/_sim/pay"), PaygateHandler.sim_pay),
    ("POST", re.compile(r"/pay/_sim/rules"), PaygateHandler.sim_set_rules),
    ("GET", re.compile(r"/pay/_sim/rules"), PaygateHandler.sim_get_rules),
    ("DELETE", re.compile(r"/pay/_sim/rules"), PaygateHandler.sim_clear_rules),
    ("GET", re.compile(r"/pay/_sim/orders"), PaygateHandler.sim_ledger),
]


def _route(method: str, target: str) -> tuple[Route, tuple[str, ...]]:
    path = target.split("?", 1)[0]
    allowed = False
    for route_method, pattern, handler in ROUTES:
        match = pattern.fullmatch(path)
        if match:
            if route_method == method:
                return handler, match.groups()
            allowed = True
    if allowed:
        raise GatewayRefusal(405, "METHOD_NOT_ALLOWED", f"{method} is not allowed on {path}")
    raise not_found("NOT_FOUND", "no such endpoint")
