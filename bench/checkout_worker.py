"""One mode of `bench.bench_checkout`, in its own process: checkouts on request, timed.

Run by path (not as `bench.` module) with PYTHONPATH set to the tree under test, so the same
file drives the current tree and the baseline revision's. At top level it therefore imports
only what both trees have: `terminal.app.Terminal.open`, `terminal.cli.options`
(`DEMO_CONFIGS`, `terminal_config`), `terminal.cli.checkout` (`ChannelCollector`,
`DEMO_PAYMENT_CODE`, `parse_item`), `terminal.flows.checkout.CheckoutRequest` (and `TxKind`,
the type of its `kind`, which that module imports in both), `terminal.flows.identify`.

    python bench/checkout_worker.py --mode steps|run|baseline --platform URL --gateway URL \
        --data-dir DIR --slot N

Protocol on stdin/stdout, one JSON line each: first the worker prints `{"ready": ...}` (where
its `terminal` package was imported from, so the parent can check the tree), then for each
line `{"batch": n}` it runs n checkouts and prints `{"seconds": [...], "cpu": [...]}` (per
checkout, in order: wall time, and this process's CPU time, all threads); end of input closes
the terminals.
"""

from __future__ import annotations

import argparse
import inspect
import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import terminal
from terminal.app import Terminal
from terminal.cli.checkout import DEMO_PAYMENT_CODE, ChannelCollector, parse_item
from terminal.cli.options import DEMO_CONFIGS, terminal_config
from terminal.flows.checkout import CheckoutRequest, TxKind
from terminal.flows.identify import Credential, CredentialKind

# The mix: by ID number, an employee with an account (worked example 1's person) and a
# resident without one; each either an outpatient visit (2201, 2204, 2206, 2207) or a pharmacy
# sale (2101, 2102). The account is not used, so every checkout has a self-pay part charged
# through the payment-code channel and the split does not drift as balances are spent.
PEOPLE = ("440300198503121010", "440300199007081026")
OUTPATIENT_ITEMS = ("X1:12.50:4", "X2:33.33:3", "X3:45.60:1", "X4:20.00:1")
PHARMACY_ITEMS = ("D0003:15.60:3",)

Checkout = Callable[[Terminal, CheckoutRequest, ChannelCollector], object]


def requests_in_turn() -> Iterator[tuple[str, CheckoutRequest]]:
    """The same endless sequence in every mode: outpatient, pharmacy, per person in turn."""
    kinds = (
        ("hospital", TxKind.OUTPATIENT, OUTPATIENT_ITEMS),
        ("pharmacy", TxKind.PHARMACY, PHARMACY_ITEMS),
    )
    while True:
        for certno in PEOPLE:
            for config_kind, kind, items in kinds:
                lines = tuple(parse_item(text, n) for n, text in enumerate(items, start=1))
                credential = Credential(CredentialKind.ID_NUMBER, certno)
                yield config_kind, CheckoutRequest(kind, credential, lines, use_account=False)


def step_by_step(term: Terminal, request: CheckoutRequest, collect: ChannelCollector) -> object:
    """The steppable checkout as a screen drives it (current tree only)."""
    from terminal.flows.checkout import PaymentAttempt

    session = term.saga.begin(request.kind)
    session.identify(request.credential)
    session.bill(request.lines)
    session.presettle(use_account=request.use_account, mulaid_psn_no=request.mulaid_psn_no)
    session.confirm()
    session.pay(collect, PaymentAttempt())
    session.settle(collect)
    return session.complete()


def one_call(term: Terminal, request: CheckoutRequest, collect: ChannelCollector) -> object:
    """`saga.run`: one blocking call (the baseline's saga, or the current script over steps)."""
    return term.saga.run(request, collect)


MODES: dict[str, Checkout] = {"steps": step_by_step, "run": one_call, "baseline": one_call}


def open_terminal(args: argparse.Namespace, kind: str) -> Terminal:
    """A demo terminal of `kind` wired to the simulators, with its own journal and slot."""
    options = argparse.Namespace(
        config=DEMO_CONFIGS[kind],
        pharmacy=kind == "pharmacy",
        platform=args.platform,
        gateway=args.gateway,
        data_dir=args.data_dir / kind,
        offline_mode=None,
    )
    config = terminal_config(options)
    config = replace(config, terminal=replace(config.terminal, slot=args.slot))
    if "gateway_url" in inspect.signature(Terminal.open).parameters:  # the baseline tree
        return Terminal.open(config, gateway_url=args.gateway, his_url=args.platform)
    return Terminal.open(config, his_url=args.platform, create_journal=True)


def check_settled(outcome: Any) -> None:
    """A checkout that did not settle online would time something else: stop the run."""
    state = outcome.transaction.state.value
    if outcome.offline or state != "completed":
        raise SystemExit(f"checkout ended {state} (offline={outcome.offline})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=sorted(MODES), required=True)
    parser.add_argument("--platform", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--slot", type=int, required=True)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    checkout = MODES[args.mode]
    terminals = {kind: open_terminal(args, kind) for kind in ("hospital", "pharmacy")}
    collectors = {
        kind: ChannelCollector(term, "paycode", DEMO_PAYMENT_CODE, payer_ref="bench")
        for kind, term in terminals.items()
    }
    sequence = requests_in_turn()
    try:
        print(json.dumps({"ready": str(Path(terminal.__file__).parents[1])}), flush=True)
        for line in sys.stdin:
            seconds, cpu = [], []
            for _ in range(int(json.loads(line)["batch"])):
                kind, request = next(sequence)
                started, cpu_started = time.perf_counter(), time.process_time()
                outcome = checkout(terminals[kind], request, collectors[kind])
                seconds.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
                check_settled(outcome)
            print(json.dumps({"seconds": seconds, "cpu": cpu}), flush=True)
    finally:
        for term in terminals.values():
            term.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
