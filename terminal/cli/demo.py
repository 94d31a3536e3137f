"""`medterm demo`: a whole region on one machine, and the terminal paying a bill against it.

`medterm demo` starts the patient kiosk with every simulator and the simulator control window
(ui/demo/main.py; headless without a display: scripted journeys, screenshots, settlements).
`medterm demo --cli` keeps the scripted scenes below, which show what the kiosk does not: a
pharmacy sale with traceability codes, and an offline sale forwarded later with its refund.

The scenes start the platform simulator on the default world and the payment gateway
simulator as child programs (the terminal never imports the simulators), then run, through the
same saga and journal as the screens: a patient paying their hospital orders with an e-voucher,
a pharmacy sale by ID number with traceability codes, and an offline sale that is forwarded
once the platform is back.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests

from kernel.money import Money
from kernel.states import TxKind
from terminal.app import Terminal
from terminal.cli.checkout import DEMO_PAYMENT_CODE, ChannelCollector, catalogue_argument, render
from terminal.cli.options import DEMO_CONFIGS, ArgumentError, terminal_config
from terminal.flows.bill import BillLine
from terminal.flows.checkout import CheckoutRequest
from terminal.flows.identify import Credential, CredentialKind
from terminal.services import ServiceProcess, python_module_argv

REPO = Path(__file__).resolve().parents[2]
DEFAULT_WORLD = REPO / "simulators" / "worlds" / "default.json"
KIOSK_PATIENT = "44030000000000000015"  # has unpaid hospital orders in the default world
PHARMACY_CUSTOMER = "440300198503121010"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="the terminal against every simulator")
    parser.add_argument("--world", type=Path, default=DEFAULT_WORLD)
    parser.add_argument("--workdir", type=Path,
                        help="keep the simulators' and journal's files here (and the kiosk "
                        "demo's screenshots; default .demo-data/, devices in .demo-devices/)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--cli", action="store_true",
                      help="the scripted scenes on the command line, no screens")
    mode.add_argument("--headless", action="store_true",
                      help="the scripted kiosk journeys under Xvfb even with a display")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.cli:
        return run_scenes(args)
    from ui.demo.main import run_demo  # Qt only when the screens really start

    headless = args.headless or not os.environ.get("DISPLAY")
    if args.workdir is None:
        return run_demo(args.world, headless=headless)
    workdir = _made(args.workdir)
    return run_demo(args.world, headless=headless, data=workdir, links=workdir / "devices")


def _made(workdir: Path) -> Path:
    """``--workdir`` as an absolute folder that exists (the children run elsewhere)."""
    workdir = workdir.absolute()
    try:
        workdir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ArgumentError(f"--workdir {workdir}: {err.strerror}") from None
    return workdir


def run_scenes(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="medterm-demo-") as scratch:
        workdir = _made(args.workdir or Path(scratch))
        central = ServiceProcess.start(
            python_module_argv(
                "simulators.central",
                "--world",
                str(args.world),
                "--db",
                str(workdir / "central.db"),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
            ),
            name="platform simulator",
            cwd=REPO,
        )
        try:
            gateway = ServiceProcess.start(
                python_module_argv(
                    "simulators.paygate",
                    "--db",
                    str(workdir / "pay.db"),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                ),
                name="payment gateway simulator",
                cwd=REPO,
            )
            try:
                _scenes(args.world, workdir, central.url, gateway.url)
            finally:
                gateway.stop()
        finally:
            central.stop()
    return 0


def _scenes(world: Path, workdir: Path, platform: str, gateway: str) -> None:
    print(f"platform simulator {platform}, payment gateway {gateway}\n")
    kiosk = _terminal("hospital", workdir / "kiosk", platform, gateway, world)
    try:
        qr = requests.post(
            f"{platform}/_sim/voucher", json={"psn_no": KIOSK_PATIENT, "ttl": 120}, timeout=10
        ).json()["qr"]
        print("1. Hospital kiosk: the patient shows an e-voucher; their unpaid orders are paid.")
        outcome = kiosk.saga.run(
            CheckoutRequest(TxKind.OUTPATIENT, Credential(CredentialKind.VOUCHER, qr)),
            ChannelCollector(kiosk, "paycode", DEMO_PAYMENT_CODE, payer_ref="demo"),
        )
        print(render(outcome), "\n")
    finally:
        kiosk.close()

    pharmacy = _terminal("pharmacy", workdir / "pharmacy", platform, gateway, world)
    try:
        sale = (
            BillLine(
                "L001",
                "D0006",
                "阿托伐他汀钙片",
                Money("28.50"),
                2,
                drug_trac_codg=("81234567890123450001", "81234567890123450002"),
            ),
        )
        print("2. Pharmacy counter: a sale by ID number, each unit's traceability code sent.")
        outcome = pharmacy.saga.run(
            CheckoutRequest(
                TxKind.PHARMACY, Credential(CredentialKind.ID_NUMBER, PHARMACY_CUSTOMER), sale
            ),
            ChannelCollector(pharmacy, "paycode", DEMO_PAYMENT_CODE, payer_ref="demo"),
        )
        print(render(outcome), "\n")

        print("3. The platform goes offline: the next sale is paid in full and queued.")
        _faults(platform, [{"infno": "*", "mode": "offline", "probability": 1}])
        offline_sale = (BillLine("L001", "D0003", "盐酸二甲双胍片", Money("15.60"), Decimal(3)),)
        outcome = pharmacy.saga.run(
            CheckoutRequest(
                TxKind.PHARMACY,
                Credential(CredentialKind.ID_NUMBER, PHARMACY_CUSTOMER),
                offline_sale,
            ),
            ChannelCollector(pharmacy, "paycode", DEMO_PAYMENT_CODE, payer_ref="demo"),
        )
        print(render(outcome), "\n")

        print("4. The platform is back: the queue drains and the insurance part is owed back.")
        _faults(platform, [])
        result = pharmacy.forwarder(base_delay=0.05).drain(timeout=30)
        print(
            f"   forwarded: {result.succeeded} requests, {result.dead} dead letters, "
            f"{result.remaining} waiting"
        )
        tx = pharmacy.journal.get(outcome.transaction.tx_id)
        owed = pharmacy.journal.adjustments_of(tx.tx_id)
        print(
            f"   transaction {tx.tx_id} is {tx.state.value}; "
            + (f"refund owed to the patient: {owed[0].amount}" if owed else "nothing owed")
        )
    finally:
        pharmacy.close()


def _terminal(kind: str, data_dir: Path, platform: str, gateway: str, world: Path) -> Terminal:
    args = argparse.Namespace(
        config=DEMO_CONFIGS[kind],
        pharmacy=kind == "pharmacy",
        platform=platform,
        gateway=gateway,
        data_dir=data_dir,
        offline_mode=None,
    )
    config = terminal_config(args)
    return Terminal.open(config, his_url=platform, catalogue=catalogue_argument(world, "--world"))


def _faults(platform: str, rules: list[dict[str, Any]]) -> None:
    if rules:
        requests.post(f"{platform}/_sim/faults", json={"rules": rules}, timeout=10)
    else:
        requests.delete(f"{platform}/_sim/faults", timeout=10)
    print(f"   (simulator faults: {json.dumps(rules) if rules else 'none'})")
