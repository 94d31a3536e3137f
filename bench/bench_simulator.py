"""Settlements per second the platform simulator sustains, against its plain request rate.

`.venv/bin/python -m bench.bench_simulator [--people 10000] [--settlements 2000] [--runs 3]`

A world of `--people` generated persons; 8 client threads, each with its own keep-alive
`requests.Session`. Per run: visits are prepared first (2201 + 2204, untimed), then the timed
part sends one 2207 per visit with a fresh msgid (signtype NONE). Baseline in the same run: the
same threads sending as many `GET /_sim/health`. Reports the median of the runs and the ratio,
and the server process's CPU time per request (from /proc: unaffected by other load on the
machine, which the rates are not).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), independent of other load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Run:
    settle_rate: float  # 2207 per second
    health_rate: float  # GET /_sim/health per second
    settle_cpu_ms: float  # server CPU per 2207
    health_cpu_ms: float  # server CPU per health request


def one_run(url: str, pid: int, patients: list[Patient], count: int, offset: int) -> Run:
    """One run: prepare visits, then time the settlements and the baseline."""
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

    cpu_before = _cpu_seconds(pid)
    settle_s = _timed(settle, _split(visits, THREADS))
    cpu_between = _cpu_seconds(pid)
    health_s = _timed(health, _split(list(range(count)), THREADS))
    cpu_after = _cpu_seconds(pid)
    return Run(
        count / settle_s,
        count / health_s,
        (cpu_between - cpu_before) / count * 1000,
        (cpu_after - cpu_between) / count * 1000,
    )


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
            pid = sim.process.process.pid
            runs = [
                one_run(sim.url, pid, patients, args.settlements, run * args.settlements)
                for run in range(args.runs)
            ]
        finally:
            sim.stop()
    for n, r in enumerate(runs, start=1):
        print(
            f"run {n}: 2207 {r.settle_rate:7.1f}/s ({r.settle_cpu_ms:.2f} ms server CPU each)   "
            f"health {r.health_rate:7.1f}/s ({r.health_cpu_ms:.2f} ms)"
        )
    settle = statistics.median(r.settle_rate for r in runs)
    health = statistics.median(r.health_rate for r in runs)
    settle_cpu = statistics.median(r.settle_cpu_ms for r in runs)
    health_cpu = statistics.median(r.health_cpu_ms for r in runs)
    print(
        f"median: 2207 {settle:.1f} settlements/s, health {health:.1f} req/s, "
        f"ratio {settle / health:.2f}; server CPU per request {settle_cpu:.2f} ms vs "
        f"{health_cpu:.2f} ms (ratio {settle_cpu / health_cpu:.2f}); load average at the end "
        f"{os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
