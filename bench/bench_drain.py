"""Drain rate of the forwarder to the local platform simulator: 8 parallel chains vs 1.

Each run gets a fresh journal (its own msgid slot, so runs never collide at the simulator) with
`--tx` offline pharmacy purchases queued over 12 people of the default world, each purchase
two requests (1101, then the 2102 settlement), exactly as an offline checkout queues them.
Then `Forwarder.drain()` is timed until the outbox is empty. **Baseline**: the same with one
chain (strictly sequential forwarding). Runs alternate (1, 8, 1, 8, ...) so drift hits both;
the medians of `--repeats` runs are reported, in transactions (and requests) per second.

One simulator process serves every run (started once, outside the timing); the journal is the
real SQLite file with `synchronous=FULL`, so every acknowledgement is an fsync.

    .venv/bin/python -m bench.bench_drain [--tx 300] [--repeats 3]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from offline_store.forwarder import Forwarder
from simulators.central.queued_purchases import PEOPLE, QueuingTerminal, RecordingHooks
from simulators.central.testing import start_simulator
from terminal.flows.forwarding import build_forwarder


def one_run(sim_url: str, work: Path, *, slot: int, chains: int, transactions: int) -> float:
    """Seconds to drain `transactions` queued purchases with `chains` workers."""
    terminal = QueuingTerminal.open(
        sim_url, work / f"run-{slot}", slot=slot, pool_size=chains, read_timeout=10.0
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
    args = parser.parse_args(argv)
    if args.repeats * 2 > 9:
        parser.error("at most 4 repeats (msgid slots 1..9; slot 0 is the 2101 previews')")
    logging.disable(logging.WARNING)  # retries are not expected; keep the output to figures
    timings: dict[int, list[float]] = {1: [], 8: []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sim = start_simulator(work)
        try:
            slot = 1  # the simulator's test client numbers its own msgids (the previews) 0xxx
            for _ in range(args.repeats):
                for chains in (1, 8):
                    seconds = one_run(sim.url, work, slot=slot, chains=chains, transactions=args.tx)
                    timings[chains].append(seconds)
                    print(
                        f"chains={chains}: {args.tx} tx in {seconds:.2f} s "
                        f"({args.tx / seconds:.0f} tx/s)",
                        file=sys.stderr,
                    )
                    slot += 1
        finally:
            sim.stop()
    rate = {c: args.tx / statistics.median(t) for c, t in timings.items()}
    print("| chains | median drain time (s) | transactions/s | requests/s |")
    print("|---|---|---|---|")
    for chains in (1, 8):
        median = statistics.median(timings[chains])
        print(f"| {chains} | {median:.2f} | {rate[chains]:.0f} | {2 * rate[chains]:.0f} |")
    print(f"\nspeed-up 8 vs 1 chain: {rate[8] / rate[1]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
