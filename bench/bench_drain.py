"""Drain rate of the forwarder to the local platform simulator: 8 parallel chains vs 1, or
SM2 signing on vs off.

Each run gets a fresh journal (its own msgid slot, so runs never collide at the simulator) with
`--tx` offline pharmacy purchases queued over 12 people of the default world, each purchase
two requests (1101, then the 2102 settlement), exactly as an offline checkout queues them.
Then `Forwarder.drain()` is timed until the outbox is empty. **Baseline**: the same with one
chain (strictly sequential forwarding). Runs alternate (1, 8, 1, 8, ...) so drift hits both;
the medians of `--repeats` runs are reported, in transactions (and requests) per second.

With `--compare signing`, both sides run 8 chains and the terminal signs: signtype NONE (the
baseline) against signtype SM2 with the pharmacy's and the platform's keys of the default
world, so every request is signed at send and every answer verified (the simulator verifies
each request and signs each answer too).

One simulator process serves every run (started once, outside the timing); the journal is the
real SQLite file with `synchronous=FULL`, so every acknowledgement is an fsync.

    .venv/bin/python -m bench.bench_drain [--tx 300] [--repeats 3] [--compare signing]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from offline_store.forwarder import Forwarder
from simulators.central.queued_purchases import PEOPLE, QueuingTerminal, RecordingHooks
from simulators.central.testing import DEFAULT_WORLD, PHARMACY, start_simulator
from terminal.flows.forwarding import build_forwarder


def signing_keys() -> dict[str, Any]:
    """The platform settings of a terminal that signs as the default world's pharmacy."""
    world = json.loads(DEFAULT_WORLD.read_text())
    pharmacy = next(i for i in world["institutions"] if i["fixmedins_code"] == PHARMACY)
    return {
        "signtype": "SM2",
        "private_key_hex": pharmacy["private_key_hex"],
        "public_key_hex": pharmacy["public_key_hex"],
        "platform_public_keys": [world["platform_key"]["public_key_hex"]],
    }


def one_run(
    sim_url: str,
    work: Path,
    *,
    slot: int,
    chains: int,
    transactions: int,
    platform: dict[str, Any],
) -> float:
    """Seconds to drain `transactions` queued purchases with `chains` workers."""
    terminal = QueuingTerminal.open(
        sim_url, work / f"run-{slot}", slot=slot, pool_size=chains, read_timeout=10.0, **platform
    )
    try:
        for n in range(transactions):
            terminal.queue_purchase(PEOPLE[n % len(PEOPLE)])
        forwarder: Forwarder = build_forwarder(
            terminal.config, terminal.journal, terminal.client, RecordingHooks(), chains=chains
        )
        started = time.perf_counter()
        result = forwarder.drain(timeout=600)
        elapsed = time.perf_counter() - started
        if (result.succeeded, result.dead, result.remaining) != (2 * transactions, 0, 0):
            raise SystemExit(f"drain incomplete: {result}")
        return elapsed
    finally:
        terminal.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tx", type=int, default=300, help="transactions per run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--compare", choices=("chains", "signing"), default="chains")
    args = parser.parse_args(argv)
    if args.repeats * 2 > 9:
        parser.error("at most 4 repeats (msgid slots 1..9; slot 0 is the 2101 previews')")
    logging.disable(logging.WARNING)  # retries are not expected; keep the output to figures
    # (label, chains, platform settings): the baseline first
    modes: list[tuple[str, int, dict[str, Any]]] = (
        [("1 (baseline)", 1, {}), ("8", 8, {})]
        if args.compare == "chains"
        else [("8, signing off (baseline)", 8, {}), ("8, SM2", 8, signing_keys())]
    )
    timings: dict[str, list[float]] = {label: [] for label, _, _ in modes}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sim = start_simulator(work)
        try:
            slot = 1  # the simulator's test client numbers its own msgids (the previews) 0xxx
            for _ in range(args.repeats):
                for label, chains, platform in modes:
                    seconds = one_run(
                        sim.url,
                        work,
                        slot=slot,
                        chains=chains,
                        transactions=args.tx,
                        platform=platform,
                    )
                    timings[label].append(seconds)
                    print(
                        f"chains={label}: {args.tx} tx in {seconds:.2f} s "
                        f"({args.tx / seconds:.0f} tx/s)",
                        file=sys.stderr,
                    )
                    slot += 1
        finally:
            sim.stop()
    rate = {label: args.tx / statistics.median(t) for label, t in timings.items()}
    print("| chains | median drain time (s) | transactions/s | requests/s | runs (tx/s) |")
    print("|---|---|---|---|---|")
    for label, _, _ in modes:
        runs = ", ".join(f"{args.tx / t:.0f}" for t in timings[label])
        print(
            f"| {label} | {statistics.median(timings[label]):.2f} | {rate[label]:.0f} "
            f"| {2 * rate[label]:.0f} | {runs} |"
        )
    (base, _, _), (other, _, _) = modes
    print(f"\n{other} / {base}: {rate[other] / rate[base]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
