"""`medterm diag ...`: the technician's device checks over SSH.

Built only on the device interface (life cycle, `check_health`, statistics, events), so every
device the registry knows gets these commands for free. `devices` and `health` check the
configured devices, built and closed by `Terminal` (the configuration is chosen as for every
command: `--config`, `$MEDTERM_CONFIG`, the installed file, else the demo); `read-card`,
`read-idcard` and `scan` drive one device named on the command line, for a technician's bench.
Personal data is masked unless ``--show-pii`` is given; a PIN given with ``--pin`` goes to the
card only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import queue
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from drivers.base import Device, DeviceErrorEvent, DeviceEvent, HealthLevel, LifeCycle
from drivers.idcard.reader import IdCardReader
from drivers.scanner.classify import ScanKind
from drivers.scanner.events import Scanned
from drivers.scanner.serial_scanner import SerialScanner
from drivers.smartcard.reader import SocialSecurityCardReader
from kernel.errors import ConfigError, MedtermError
from terminal.app import Terminal
from terminal.cli import face
from terminal.cli.options import (
    ArgumentError,
    baudrate,
    config_path,
    nonblank,
    positive_int,
    seconds,
)
from terminal.cli.output import OutputPathError, check_output_path
from terminal.config import DEFAULT_PATH, load_config
from terminal.voucher import (
    REPLAY_TABLE,
    ReplayCache,
    VoucherRefused,
    VoucherVerifier,
    load_platform_keys,
)

CONFIG_HELP = f"terminal.toml (default: $MEDTERM_CONFIG, else {DEFAULT_PATH}, else the demo)"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    diag = subparsers.add_parser("diag", help="check and exercise the devices")
    commands = diag.add_subparsers(dest="diag_command", required=True, metavar="CHECK")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text)
        parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
        return parser

    devices = command("devices", "list the configured devices and whether they are present")
    devices.add_argument("--config", type=Path, help=CONFIG_HELP)
    devices.set_defaults(handler=_devices)

    health = command("health", "run every configured device's health check")
    health.add_argument("--config", type=Path, help=CONFIG_HELP)
    health.add_argument(
        "--level", choices=("internal", "external"), default="internal", help="how far to check"
    )
    health.set_defaults(handler=_health)

    card = command("read-card", "wait for a social security card and read it")
    card.add_argument("--pin", help="the card's PIN, for cards that guard the holder's data")
    card.add_argument("--reader", default="", help="PC/SC reader name part (default: first)")
    card.add_argument(
        "--timeout", type=seconds, default=30.0, help="seconds to wait for a card"
    )
    card.add_argument("--show-pii", action="store_true", help="show names and numbers unmasked")
    card.set_defaults(handler=_read_card)

    idcard = command("read-idcard", "read the ID card on a serial ID card reader")
    idcard.add_argument(
        "--port", type=nonblank, required=True, help="serial port, e.g. /dev/ttyUSB0"
    )
    idcard.add_argument("--baudrate", type=baudrate, default=115200)
    idcard.add_argument("--show-pii", action="store_true", help="show names and numbers unmasked")
    idcard.set_defaults(handler=_read_idcard)

    scan = command("scan", "print (and classify) what a serial scanner scans")
    scan.add_argument("--port", type=nonblank, required=True, help="serial port, e.g. /dev/ttyACM0")
    scan.add_argument("--baudrate", type=baudrate, default=9600)
    scan.add_argument("--terminator", choices=("CR", "LF", "CRLF"), default="CR")
    scan.add_argument("--encoding", choices=("utf-8", "gbk"), default="utf-8")
    scan.add_argument("--count", type=positive_int, default=1, help="scans to wait for")
    scan.add_argument("--timeout", type=seconds, default=60.0, help="seconds to wait in all")
    scan.add_argument(
        "--platform-keys", type=Path, help="JSON list of 9001 keys: verify e-vouchers offline"
    )
    scan.add_argument(
        "--replay-db",
        type=Path,
        help="replay memory for vouchers (default: a fresh one, so the terminal's is untouched; "
        "an existing file must be one)",
    )
    scan.add_argument("--show-pii", action="store_true", help="show scanned codes unmasked")
    scan.set_defaults(handler=_scan)

    face.register_diag(commands)  # face-verify, face-liveness, face-threshold


# ---------------------------------------------------------------------------- output


def _emit(args: argparse.Namespace, document: Any, lines: list[str]) -> None:
    if args.json:
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print("\n".join(lines))


# ---------------------------------------------------------------------------- devices, health


def _configured(args: argparse.Namespace) -> Terminal:
    """A terminal with its configured devices built (closed with it)."""
    config = load_config(config_path(args))
    if not config.devices:
        raise ConfigError("devices: the configuration has no [devices] table")
    return Terminal.open(config, devices=True, create_journal=False)


def _start(device: Device) -> str | None:
    """Open, claim and enable; the error's one line if that fails."""
    try:
        device.start()
    except MedtermError as err:
        return err.describe()
    return None


def _devices(args: argparse.Namespace) -> int:
    rows = []
    with _configured(args) as terminal:
        for name, device in terminal.devices.items():
            problem = _start(device)
            rows.append(
                {
                    "name": name,
                    "kind": device.kind,
                    "driver": type(device).__name__,
                    "status": device.status.value,
                    "problem": problem,
                }
            )
    lines = [
        f"{r['name']:<10} {r['kind']:<14} {r['status']:<12} {r['problem'] or 'present'}"
        for r in rows
    ]
    _emit(args, rows, lines)
    return 0 if all(r["problem"] is None for r in rows) else 1


def _health(args: argparse.Namespace) -> int:
    level = HealthLevel(args.level)
    results = []
    with _configured(args) as terminal:
        for device in terminal.devices.values():
            _start(device)
            result = device.check_health(level).as_dict()
            result["statistics"] = device.statistics().as_dict()
            results.append(result)
    lines = [
        f"{'OK ' if r['ok'] else 'BAD'} {r['device']:<10} {r['status']:<12} {r['text']}"
        for r in results
    ]
    _emit(args, results, lines)
    return 0 if all(r["ok"] for r in results) else 1


# ---------------------------------------------------------------------------- readers


def _read_card(args: argparse.Namespace) -> int:
    reader = SocialSecurityCardReader("card", reader=args.reader)
    with reader:
        if not reader.card_present:
            print(f"insert a card (waiting {args.timeout:g} s)...", file=sys.stderr)
        reader.wait_for_card(args.timeout)
        identity = reader.read_identity(pin=args.pin)
    shown = identity.full() if args.show_pii else identity.masked()
    _emit(args, shown, [f"{key:<11} {value}" for key, value in shown.items()])
    return 0


def _read_idcard(args: argparse.Namespace) -> int:
    with IdCardReader("idcard", port=args.port, baudrate=args.baudrate) as reader:
        assert isinstance(reader, IdCardReader)
        card = reader.read_card()
    shown = card.full() if args.show_pii else card.masked()
    _emit(args, shown, [f"{key:<11} {value}" for key, value in shown.items()])
    return 0


# ---------------------------------------------------------------------------- scanner


def _verifier(args: argparse.Namespace, workdir: Path) -> VoucherVerifier | None:
    if args.platform_keys is None:
        return None
    try:
        raw = json.loads(args.platform_keys.read_text(encoding="utf-8"))
        keys = load_platform_keys(raw)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ArgumentError(f"--platform-keys {args.platform_keys}: {err}") from None
    return VoucherVerifier(keys, ReplayCache(args.replay_db or workdir / "replay.sqlite"))


def _check_replay_db(path: Path) -> None:
    """`--replay-db` creates a replay memory or reuses one; any other existing file (the
    journal, its key, anything else) is refused rather than given a table of tokens."""
    if not path.exists():
        check_output_path(path, option="--replay-db", force=False, store=None)
        return
    try:
        uri = f"{path.absolute().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        tables = {row[0] for row in rows}
    except sqlite3.Error:
        tables = set()
    if tables != {REPLAY_TABLE}:
        raise OutputPathError(f"--replay-db {path} exists and is not a replay memory")


def _describe_scan(
    event: Scanned, verifier: VoucherVerifier | None, show_pii: bool
) -> dict[str, Any]:
    scan = event.scan
    row: dict[str, Any] = {
        "kind": scan.kind.value,
        "text": scan.text if show_pii else scan.masked_text(),
    }
    if scan.kind is ScanKind.E_VOUCHER and verifier is not None:
        try:
            voucher = verifier.verify(scan.text)
        except VoucherRefused as refusal:
            row["voucher"] = {"accepted": False, **refusal.as_dict()}
        else:
            row["voucher"] = {
                "accepted": True,
                "mask": voucher.mask,
                "insuOrg": voucher.insu_org,
                "kid": voucher.kid,
                "exp": voucher.exp,
            }
    return row


def _scan(args: argparse.Namespace) -> int:
    if args.replay_db is not None:
        _check_replay_db(args.replay_db)
    events: queue.Queue[DeviceEvent] = queue.Queue()
    rows: list[dict[str, Any]] = []
    scanner = SerialScanner(
        "scanner",
        port=args.port,
        baudrate=args.baudrate,
        terminator=args.terminator,
        encoding=args.encoding,
    )
    scanner.subscribe(events.put)
    with tempfile.TemporaryDirectory(prefix="medterm-diag-") as workdir:
        verifier = _verifier(args, Path(workdir))
        with scanner:
            print(f"scan {args.count} code(s)...", file=sys.stderr, flush=True)
            end = time.monotonic() + args.timeout
            while len(rows) < args.count and scanner.state is LifeCycle.ENABLED:
                try:
                    event = events.get(timeout=max(0.01, end - time.monotonic()))
                except queue.Empty:
                    break
                if isinstance(event, Scanned):
                    rows.append(_describe_scan(event, verifier, args.show_pii))
                elif isinstance(event, DeviceErrorEvent):
                    rows.append({"kind": "error", **event.error.as_dict()})
                else:
                    continue
                if not args.json:
                    print(_scan_line(rows[-1]), flush=True)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    if len(rows) < args.count:
        print(f"medterm: {len(rows)} of {args.count} scans in {args.timeout:g} s", file=sys.stderr)
        return 1
    return 0


def _scan_line(row: dict[str, Any]) -> str:
    if row["kind"] == "error":
        return f"error      [{row['code']}] {row['message_en']}: {row['detail']}"
    line = f"{row['kind']:<15} {row['text']}"
    voucher = row.get("voucher")
    if voucher is not None:
        if voucher["accepted"]:
            line += f"  -> accepted offline: {voucher['mask']} ({voucher['insuOrg']})"
        else:
            line += f"  -> refused [{voucher['code']}] {voucher['message_en']}"
    return line
