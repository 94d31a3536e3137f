"""The commercial plan's step (pre-claim 9801 + claim 9802, journalled) added to a checkout,
as a ratio to the same checkout without it, in one run.

One platform simulator and one payment-gateway simulator on loopback, one pharmacy terminal
with its journal. The person holds the city plan (default world, person 38: an empty account,
so every sale has a cash part charged through the payment code); the sale is a class-A and a
class-C drug. **plain**: `saga.run` with `use_commercial=False` (2101, 2102: what a checkout
cost before the plan existed, the baseline); **commercial**: the same sale with the plan
(2101, 9801, 2102, 9802). After an untimed warm-up the two modes take turns in batches, the
order alternating every round, so drift and other work on the machine hit both alike.
Reported: the median over batches of ms per checkout, the p95 of single checkouts, the ratio
of the medians (and the median of the rounds' ratios), and the added ms per checkout.

    .venv/bin/python -m bench.bench_commercial [--rounds 12] [--batch 15] [--budget 150]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from kernel.states import TxKind
from simulators.central.testing import start_simulator
from simulators.paygate.testing import start_paygate
from terminal.app import Terminal
from terminal.cli.checkout import DEMO_PAYMENT_CODE, ChannelCollector, parse_item
from terminal.cli.options import DEMO_CONFIGS, terminal_config
from terminal.flows.checkout import CheckoutRequest
from terminal.flows.commercial import ClaimState
from terminal.flows.identify import Credential, CredentialKind

HOLDER = "440300198308081383"  # person 38 of the default world: the city plan, no account
ITEMS = ("D0001:18.00:1", "D0010:20.00:1")  # class A, class C
MODES = ("plain", "commercial")
WARM_UP = 4


def open_terminal(work: Path, platform: str, gateway: str) -> Terminal:
    options = argparse.Namespace(
        config=DEMO_CONFIGS["pharmacy"], pharmacy=True, platform=platform, gateway=gateway,
        data_dir=work / "terminal", offline_mode=None,
    )  # fmt: skip
    config = terminal_config(options)
    config = replace(config, terminal=replace(config.terminal, slot=4))
    return Terminal.open(config, his_url=platform, create_journal=True)


def checkout(term: Terminal, collect: ChannelCollector, *, commercial: bool) -> float:
    lines = tuple(parse_item(text, n) for n, text in enumerate(ITEMS, start=1))
    request = CheckoutRequest(
        TxKind.PHARMACY,
        Credential(CredentialKind.ID_NUMBER, HOLDER),
        lines,
        use_commercial=commercial,
    )
    started = time.perf_counter()
    outcome = term.saga.run(request, collect)
    elapsed = time.perf_counter() - started
    if outcome.offline or outcome.transaction.state.value != "completed":
        raise SystemExit(f"checkout ended {outcome.transaction.state.value}")
    if commercial and outcome.claim.state is not ClaimState.PAID:
        raise SystemExit(f"the plan did not pay: {outcome.claim.describe()}")
    return elapsed * 1000


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--batch", type=int, default=15, help="checkouts per mode per round")
    parser.add_argument("--budget", type=float, default=150.0, help="seconds for the rounds")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    batches: dict[str, list[float]] = {mode: [] for mode in MODES}
    singles: dict[str, list[float]] = {mode: [] for mode in MODES}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-commercial-") as tmp:
        work = Path(tmp)
        platform = start_simulator(work)
        gateway = start_paygate(work)
        term = open_terminal(work, platform.url, gateway.url)
        collect = ChannelCollector(term, "paycode", DEMO_PAYMENT_CODE, payer_ref="bench")
        try:
            for mode in MODES:
                for _ in range(WARM_UP):
                    checkout(term, collect, commercial=mode == "commercial")
            rounds = 0
            timed = time.monotonic()
            while rounds < args.rounds and time.monotonic() - timed < args.budget:
                order = MODES if rounds % 2 == 0 else MODES[::-1]
                for mode in order:
                    ms = [
                        checkout(term, collect, commercial=mode == "commercial")
                        for _ in range(args.batch)
                    ]
                    batches[mode].append(statistics.fmean(ms))
                    singles[mode].extend(ms)
                rounds += 1
                line = ", ".join(f"{m} {batches[m][-1]:.1f}" for m in MODES)
                print(f"round {rounds}: ms per checkout {line}", file=sys.stderr)
        finally:
            term.close()
            gateway.stop()
            platform.stop()
    median = {mode: statistics.median(batches[mode]) for mode in MODES}
    print(f"\n{rounds} rounds x {args.batch} checkouts per mode (after {WARM_UP} untimed)\n")
    print("| mode | ms per checkout, median of batches (range) | p95 single (ms) |")
    print("|---|---|---|")
    for mode in MODES:
        low, high = min(batches[mode]), max(batches[mode])
        tail = p95(singles[mode])
        print(f"| {mode} | **{median[mode]:.1f}** ({low:.1f}-{high:.1f}) | {tail:.1f} |")
    paired = [c / p for c, p in zip(batches["commercial"], batches["plain"], strict=True)]
    ratio = median["commercial"] / median["plain"]
    print(
        f"\ncommercial / plain: **{ratio:.3f}** (of the medians), "
        f"{statistics.median(paired):.3f} (median of the rounds' ratios); "
        f"added {median['commercial'] - median['plain']:.1f} ms per checkout"
    )
    print(f"\nwall time {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
