"""`python -m simulators.central --world WORLD.json --db central.db --host H --port P`."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from simulators.central import (
    cancellation,
    commercial,
    identity,
    reconcile,
    reversal,
    settlement,
    visits,
)
from simulators.central.clock import Clock
from simulators.central.db import Database
from simulators.central.platform import Handler, Platform
from simulators.central.server import SimulatorServer
from simulators.central.world import WorldError, load_world

DEFAULT_FACE_CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "medterm"
    / "face-encodings.json"
)

HANDLERS: dict[str, Handler] = {
    "9001": identity.sign_in,
    "1162": identity.decode_voucher,
    "1191": identity.face_authorize,
    "1101": identity.person_info,
    "2201": visits.register,
    "2202": visits.cancel_registration,
    "2204": visits.upload_fees,
    "2205": visits.cancel_fees,
    "2206": settlement.outpatient_preview,
    "2207": settlement.outpatient_settle,
    "2208": cancellation.outpatient_cancel,
    "2101": settlement.pharmacy_preview,
    "2102": settlement.pharmacy_settle,
    "2103": cancellation.pharmacy_cancel,
    "2601": reversal.reverse,
    "3201": reconcile.totals,
    "3202": reconcile.details,
    "9801": commercial.pre_claim,
    "9802": commercial.claim,
    "9803": commercial.cancel_claim,
    "9804": commercial.buy_plan,
    "9805": commercial.plan_offers,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="simulators.central", description=__doc__)
    parser.add_argument("--world", type=Path, required=True, help="world JSON file")
    parser.add_argument("--db", type=Path, required=True, help="SQLite state file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument(
        "--face-cache",
        type=Path,
        default=DEFAULT_FACE_CACHE,
        help="face encodings of enrolled photos, keyed by the photo's SHA-256 (shared by "
        "every world; default %(default)s)",
    )
    parser.add_argument(
        "--require-signature",
        action="store_true",
        help="refuse signtype NONE (by default both NONE and verified SM2 are accepted)",
    )
    return parser


def _stop(signum: int, frame: object) -> None:
    """SIGTERM ends `serve_forever` in the main thread the way Ctrl-C does."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        db = Database(args.db)
        world = load_world(db, args.world)
    except WorldError as err:
        print(f"cannot start: {err}", file=sys.stderr)
        return 2
    platform = Platform(world, db, Clock(db), HANDLERS, args.require_signature, args.face_cache)
    server = SimulatorServer((args.host, args.port), platform)
    signal.signal(signal.SIGTERM, _stop)
    host, port = server.server_address[:2]
    try:
        print(f"listening on http://{host}:{port}", flush=True)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
