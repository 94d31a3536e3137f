"""HTTP/1.1 keep-alive front of the simulator: routing, body limits, faults, connection resets.

Stdlib `ThreadingHTTPServer`: one thread per connection suits a few dozen terminals and keeps
the simulator dependency-free. Responses are written in one `send` (head and body together,
Nagle off) so keep-alive clients never wait on delayed ACKs. Every `/fsi/` answer is HTTP 200
with an envelope; a malformed request gets infcode -2 and a message, never a 500.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import struct
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from simulators.central import control, his, prices
from simulators.central.envelope import parse_json, parse_request
from simulators.central.faults import Faults
from simulators.central.fields import Rejected
from simulators.central.platform import Platform, internal_error
from simulators.central.prescriptions import PrescriptionCentre
from terminal.central.paths import CALL_SERVICE_PATH, TRANSACTION_PATHS
from terminal.rx.prices import PATH as PRICE_PATH

MAX_BODY = 1 << 20  # 1 MiB: larger requests are refused by their Content-Length, unread
IDLE_TIMEOUT = 300.0  # seconds a keep-alive connection may sit idle
DRAIN_SECONDS = 1.0  # how long an oversized request's body is discarded before closing
GARBAGE = b"<html><body>502 Bad Gateway (simulated garbage body)</body></html>"
REDIRECT_TO = "/fsi/moved"  # the `redirect` fault's Location: nothing is served there
JSON_TYPE = "application/json; charset=utf-8"
RX_PREFIX = "/fixmedins/fixmedins/"


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], platform: Platform) -> None:
        self.platform = platform
        self.faults = Faults()
        self.prescriptions = PrescriptionCentre(platform.db, platform.world, platform.clock)
        super().__init__(address, RequestHandler)


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT
    server: SimulatorServer

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: request lines may carry ID numbers (HIS queries) and must not be logged."""

    def _dispatch(self, method: str) -> None:
        path, _, query = self.path.partition("?")
        try:
            if path.startswith("/_sim/"):
                self._control(method, path, query)
            elif self.server.faults.offline() and path.startswith(("/fsi/", RX_PREFIX, "/price/")):
                # the platform link is down (the prescription centre is behind it too); the
                # hospital's own system (HIS) is on the hospital's network and stays reachable
                self._reset()
            elif path.startswith("/fsi/"):
                self._fsi(method, path)
            elif path.startswith(RX_PREFIX):
                self._rx(method, path)
            elif path == PRICE_PATH:
                self._prices(method, query)
            elif path.startswith("/his/"):
                self._his(method, path, query)
            else:
                self._json(404, {"ok": False, "error": f"nothing at {path[:100]}"})
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:
            internal_error(f"{method} {path[:100]}")
            self._send(500, b'{"ok": false, "error": "internal error"}', JSON_TYPE, close=True)

    # --- /fsi/: the platform -------------------------------------------------------------

    def _fsi(self, method: str, path: str) -> None:
        platform = self.server.platform
        received = platform.clock.now()
        body = self._body(fsi=True)
        if body is None:
            return
        try:
            if method != "POST":
                raise Rejected("请求方法错误", "transactions are sent with POST")
            request = parse_request(body, platform.world, platform.require_signature)
            if path != CALL_SERVICE_PATH and TRANSACTION_PATHS[request.infno] != path:
                raise Rejected(
                    "交易路径与交易编号不符",
                    f"path {path[:80]} is not the path of infno {request.infno}",
                )
        except Rejected as err:
            self._send(200, platform.rejection(err.message, received), JSON_TYPE)
            return
        delay, rule = self.server.faults.pick(request.infno)
        mode = rule.mode if rule is not None else None
        if delay:
            time.sleep(delay / 1000)
        if mode == "http_503":
            self._json(503, {"ok": False, "error": "service unavailable (simulated)"})
            return
        if mode == "reset_before":
            self._reset()
            return
        try:
            refusal = rule.err_msg if rule is not None and mode == "refuse" else ""
            response = platform.execute(request, received, refuse_with=refusal)
        except Exception:
            internal_error(f"infno {request.infno}")
            response = platform.responder.body(
                -1, {}, received=received, err_msg="平台内部错误 (internal platform error)"
            )
        if mode == "drop_after_commit":
            self._reset()
        elif mode == "garbage_body":
            self._send(200, GARBAGE, "text/html")
        elif mode == "redirect":
            moved = b"<html><body>302 Found (simulated redirect)</body></html>"
            self._send(302, moved, "text/html", headers={"Location": REDIRECT_TO})
        elif mode == "infcode_minus1":
            failure = platform.responder.body(
                -1, {}, received=received, err_msg="系统异常 (simulated system failure)"
            )
            self._send(200, failure, JSON_TYPE)
        else:
            self._send(200, response, JSON_TYPE)

    def _body(self, *, fsi: bool = False) -> bytes | None:
        """The request body, or None after refusing a missing or oversized length (-2 on
        /fsi/, HTTP 400 elsewhere)."""
        if self.headers.get("Transfer-Encoding"):
            self._too_bad("Transfer-Encoding is not supported; send Content-Length", fsi)
            return None
        raw = self.headers.get("Content-Length")
        try:
            length = int(raw) if raw is not None else 0
        except ValueError:
            length = -1
        if length < 0 or (raw is None and self.command == "POST"):
            self._too_bad("a valid Content-Length is required", fsi)
            return None
        if length > MAX_BODY:
            self._too_bad(f"request body larger than {MAX_BODY} bytes", fsi)
            self._drain_briefly()
            return None
        return self.rfile.read(length) if length else b""

    def _drain_briefly(self) -> None:
        """Half-close, then discard what the client still sends for a moment: closing with
        unread input would send a TCP reset that can destroy our answer in the client's
        buffer before it reads it (the "lingering close" of HTTP servers)."""
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(DRAIN_SECONDS)
            deadline = time.monotonic() + DRAIN_SECONDS
            while time.monotonic() < deadline and self.connection.recv(1 << 16):
                pass
        except OSError:
            pass

    def _too_bad(self, problem: str, fsi: bool) -> None:
        if not fsi:
            payload = json.dumps({"ok": False, "error": problem}).encode()
            self._send(400, payload, JSON_TYPE, close=True)
            return
        platform = self.server.platform
        body = platform.rejection(f"请求无法处理 ({problem})", platform.clock.now())
        self._send(200, body, JSON_TYPE, close=True)

    # --- /fixmedins/fixmedins/: the prescription centre ------------------------------------

    def _rx(self, method: str, path: str) -> None:
        body = self._json_body(method)
        if body is _INVALID:
            return
        if method != "POST":
            self._json(405, {"code": 1003, "message": "请求方法错误 (use POST)"})
            return
        operation = path[len(RX_PREFIX) :]
        delay, rule = self.server.faults.pick(f"rx.{operation}")
        mode = rule.mode if rule is not None else None
        if delay:
            time.sleep(delay / 1000)
        if mode == "http_503":
            self._json(503, {"code": 503, "message": "service unavailable (simulated)"})
            return
        if mode == "reset_before":
            self._reset()
            return
        status, answer = self.server.prescriptions.handle(operation, body)
        if mode == "drop_after_commit":
            self._reset()
        elif mode == "garbage_body":
            self._send(200, GARBAGE, "text/html")
        elif mode == "infcode_minus1":
            self._json(200, {"code": -1, "message": "系统异常 (simulated system failure)"})
        else:
            self._json(status, answer)

    def _prices(self, method: str, query: str) -> None:
        if self._body() is None:
            return
        if method != "GET":
            self._json(405, {"ok": False, "error": "use GET"})
            return
        self._json(*prices.query(self.server.platform.db, query))

    # --- /his/ and /_sim/ ----------------------------------------------------------------

    def _his(self, method: str, path: str, query: str) -> None:
        platform = self.server.platform
        body = self._json_body(method)
        if body is _INVALID:
            return
        if (method, path) == ("GET", "/his/departments"):
            self._json(*his.departments(platform.db, platform.world, platform.clock.now()))
        elif (method, path) == ("POST", "/his/registrations"):
            self._json(*his.register(platform.db, platform.world, body, platform.clock.now()))
        elif (method, path) == ("GET", "/his/orders"):
            self._json(*his.unpaid_orders(platform.db, _param(query, "certno")))
        elif (method, path) == ("POST", "/his/orders/paid"):
            self._json(*his.mark_paid(platform.db, body))
        else:
            self._json(404, {"ok": False, "error": f"no HIS endpoint {method} {path[:100]}"})

    def _control(self, method: str, path: str, query: str) -> None:
        if not _loopback(self.client_address[0]):
            self._json(403, {"ok": False, "error": "control endpoints answer loopback only"})
            return
        body = self._json_body(method)
        if body is _INVALID:
            return
        server = self.server
        if (method, path) == ("POST", "/_sim/his/prescriptions"):
            self._json(*server.prescriptions.issue(body))
            return
        self._json(*control.handle(server.platform, server.faults, method, path, query, body))

    def _json_body(self, method: str) -> Any:
        """A POST's JSON body (None for other methods, whose body is read and ignored so the
        keep-alive stream stays in step); `_INVALID` once an error was answered."""
        raw = self._body()
        if raw is None:
            return _INVALID
        if method != "POST":
            return None
        try:
            return parse_json(raw)
        except Rejected as err:
            self._json(400, {"ok": False, "error": err.message})
            return _INVALID

    # --- writing -------------------------------------------------------------------------

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False).encode(), JSON_TYPE)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        *,
        close: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        phrase = HTTPStatus(status).phrase
        head = (
            f"HTTP/1.1 {status} {phrase}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n"
        )
        head += "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        if close or self.close_connection:
            head += "Connection: close\r\n"
            self.close_connection = True
        self.wfile.write(head.encode("ascii") + b"\r\n" + body)

    def _reset(self) -> None:
        """Abort the connection with a TCP RST and no response."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.wfile.close()
        self.connection.close()


_INVALID = object()


def _param(query: str, name: str) -> str:
    from urllib.parse import parse_qs

    values = parse_qs(query).get(name)
    return values[0] if values else ""


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
