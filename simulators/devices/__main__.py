"""`python -m simulators.devices`: start every device simulator for one world person, or (with
`--control-port`) for an empty kiosk that the control API puts people in front of."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from pathlib import Path

from simulators.devices.bench import DeviceBench
from simulators.devices.control import ControlServer, DeviceControl

FACES = Path(__file__).resolve().parents[2] / "tests" / "data" / "faces"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", type=Path, required=True, help="world JSON file")
    parser.add_argument("--psn-no", help="the person whose credentials the devices carry")
    parser.add_argument("--links", type=Path, help="folder for stable names of the ptys")
    parser.add_argument("--card", action="store_true", help="also pcscd + vpcd + the card")
    parser.add_argument(
        "--control-port", type=int, metavar="PORT",
        help="serve the control API on 127.0.0.1:PORT (0: a free port); the devices start "
        "empty unless --psn-no is given, and the readiness line names the API's URL",
    )
    parser.add_argument("--faces", type=Path, default=FACES,
                        help="folder of the photos and clips the camera can be shown")
    args = parser.parse_args(argv)
    persons = json.loads(args.world.read_text(encoding="utf-8"))["persons"]
    if args.psn_no:
        person = next((p for p in persons if p["psn_no"] == args.psn_no), None)
        if person is None:
            print(f"no person {args.psn_no} in {args.world}", file=sys.stderr)
            return 2
    else:
        person = None if args.control_port is not None else persons[0]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with DeviceBench(person, card=args.card, link_dir=args.links) as bench:
        if bench.card is not None:
            bench.card.insert()
        ready = "devices"
        server: ControlServer | None = None
        control: DeviceControl | None = None
        if args.control_port is not None:
            control = DeviceControl(bench, persons, faces_dir=args.faces)
            server = ControlServer(control, args.control_port)
            server.start()
            ready = server.url
        try:
            document = {"devices": bench.devices_table(), "environment": bench.environment()}
            print(json.dumps(document, ensure_ascii=False), flush=True)
            print(f"listening on {ready}", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                stop.wait()
        finally:
            if server is not None and control is not None:
                server.shutdown()
                server.server_close()
                control.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
