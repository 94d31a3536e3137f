"""The device simulators' HTTP control API: what a person does at the kiosk, on request.

The simulator control window (ui/simctl/), the headless demo, a test or a technician with
`curl` insert a chosen person's card, scan a text (an e-voucher) into the scanner, place a
person's ID card on the reader, present a face to the camera and take the printer's paper away,
all through the same few JSON routes (docs/simulator.md, "Device control"). Bound to loopback
only: the routes act as a patient would, and nobody on the hospital network may.

The standard library's threaded HTTP server is enough for a handful of routes (as for the
payment gateway simulator); each route is one call on the `DeviceBench`.
"""

from __future__ import annotations

import json
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from simulators.devices.bench import DeviceBench
from simulators.devices.idreader import IdCardFace

LOOPBACK = "127.0.0.1"
MAX_BODY = 16 * 1024
MAX_SCAN = 4096  # the scanner driver refuses a longer line anyway (E332)
FACE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".mp4"})


class ControlRefusal(Exception):
    """A control request that cannot be done: answered ``status`` with ``{"ok": false, ...}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class DeviceControl:
    """The operations behind the routes, over one bench and one world's people."""

    def __init__(
        self,
        bench: DeviceBench,
        persons: list[dict[str, Any]],
        *,
        faces_dir: Path | None = None,
    ) -> None:
        self.bench = bench
        self.persons = {p["psn_no"]: p for p in persons}
        self.faces_dir = faces_dir
        self.face: str | None = None
        self.id_card_holder: str | None = None
        self._lock = threading.Lock()  # one patient's hands: one action at a time

    # -- reading ------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        bench = self.bench
        card = bench.card
        holder = bench.card_holder if card is not None and card.inserted else None
        placed = bench.idreader.card
        return {
            "ok": True,
            "card": {
                "reader": bench.pcscd is not None,
                "inserted": holder is not None,
                "psn_no": holder["psn_no"] if holder else None,
                "tries_left": card.card.tries_left if card is not None and holder else None,
            },
            "idcard": {"placed": placed is not None,
                       "psn_no": self.id_card_holder if placed is not None else None},
            "printer": {
                "paper": "out" if bench.printer.paper_out else "ok",
                "printed_bytes": len(bench.printer.received),
            },
            "camera": {"face": self.face},
            "devices": bench.devices_table(),
            "environment": bench.environment(),
        }

    def people(self) -> dict[str, Any]:
        """Who can come to the kiosk: number, name, and what they carry (no ID numbers)."""
        return {
            "ok": True,
            "persons": [
                {"psn_no": p["psn_no"], "psn_name": p["psn_name"],
                 "cards": len(p.get("cards", [])), "note": p.get("note", "")}
                for p in self.persons.values()
            ],
        }

    def faces(self) -> dict[str, Any]:
        return {"ok": True, "faces": sorted(self._face_files())}

    # -- acting -------------------------------------------------------------------------

    def insert_card(self, body: Mapping[str, Any]) -> dict[str, Any]:
        person = self._person(body)
        index = body.get("card", 0)
        if isinstance(index, bool) or not isinstance(index, int):
            raise ControlRefusal(400, "card must be the index of one of the person's cards")
        if not 0 <= index < len(person.get("cards", [])):
            raise ControlRefusal(
                404, f"{person['psn_no']} has {len(person.get('cards', []))} card(s), no {index}"
            )
        if self.bench.pcscd is None:
            raise ControlRefusal(409, "no card reader: start the device simulators with --card")
        with self._lock:
            self.bench.insert_card(person, index)
        return self.status()

    def remove_card(self, body: Mapping[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.bench.remove_card()
        return self.status()

    def scan(self, body: Mapping[str, Any]) -> dict[str, Any]:
        text = body.get("text")
        if not isinstance(text, str) or not text or len(text) > MAX_SCAN:
            raise ControlRefusal(400, f"text must be 1 to {MAX_SCAN} characters to scan")
        if any(c in text for c in "\r\n"):
            raise ControlRefusal(400, "text must be one line (the scanner adds its terminator)")
        with self._lock:
            self.bench.scanner.scan(text)
        return self.status()

    def place_id_card(self, body: Mapping[str, Any]) -> dict[str, Any]:
        person = self._person(body)
        with self._lock:
            self.bench.idreader.place(IdCardFace.from_world_person(person))
            self.id_card_holder = person["psn_no"]
        return self.status()

    def take_id_card(self, body: Mapping[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.bench.idreader.take_away()
        return self.status()

    def paper(self, body: Mapping[str, Any]) -> dict[str, Any]:
        paper = body.get("paper")
        if paper not in ("out", "in"):
            raise ControlRefusal(400, 'paper must be "out" or "in"')
        with self._lock:
            self.bench.printer.paper_out = paper == "out"
            self.bench.printer.run_out_after = None
        return self.status()

    def present_face(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Point the camera link (``<links>/camera``, a file camera's path) at a test photo
        or clip, or at nothing (``"face": null``: nobody in front of the camera)."""
        name = body.get("face")
        link_dir = self.bench.link_dir
        if link_dir is None:
            raise ControlRefusal(409, "no camera link: start the device simulators with --links")
        files = self._face_files()
        if name is not None and name not in files:
            raise ControlRefusal(404, f"no face {name!r}; GET /_sim/faces lists them")
        with self._lock:
            link = link_dir / "camera"
            link.unlink(missing_ok=True)
            if name is not None:
                link.symlink_to(files[name])
            self.face = name
        return self.status()

    def close(self) -> None:
        """Take the face away: the camera link goes with the simulators."""
        if self.bench.link_dir is not None:
            (self.bench.link_dir / "camera").unlink(missing_ok=True)

    # -- helpers ------------------------------------------------------------------------

    def _person(self, body: Mapping[str, Any]) -> dict[str, Any]:
        psn_no = body.get("psn_no")
        if not isinstance(psn_no, str):
            raise ControlRefusal(400, "psn_no (the person's number in the world) is required")
        person = self.persons.get(psn_no)
        if person is None:
            raise ControlRefusal(404, f"no person {psn_no} in this world; GET /_sim/persons")
        return person

    def _face_files(self) -> dict[str, Path]:
        if self.faces_dir is None or not self.faces_dir.is_dir():
            return {}
        return {
            path.stem: path
            for path in self.faces_dir.iterdir()
            if path.suffix.lower() in FACE_SUFFIXES
        }


Operation = Callable[[DeviceControl, Mapping[str, Any]], dict[str, Any]]
ROUTES: dict[tuple[str, str], Operation] = {
    ("GET", "/_sim/health"): lambda c, _: {"ok": True},
    ("GET", "/_sim/devices"): lambda c, _: c.status(),
    ("GET", "/_sim/persons"): lambda c, _: c.people(),
    ("GET", "/_sim/faces"): lambda c, _: c.faces(),
    ("POST", "/_sim/card"): DeviceControl.insert_card,
    ("DELETE", "/_sim/card"): DeviceControl.remove_card,
    ("POST", "/_sim/scan"): DeviceControl.scan,
    ("POST", "/_sim/idcard"): DeviceControl.place_id_card,
    ("DELETE", "/_sim/idcard"): DeviceControl.take_id_card,
    ("POST", "/_sim/printer"): DeviceControl.paper,
    ("POST", "/_sim/camera"): DeviceControl.present_face,
}


class ControlServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, control: DeviceControl, port: int = 0) -> None:
        super().__init__((LOOPBACK, port), _Handler)
        self.control = control

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.2},
                                  name="device-control", daemon=True)
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "medterm-devices/1"
    timeout = 30
    server: ControlServer

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: scanned texts are e-vouchers, personal; they are not logged."""

    def _dispatch(self, method: str) -> None:
        path = self.path.split("?", 1)[0]
        try:
            operation = ROUTES.get((method, path))
            if operation is None:
                known = any(p == path for _, p in ROUTES)
                raise ControlRefusal(405 if known else 404, f"no {method} {path}")
            status, payload = 200, operation(self.server.control, self._body())
        except ControlRefusal as refusal:
            status, payload = refusal.status, {"ok": False, "error": refusal.message}
        except Exception:  # the boundary: a bug answers JSON and is printed, never hangs
            traceback.print_exc(file=sys.stderr)
            status, payload = 500, {"ok": False, "error": "device simulator bug (see its log)"}
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Mapping[str, Any]:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise ControlRefusal(400, "Content-Length is not a number") from None
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            raise ControlRefusal(413, f"body over {MAX_BODY} bytes")
        if length == 0:
            return {}
        try:
            body = json.loads(self.rfile.read(length))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ControlRefusal(400, "the body must be a JSON object") from None
        if not isinstance(body, dict):
            raise ControlRefusal(400, "the body must be a JSON object")
        return body
