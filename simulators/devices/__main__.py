"""`python -m simulators.devices`: start every device simulator for one world person."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from pathlib import Path

from simulators.devices.bench import DeviceBench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", type=Path, required=True, help="world JSON file")
    parser.add_argument("--psn-no", help="the person whose credentials the devices carry")
    parser.add_argument("--links", type=Path, help="folder for stable names of the ptys")
    parser.add_argument("--card", action="store_true", help="also pcscd + vpcd + the card")
    args = parser.parse_args(argv)
    persons = json.loads(args.world.read_text(encoding="utf-8"))["persons"]
    person = (
        next((p for p in persons if p["psn_no"] == args.psn_no), None)
        if args.psn_no
        else (persons[0])
    )
    if person is None:
        print(f"no person {args.psn_no} in {args.world}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with DeviceBench(person, card=args.card, link_dir=args.links) as bench:
        if bench.card is not None:
            bench.card.insert()
        document = {"devices": bench.devices_table(), "environment": bench.environment()}
        print(json.dumps(document, ensure_ascii=False), flush=True)
        print("listening on devices", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
