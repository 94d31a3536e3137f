"""A terminal wired to the two simulators as the demo wires them, for every test that runs the
core end to end (the checkout tests, the kiosk's screen tests), and the platform's test data
for them (unpaid hospital orders, e-vouchers)."""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import replace
from pathlib import Path

from simulators.central.testing import DEFAULT_WORLD, RunningSimulator
from simulators.paygate.testing import PaygateHandle
from terminal.app import Terminal, load_catalogue
from terminal.cli.options import DEMO_CONFIGS, terminal_config

WORLD = json.loads(DEFAULT_WORLD.read_text(encoding="utf-8"))
PERSONS = {p["psn_no"]: p for p in WORLD["persons"]}
# one order of each kind of line: class A, class B over its price limit, class C
ORDER_ITEMS = (
    {"med_list_codg": "X1", "pric": "28.50", "cnt": "2"},
    {"med_list_codg": "X2", "pric": "35.00", "cnt": "1"},
    {"med_list_codg": "X3", "pric": "12.00", "cnt": "1"},
)
_RX = itertools.count(1)


def open_terminal(
    data_dir: Path,
    platform: RunningSimulator,
    gateway: PaygateHandle,
    *,
    kind: str = "hospital",
    offline_mode: str | None = None,
    read_timeout: float = 10.0,
    **opening: bool,
) -> Terminal:
    """`opening` as `Terminal.open`'s (forwarder=True starts one)."""
    args = argparse.Namespace(
        config=DEMO_CONFIGS[kind],
        pharmacy=kind == "pharmacy",
        platform=platform.url,
        gateway=gateway.url,
        data_dir=data_dir,
        offline_mode=offline_mode,
    )
    config = terminal_config(args)
    config = replace(config, platform=replace(config.platform, read_timeout=read_timeout))
    return Terminal.open(
        config,
        his_url=platform.url,
        catalogue=load_catalogue(DEFAULT_WORLD),
        **opening,
    )


def add_orders(platform: RunningSimulator, psn_no: str, items: tuple = ORDER_ITEMS) -> list[str]:
    """Unpaid hospital orders for a person (a new rxno each time)."""
    order = {
        "rxno": f"RXUI{next(_RX):06d}{psn_no[-4:]}", "dept_code": "A01", "dept_name": "内科",
        "dr_code": "D0101", "dr_name": "陈建国", "items": list(items),
    }
    return platform.control("POST", "/_sim/his/orders", {"psn_no": psn_no, "orders": [order]})[
        "rxnos"
    ]


def voucher(platform: RunningSimulator, psn_no: str) -> str:
    return platform.control("POST", "/_sim/voucher", {"psn_no": psn_no, "ttl": 300})["qr"]
