"""Settlements per second the platform simulator sustains, against its plain request rate.

`.venv/bin/python -m bench.bench_simulator [--people 10000] [--settlements 2000] [--runs 3]`

A world of `--people` generated persons; 8 client threads, each with its own keep-alive
`requests.Session`. Per run: visits are prepared first (2201 + 2204, untimed), then the timed
part sends one 2207 per visit with a fresh msgid (signtype NONE). Baseline in the same run: the
same threads sending as many `GET /_sim/health`. Reports the median of the runs and the ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from simulators.central.testing import (
    Patient,
    PlatformClient,
    Visit,
    outpatient_input,
    outpatient_visit,
    start_simulator,
)
from simulators.worlds.generate import write_world

THREADS = 8
LINES = [("X1", "12.50", "2"), ("D0006", "28.50", "1"), ("D0009", "6.80", "1")]


def _patients(world: Path) -> list[Patient]:
    people = json.loads(world.read_text(encoding="utf-8"))["persons"]
    return [Patient(p["psn_no"], p["insutype"]) for p in people]


def _split(items: Sequence[object], parts: int) -> list[list[object]]:
    return [list(items[i::parts]) for i in range(parts)]


def _timed(work: Callable[[list[object]], None], shares: list[list[object]]) -> float:
    """Seconds for THREADS threads to finish their shares, started together."""
    barrier = threading.Barrier(THREADS + 1)

    def run(share: list[object]) -> None:
        barrier.wait()
        work(share)

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(run, share) for share in shares]
        barrier.wait()
        started = time.perf_counter()
        for future in futures:
            future.result()
        return time.perf_counter() - started


def one_run(url: str, patients: list[Patient], count: int, offset: int) -> tuple[float, float]:
    """(settlements per second, health requests per second) of one run."""
    chosen = [patients[(offset + i * 7919) % len(patients)] for i in range(count)]
    local = threading.local()

    def client() -> PlatformClient:
        if not hasattr(local, "client"):
            local.client = PlatformClient(url)
        return local.client

    def prepare(who: Patient) -> tuple[Patient, Visit]:
        return who, outpatient_visit(client(), who, LINES)

    with ThreadPoolExecutor(THREADS) as pool:
        visits = list(pool.map(prepare, chosen))

    def settle(share: list[object]) -> None:
        c = client()
        for who, visit in share:  # type: ignore[misc]
            answer = c.call("2207", {"data": outpatient_input(who, visit)}, insuplc="440300")
            if answer["infcode"] != 0:
                raise RuntimeError(answer["err_msg"])

    def health(share: list[object]) -> None:
        session = client().session
        for _ in share:
            if session.get(url + "/_sim/health", timeout=30).status_code != 200:
                raise RuntimeError("health failed")

    settle_s = _timed(settle, _split(visits, THREADS))
    health_s = _timed(health, _split(list(range(count)), THREADS))
    return count / settle_s, count / health_s


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--settlements", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        world = tmp / "world.json"
        write_world(world, args.people, seed=7)
        patients = _patients(world)
        sim = start_simulator(tmp, world=world)
        try:
            runs = [
                one_run(sim.url, patients, args.settlements, run * args.settlements)
                for run in range(args.runs)
            ]
        finally:
            sim.stop()
    for n, (settle, health) in enumerate(runs, start=1):
        print(f"run {n}: 2207 {settle:8.1f}/s   health {health:8.1f}/s")
    settle_median = statistics.median(r[0] for r in runs)
    health_median = statistics.median(r[1] for r in runs)
    print(
        f"median: 2207 {settle_median:.1f} settlements/s, health {health_median:.1f} req/s, "
        f"ratio {settle_median / health_median:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
