"""`python -m simulators.paygate --db pay.db --host 127.0.0.1 --port 8766`

Prints exactly one line `listening on http://HOST:PORT` once it accepts connections (port 0
picks a free port, and the line names the one chosen). SIGTERM and SIGINT stop it cleanly.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from simulators.paygate.rules import RuleBook
from simulators.paygate.server import PaygateServer
from simulators.paygate.store import Ledger


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m simulators.paygate", description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="SQLite file holding the ledger")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=None, help="seed for probability rules")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    server = PaygateServer((args.host, args.port), Ledger(args.db, ""), RuleBook(args.seed))
    host, port = server.server_address[:2]
    url = f"http://{host}:{port}"
    server.ledger.base_url = url

    def stop(signum: int, frame: FrameType | None) -> None:
        server.stopping.set()
        # shutdown() waits for serve_forever, so it must run off the serving thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"listening on {url}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        server.ledger.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
