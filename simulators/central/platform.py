"""Executing one checked request exactly once: idempotency by msgid, one atomic transaction.

Idempotency compares `infno` plus the canonical JSON of `input` (sorted keys, no spaces), not
the whole envelope: a retry legitimately carries a new `inf_time`, `sign_no` or signature, but
the same transaction on the same input. The stored answer is returned byte for byte.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kernel.errors import MedtermError
from simulators.central.clock import Clock
from simulators.central.db import Database
from simulators.central.envelope import Request, Responder
from simulators.central.fields import Rejected
from simulators.central.world import World

Output = Mapping[str, Any]


@dataclass(frozen=True)
class Context:
    """What a transaction handler may use: all of it read-only but `conn`."""

    world: World
    conn: sqlite3.Connection
    now: datetime
    request: Request
    faces: FaceProvider


Handler = Callable[[Context], Output]


class FaceProvider:
    """The face index of `simulators.central.faces`, loaded on first use, or None when the
    module or face_recognition is not available (1191 then answers -2, 1101 omits face_ref)."""

    def __init__(self, world: World, cache_path: Path) -> None:
        self._world = world
        self._cache = cache_path
        self._lock = threading.Lock()
        self._loaded = False
        self._index: Any = None

    def index(self) -> Any:
        with self._lock:
            if not self._loaded:
                self._loaded = True
                self._index = self._load()
            return self._index

    def _load(self) -> Any:
        try:
            from simulators.central.faces import FaceIndex

            persons = [
                {"psn_no": p["psn_no"], "face_image": p["face_image"]}
                for p in self._world.face_persons
            ]
            return FaceIndex.load(self._world.world_file, persons, self._cache)
        except Exception as err:  # any failure means "no face search", never a dead server
            print(f"face search unavailable: {err!r}", file=sys.stderr, flush=True)
            return None


class Platform:
    def __init__(
        self,
        world: World,
        db: Database,
        clock: Clock,
        handlers: Mapping[str, Handler],
        require_signature: bool,
        face_cache: Path,
    ) -> None:
        self.world = world
        self.db = db
        self.clock = clock
        self.handlers = handlers
        self.require_signature = require_signature
        self.responder = Responder(world, clock.now)
        self.faces = FaceProvider(world, face_cache)

    def rejection(self, message: str, received: datetime) -> bytes:
        return self.responder.body(-2, {}, received=received, err_msg=message)

    def execute(self, request: Request, received: datetime, *, refuse_with: str = "") -> bytes:
        """Run `request` once, or return what its msgid already produced. ``refuse_with`` (the
        `refuse` fault) refuses it instead, as a business failure: nothing executed, the
        refusal kept under the msgid like any other answer."""
        if request.infno in ("1191", "1101"):
            self.faces.index()  # load outside the write lock: it may take seconds once
        with self.db.write() as conn:
            row = conn.execute(
                "SELECT infno, body_hash, response, reversed_by FROM msgs WHERE msgid = ?",
                (request.msgid,),
            ).fetchone()
            if row is not None:
                return self._repeat(request, row, received)
            if refuse_with:
                body = self._failure(request, refuse_with, received)
            else:
                body = self._run(request, conn, received)
            conn.execute(
                "INSERT INTO msgs VALUES (?, ?, ?, ?, NULL)",
                (request.msgid, request.infno, request.body_hash, body),
            )
            return body

    def _repeat(self, request: Request, row: tuple[Any, ...], received: datetime) -> bytes:
        infno, body_hash, response, reversed_by = row
        if reversed_by:
            return self.rejection(
                f"该报文已冲正 (msgid {request.msgid} was reversed by 2601 msgid {reversed_by})",
                received,
            )
        if infno != request.infno or body_hash != request.body_hash:
            return self.rejection(
                f"报文ID重复且内容不同 (msgid conflict: {request.msgid} was already used for "
                f"infno {infno} with a different input)",
                received,
            )
        return bytes(response)

    def _run(self, request: Request, conn: sqlite3.Connection, received: datetime) -> bytes:
        context = Context(self.world, conn, received, request, self.faces)
        conn.execute("SAVEPOINT tx")
        try:
            output = self.handlers[request.infno](context)
        except Rejected as err:
            conn.execute("ROLLBACK TO tx")
            return self._failure(request, err.message, received)
        except MedtermError as err:
            conn.execute("ROLLBACK TO tx")
            message = (
                f"{err.message_zh} ({err.message_en}{': ' + err.detail if err.detail else ''})"
            )
            return self._failure(request, message, received)
        finally:
            conn.execute("RELEASE tx")
        return self.responder.body(0, output, received=received, sign=request.signed)

    def _failure(self, request: Request, message: str, received: datetime) -> bytes:
        return self.responder.body(-2, {}, received=received, err_msg=message, sign=request.signed)


def internal_error(where: str) -> None:
    """Log an unexpected exception (a simulator bug) to stderr with its traceback."""
    print(f"internal error in {where}:\n{traceback.format_exc()}", file=sys.stderr, flush=True)
