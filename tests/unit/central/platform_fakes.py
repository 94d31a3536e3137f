"""Helpers of the platform-client unit tests: a config, an in-memory msgid counter and a small
local HTTP server whose answers each test scripts."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from terminal.central.client import PlatformClient
from terminal.central.msgid import MsgidAllocator, SequenceExhausted
from terminal.config import TerminalConfig

FIXMEDINS = "H44030000001"


class MemoryCounter:
    """The MsgidCounter protocol in memory (tests only; the real one is SQLite)."""

    def __init__(self) -> None:
        self.second = ""
        self.value = -1

    def allocate(self, second: str, width: int) -> tuple[str, int]:
        if second > self.second:
            self.second, self.value = second, -1
        if self.value + 1 >= 10**width:
            raise SequenceExhausted(self.second)
        self.value += 1
        return self.second, self.value


def config_mapping(base_url: str, **platform: Any) -> dict[str, Any]:
    return {
        "terminal": {
            "fixmedins_code": FIXMEDINS,
            "fixmedins_name": "测试医院",
            "region": "440300",
            "terminal_id": "T1",
            "slot": 3,
            "opter_type": "2",
            "opter": "T1",
            "opter_name": "自助机",
            "recer_sys_code": "FSI",
            "institution_kind": "hospital",
        },
        "platform": {"base_url": base_url, "signtype": "NONE", "read_timeout": 1.0, **platform},
        "store": {"data_dir": "data"},
    }


def make_config(base_url: str, **platform: Any) -> TerminalConfig:
    return TerminalConfig.from_mapping(config_mapping(base_url, **platform), base_dir=Path("/tmp"))


def make_client(config: TerminalConfig) -> PlatformClient:
    allocator = MsgidAllocator(FIXMEDINS, 3, 1, MemoryCounter(), clock=datetime.now)
    return PlatformClient(config, allocator)


Script = Callable[[dict[str, Any], BaseHTTPRequestHandler], None]


class ScriptedServer:
    """A keep-alive HTTP server; `script(envelope, handler)` answers each POST."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.script: Script = reply_ok({})
        self.sign_in: Script = reply_ok({"signinoutb": {"sign_no": "S1", "sign_time": "t"}})
        self.client_ports: list[int] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                envelope = json.loads(self.rfile.read(length))
                outer.requests.append(envelope)
                outer.paths.append(self.path)
                outer.client_ports.append(self.client_address[1])
                if envelope["infno"] == "9001":
                    outer.sign_in(envelope, self)
                else:
                    outer.script(envelope, self)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def response_body(infcode: int, output: Any, err_msg: str = "") -> bytes:
    return json.dumps(
        {
            "infcode": infcode,
            "inf_refmsgid": "440300202611231200000000000001",
            "refmsg_time": "20261123120000000",
            "respond_time": "20261123120000001",
            "err_msg": err_msg,
            "warn_msg": "",
            "output": output,
        },
        ensure_ascii=False,
    ).encode()


def reply_ok(output: Any) -> Script:
    return lambda envelope, handler: send(handler, 200, response_body(0, output))
