"""The steppable checkout against the one-call checkout of the baseline revision, in one run.

Three modes, each in its own process (`bench/checkout_worker.py`) with its own journals and its
own msgid slot, against ONE platform simulator and ONE payment-gateway simulator on loopback:

- **steps**: the current tree, driven step by step as a screen drives it
  (`saga.begin`, `identify`, `bill`, `presettle`, `confirm`, `pay`, `settle`, `complete`);
- **run**: the current tree's `saga.run`, the one-call script over those steps;
- **baseline**: `saga.run` of revision `BASELINE` (the last one-call saga, before the steps),
  from a temporary `git worktree` of that revision, removed afterwards.

Every mode runs the same sequence of checkouts (outpatient visit and pharmacy sale, by ID
number, the account unused so a payment code is always charged). After an untimed warm-up, the
modes take turns in batches (`--batch` checkouts each, the order rotating every round), so
drift and other work on the machine hit all three alike. Reported per mode: the median over
batches of the batch's ms per checkout, checkouts per second from it, and the p95 of single
checkouts; then the ratios to the baseline (target for steps: <= 1.05).

    .venv/bin/python -m bench.bench_checkout [--rounds 20] [--batch 20] [--budget 150]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from simulators.central.testing import start_simulator
from simulators.paygate.testing import start_paygate

BASELINE = "b1c9155"
ROOT = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).resolve().with_name("checkout_worker.py")
MODES = ("steps", "run", "baseline")  # the order of the first round; then it rotates
SLOTS = {"steps": 1, "run": 2, "baseline": 3}  # distinct msgids at the one platform
WARM_UP = 4  # checkouts per mode before timing: connections, caches, first journal pages


@dataclass
class Worker:
    """A mode's process and what it measured."""

    mode: str
    process: subprocess.Popen[str]
    batches: list[float] = field(default_factory=list)  # ms per checkout, one per batch
    singles: list[float] = field(default_factory=list)  # ms of each timed checkout
    cpu_batches: list[float] = field(default_factory=list)  # the worker's CPU ms per checkout

    @classmethod
    def start(cls, mode: str, tree: Path, data_dir: Path, platform: str, gateway: str) -> Worker:
        argv = [
            sys.executable,
            str(WORKER),
            f"--mode={mode}",
            f"--platform={platform}",
            f"--gateway={gateway}",
            f"--data-dir={data_dir}",
            f"--slot={SLOTS[mode]}",
        ]
        env = {**os.environ, "PYTHONPATH": str(tree)}
        process = subprocess.Popen(
            argv, cwd=tree, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        worker = cls(mode, process)
        imported_from = Path(worker.answer()["ready"]).resolve()
        if imported_from != tree.resolve():
            worker.stop()
            raise SystemExit(f"{mode}: imported terminal from {imported_from}, not {tree}")
        return worker

    def answer(self) -> dict[str, Any]:
        stdout: IO[str] | None = self.process.stdout
        assert stdout is not None
        line = stdout.readline()
        if not line:
            raise SystemExit(f"{self.mode}: worker exited ({self.process.wait()})")
        result: dict[str, Any] = json.loads(line)
        return result

    def run(self, checkouts: int) -> dict[str, list[float]]:
        """Wall and CPU seconds of each of `checkouts` checkouts, run now."""
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(json.dumps({"batch": checkouts}) + "\n")
        stdin.flush()
        return self.answer()

    def timed_batch(self, checkouts: int) -> None:
        measured = self.run(checkouts)
        ms = [s * 1000 for s in measured["seconds"]]
        self.batches.append(statistics.fmean(ms))
        self.singles.extend(ms)
        self.cpu_batches.append(statistics.fmean(measured["cpu"]) * 1000)

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def baseline_tree(parent: Path) -> Path:
    """A detached worktree of BASELINE in `parent` (removed by `remove_tree`)."""
    tree = parent / f"baseline-{BASELINE}"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), BASELINE],
        check=True,
    )
    return tree


def remove_tree(tree: Path) -> None:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False
    )


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def report(workers: dict[str, Worker], rounds: int, batch: int) -> None:
    wall = {mode: statistics.median(w.batches) for mode, w in workers.items()}
    cpu = {mode: statistics.median(w.cpu_batches) for mode, w in workers.items()}
    print(f"\n{rounds} rounds x {batch} checkouts per mode (after {WARM_UP} untimed)\n")
    print(
        "| mode | ms per checkout, median of batches (range) | checkouts/s "
        "| p95 single (ms) | terminal CPU ms per checkout |"
    )
    print("|---|---|---|---|---|")
    for mode, worker in workers.items():
        low, high = min(worker.batches), max(worker.batches)
        print(
            f"| {mode} | **{wall[mode]:.1f}** ({low:.1f}-{high:.1f}) | {1000 / wall[mode]:.1f} "
            f"| {p95(worker.singles):.1f} | {cpu[mode]:.1f} |"
        )
    print("\n| ratio to baseline | wall, of the medians | wall, median of rounds' ratios | CPU |")
    print("|---|---|---|---|")
    base = workers["baseline"]
    for mode in ("steps", "run"):
        paired = [m / b for m, b in zip(workers[mode].batches, base.batches, strict=True)]
        print(
            f"| {mode} | **{wall[mode] / wall['baseline']:.3f}** | "
            f"{statistics.median(paired):.3f} | {cpu[mode] / cpu['baseline']:.3f} |"
        )
    verdict = "met" if wall["steps"] / wall["baseline"] <= 1.05 else "NOT met"
    print(f"\ntarget steps / baseline <= 1.05 (wall, of the medians): {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--batch", type=int, default=20, help="checkouts per mode per round")
    parser.add_argument(
        "--budget", type=float, default=150.0, help="seconds; no new round starts after it"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-checkout-") as tmp:
        work = Path(tmp)
        tree = baseline_tree(work)
        platform = start_simulator(work)
        gateway = start_paygate(work)
        workers: dict[str, Worker] = {}
        try:
            for mode in MODES:
                source = tree if mode == "baseline" else ROOT
                data = work / f"data-{mode}"
                workers[mode] = Worker.start(mode, source, data, platform.url, gateway.url)
            for worker in workers.values():
                worker.run(WARM_UP)
            rounds = 0
            while rounds < args.rounds and time.monotonic() - started < args.budget:
                order = MODES[rounds % 3 :] + MODES[: rounds % 3]
                for mode in order:
                    workers[mode].timed_batch(args.batch)
                rounds += 1
                line = ", ".join(f"{m} {workers[m].batches[-1]:.1f}" for m in MODES)
                print(f"round {rounds}: ms per checkout {line}", file=sys.stderr)
        finally:
            for worker in workers.values():
                worker.stop()
            gateway.stop()
            platform.stop()
            remove_tree(tree)
    report(workers, rounds, args.batch)
    print(f"\nwall time {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
