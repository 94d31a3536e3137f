"""`medterm load`: many complete checkouts, through the same saga and journal the screens
use, for random people and bills of a world. The technician's smoke test, the crash tests'
workload, and the load behind the benchmarks."""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kernel.errors import MedtermError
from kernel.money import ZERO, Money
from kernel.states import TxKind
from terminal.app import Terminal
from terminal.central.errors import SignInRefused
from terminal.cli.checkout import DEMO_PAYMENT_CODE, ChannelCollector, catalogue_argument
from terminal.cli.options import (
    ArgumentError,
    add_terminal_options,
    may_create_journal,
    non_negative_int,
    terminal_config,
)
from terminal.config import InstitutionKind
from terminal.flows.bill import BillLine
from terminal.flows.checkout import CheckoutRequest
from terminal.flows.identify import Credential, CredentialKind
from terminal.payment import PaymentError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("load", help="run N random checkouts from a world")
    add_terminal_options(parser, creates_journal=True)
    parser.add_argument("--world", type=Path, required=True, help="the world file")
    parser.add_argument("--transactions", type=non_negative_int, required=True, metavar="N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--progress", action="store_true", help="print one line as each checkout ends"
    )
    parser.set_defaults(handler=run)


@dataclass
class LoadSummary:
    outcomes: Counter[str] = field(default_factory=Counter)
    billed: Money = ZERO
    collected: Money = ZERO
    funds: Money = ZERO
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "outcomes": dict(self.outcomes),
            "billed": str(self.billed),
            "collected": str(self.collected),
            "funds": str(self.funds),
            "seconds": round(self.seconds, 3),
        }


def run(args: argparse.Namespace) -> int:
    config = terminal_config(args)
    world = _read_world(args.world)
    kind = (
        TxKind.PHARMACY
        if config.terminal.institution_kind is InstitutionKind.PHARMACY
        else TxKind.OUTPATIENT
    )
    with Terminal.open(
        config,
        catalogue=catalogue_argument(args.world, "--world"),
        create_journal=may_create_journal(args),
    ) as terminal:
        recovered = terminal.recover()
        summary = run_load(
            terminal,
            world,
            kind,
            args.transactions,
            random.Random(args.seed),
            on_each=_print_progress if args.progress else None,
        )
    report = {**summary.as_json(), "recovered": recovered.actions}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(
            f"{args.transactions} checkouts in {summary.seconds:.1f} s: "
            + ", ".join(f"{name} {count}" for name, count in sorted(summary.outcomes.items()))
        )
        print(f"  billed {summary.billed}, collected {summary.collected}, funds {summary.funds}")
        if recovered.actions:
            print(f"  recovered at start: {recovered.actions}")
    return 0


def run_load(
    terminal: Terminal,
    world: dict[str, Any],
    kind: TxKind,
    count: int,
    rng: random.Random,
    *,
    on_each: Callable[[int, str], None] | None = None,
) -> LoadSummary:
    people = [p for p in world["persons"] if p.get("certno")]
    catalogue = [c for c in world["catalogue"] if not str(c["med_list_codg"]).startswith("REG")]
    collect = ChannelCollector(terminal, "paycode", DEMO_PAYMENT_CODE, payer_ref="load")
    summary = LoadSummary()
    started = time.perf_counter()
    for n in range(count):
        terminal.ensure_selling()  # SellingStopped ends the load: no sale may start
        person = rng.choice(people)
        request = CheckoutRequest(
            kind=kind,
            credential=Credential(CredentialKind.ID_NUMBER, person["certno"]),
            lines=random_bill(catalogue, rng, kind, n),
        )
        try:
            outcome = terminal.saga.run(request, collect)
        except SignInRefused:
            raise  # not one failed checkout: this terminal may not sell (flows/selling.py)
        except (MedtermError, PaymentError) as err:
            summary.outcomes[err.code] += 1
            if on_each:
                on_each(n + 1, err.code)
            continue
        summary.outcomes[outcome.transaction.state.value] += 1
        if on_each:
            on_each(n + 1, outcome.transaction.state.value)
        summary.billed += outcome.breakdown.medfee_sumamt
        summary.collected += outcome.collected
        summary.funds += outcome.breakdown.fund_pay_sumamt
    summary.seconds = time.perf_counter() - started
    return summary


def _print_progress(number: int, outcome: str) -> None:
    print(f"{number} {outcome}", flush=True)


def random_bill(
    catalogue: list[dict[str, Any]], rng: random.Random, kind: TxKind, n: int
) -> tuple[BillLine, ...]:
    lines = []
    for line_no, entry in enumerate(rng.sample(catalogue, rng.randint(1, min(4, len(catalogue))))):
        limit = entry.get("pric_uplmt_amt")
        if limit:
            price = Money(limit).times(Decimal(rng.randint(80, 120)) / 100)
        else:
            price = Money(Decimal(rng.randint(100, 20000)) / 100)
        count = rng.randint(1, 3)
        traces: tuple[str, ...] = ()
        if kind is TxKind.PHARMACY:
            traces = tuple("8" + "".join(rng.choices("0123456789", k=19)) for _ in range(count))
        lines.append(
            BillLine(
                feedetl_sn=f"L{n:06d}{line_no:02d}",
                med_list_codg=str(entry["med_list_codg"]),
                name=str(entry.get("name", "")),
                pric=price,
                cnt=Decimal(count),
                drug_trac_codg=traces,
            )
        )
    return tuple(lines)


def _read_world(path: Path) -> dict[str, Any]:
    try:
        world = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ArgumentError(f"--world {path}: {err}") from None
    if not isinstance(world, dict) or not world.get("persons") or not world.get("catalogue"):
        raise ArgumentError(f"--world {path}: needs persons and catalogue")
    return world
