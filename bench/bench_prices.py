"""Latency of the price query (药价通) on 4,000 pharmacies x 20,000 drugs, against baselines.

`.venv/bin/python -m bench.bench_prices [--pharmacies 4000] [--drugs 20000] [--queries 300]`

Generates the price world into a temporary simulator database (untimed, ~30 s), starts the
simulator on it and sends `--queries` price queries from one keep-alive `PriceClient`: a mix
of names, pinyin initials and barcodes, half of them with a location. Baselines in the same
run, interleaved query by query: the simulator's `GET /_sim/health` round trip (what HTTP and
the server cost with no work), and the same query as plain SQL on the same database
in-process (what SQLite costs with no HTTP). Reports p50/p95/max in ms of each.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import requests

from simulators.central.testing import start_simulator
from simulators.worlds.prices import FORMS, INGREDIENTS, write_prices
from terminal.rx.prices import PriceClient

PLAIN_SQL = (
    "SELECT d.med_list_codg, ph.fixmedins_code, p.price_cents FROM prices p "
    "JOIN price_drugs d ON d.id = p.drug_id JOIN price_pharmacies ph ON ph.id = p.pharmacy_id "
    "WHERE p.drug_id IN (SELECT id FROM price_drugs WHERE {where} ORDER BY id LIMIT 20) "
    "ORDER BY p.price_cents LIMIT 50"
)


def queries(db: Path, count: int, seed: int) -> list[tuple[str, str, str]]:
    """(query text, SQL condition, SQL argument) triples, a third of each kind."""
    rng = random.Random(seed)
    eans = [r[0] for r in sqlite3.connect(db).execute("SELECT ean FROM price_drugs")]
    out = []
    for n in range(count):
        ingredient, initials = rng.choice(INGREDIENTS)
        if n % 3 == 0:
            out.append((ingredient, "instr(name, ?1) > 0", ingredient))
        elif n % 3 == 1:
            text = initials + rng.choice(FORMS)[1]
            out.append((text, "initials >= ?1 AND initials < ?1 || '~'", text))
        else:
            ean = rng.choice(eans)
            out.append((ean, "ean = ?1", ean))
    return out


def _fetch(conn: sqlite3.Connection, statement: str, arg: str) -> list[tuple]:
    return conn.execute(statement, (arg,)).fetchall()


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def summary(name: str, samples: Sequence[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (
        f"| {name} | {statistics.median(ordered):.2f} | {p95:.2f} | {ordered[-1]:.2f} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pharmacies", type=int, default=4000)
    parser.add_argument("--drugs", type=int, default=20000)
    parser.add_argument("--stocked", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "central.db"
        started = time.monotonic()
        count = write_prices(
            db,
            pharmacies=args.pharmacies,
            drugs=args.drugs,
            stocked=args.stocked,
            seed=args.seed,
        )
        print(f"generated {count} prices in {time.monotonic() - started:.1f} s")
        sim = start_simulator(Path(folder), db=db)
        try:
            client = PriceClient(sim.url)
            health = requests.Session()
            sql = sqlite3.connect(db)
            rng = random.Random(args.seed)
            rows: dict[str, list[float]] = {"price query": [], "health": [], "plain SQL": []}
            for text, where, arg in queries(db, args.queries, args.seed):
                near = rng.random() < 0.5
                location = {"lat": 22.54, "lon": 114.05} if near else {}
                statement = PLAIN_SQL.format(where=where)
                rows["price query"].append(timed(partial(client.query, text, **location)))
                rows["health"].append(timed(partial(health.get, sim.url + "/_sim/health")))
                rows["plain SQL"].append(timed(partial(_fetch, sql, statement, arg)))
        finally:
            sim.stop()
    print(f"{args.queries} queries, {args.pharmacies} pharmacies x {args.drugs} drugs")
    print("| what | p50 ms | p95 ms | max ms |\n|---|---|---|---|")
    for name, samples in rows.items():
        print(summary(name, samples))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
