"""Journal benchmark: durable enqueue+ack throughput, cost against queue depth, bytes per
transaction.

Run: `.venv/bin/python -m bench.bench_journal` (about two minutes; `--quick` for a smoke run).

1. Throughput, the three side by side in one run, rounds interleaved, medians reported:
   - **ours**, one request at a time: `Journal.prepare_request(..., forward=True)` (encrypted
     body, audit row, durable commit) + `Outbox.claim()` (lease, not fsynced) + `Outbox.ack()`
     (encrypted response, promotion, audit row, durable commit);
   - **ours batched**, the same requests as the terminal writes them: an offline
     transaction's three requests in one durable commit (`prepare_requests`), then up to eight
     people's heads claimed together and acknowledged in one durable commit (`ack_many`, as the
     forwarder's chains do); each request is still durable when its call returns;
   - **persist-queue** `SQLiteAckQueue`: `put` + `get` + `ack`, JSON serializer (no pickle),
     `multithreading=True`, `auto_commit=True`, and the same durability as ours: WAL (its
     default) plus `PRAGMA synchronous=FULL`, set in a subclass's connection factory because the
     library has no option for it;
   - **raw SQLite**: one `INSERT` committed, one `DELETE` committed, WAL + `synchronous=FULL`:
     the fewest fsynced commits any durable queue needs per item (enqueue, then ack), i.e. the
     machine's limit for this workload; plain single-row commits/s are reported too.
2. Depth: the outbox pre-filled to 10^3 .. 10^6 pending requests (bulk insert in one
   transaction, bodies really encrypted), then median cost of one enqueue, one claim, one ack.
3. Size: full offline transactions (identify, bill, estimate, collect, complete, three queued
   requests claimed and acked with responses, forwarded, reconciled), database bytes each.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from persistqueue.serializers import json as pq_json
from persistqueue.sqlackqueue import SQLiteAckQueue

from kernel.breakdown import Breakdown
from kernel.records import PersonIdentity
from kernel.states import TxKind
from offline_store.journal import Journal, NewRequest

BODY = {
    "psn_no": "44000019900101123400",
    "mdtrt_cert_type": "02",
    "mdtrt_cert_no": "440301199001011234",
    "med_type": "11",
    "medfee_sumamt": "128.50",
    "psn_setlway": "01",
    "mdtrt_id": "MD440300202611230000001234",
    "chrg_bchno": "CB20261123120000001",
    "acct_used_flag": "1",
    "insutype": "310",
    "invono": "",
    "fulamt_ownpay_amt": "0.00",
    "overlmt_selfpay": "0.00",
    "preselfpay_amt": "12.40",
    "inscp_scp_amt": "116.10",
}
RESPONSE = {
    "infcode": 0,
    "inf_refmsgid": "440300202611231200000000012345",
    "output": {
        "setlinfo": {
            "setl_id": "S4403002026112300001",
            "psn_name": "欧阳明华",
            "medfee_sumamt": "128.50",
            "fund_pay_sumamt": "70.00",
            "psn_cash_pay": "46.10",
            "acct_pay": "12.40",
        }
    },
}


def _identity(n: int) -> PersonIdentity:
    return PersonIdentity("02", f"4403011990{n:08d}", "欧阳明华", psn_no=f"4400{n:016d}")


def _msgid() -> str:
    return uuid.uuid4().hex[:30]


class DurableAckQueue(SQLiteAckQueue):
    """persist-queue's ack queue with synchronous=FULL on its connections (it sets WAL only)."""

    def _new_db_connection(self, path: str, multithreading: bool, timeout: float):  # type: ignore[no-untyped-def]
        conn = super()._new_db_connection(path, multithreading, timeout)
        conn.execute("PRAGMA synchronous=FULL")
        return conn


def _rate(fn: Callable[[], None], items: int) -> float:
    start = time.perf_counter()
    for _ in range(items):
        fn()
    return items / (time.perf_counter() - start)


def throughput(folder: Path, items: int, rounds: int) -> dict[str, float]:
    journal = Journal.open(folder / "ours.db", folder / "ours.key")
    tx_ids = []
    for n in range(50):
        tx_id = journal.create(TxKind.OUTPATIENT).tx_id
        journal.identify(tx_id, _identity(n))
        tx_ids.append(tx_id)
    counter = iter(range(10**9))

    def ours() -> None:
        tx_id = tx_ids[next(counter) % len(tx_ids)]
        journal.prepare_request(tx_id, "2207", _msgid(), BODY, forward=True)
        [claim] = journal.outbox.claim()
        journal.outbox.ack(claim, RESPONSE)

    def ours_batched() -> None:
        """24 requests the way the saga and forwarder write them: 8 offline transactions of
        three requests each (one commit per transaction), drained 8 people at a time."""
        for _ in range(8):
            tx_id = tx_ids[next(counter) % len(tx_ids)]
            journal.prepare_requests(
                tx_id,
                [NewRequest(infno, _msgid(), BODY) for infno in ("2201", "2204", "2207")],
                forward=True,
            )
        while claims := journal.outbox.claim(limit=8):
            journal.outbox.ack_many([(claim, RESPONSE) for claim in claims])

    queue = DurableAckQueue(
        str(folder / "pq"),
        multithreading=True,
        auto_commit=True,
        serializer=pq_json,
    )

    def persist_queue() -> None:
        queue.put(BODY)
        item = queue.get(block=False)
        queue.ack(item)

    raw = sqlite3.connect(folder / "raw.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("CREATE TABLE q (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    text = json.dumps(BODY)

    def raw_pair() -> None:
        row = raw.execute("INSERT INTO q (body) VALUES (?)", (text,)).lastrowid
        raw.execute("DELETE FROM q WHERE id = ?", (row,))

    def raw_single() -> None:
        raw.execute("INSERT INTO q (body) VALUES (?)", (text,))

    runs: dict[str, list[float]] = {
        "ours": [],
        "ours batched": [],
        "persist-queue": [],
        "raw pair": [],
        "raw": [],
    }
    for _ in range(rounds):
        runs["ours"].append(_rate(ours, items))
        runs["ours batched"].append(_rate(ours_batched, items // 24) * 24)
        runs["persist-queue"].append(_rate(persist_queue, items))
        # untimed: the library keeps acknowledged rows, and its `get` slows as they pile up;
        # its own clean-up keeps it at its best between rounds
        queue.clear_acked_data(max_delete=10 * items, keep_latest=0)
        runs["raw pair"].append(_rate(raw_pair, items))
        runs["raw"].append(_rate(raw_single, items))
    journal.close()
    raw.close()
    return {name: statistics.median(values) for name, values in runs.items()}


def _bulk_fill(journal: Journal, start: int, count: int, persons: int) -> None:
    """Add `count` queued requests (and their transactions) in one SQLite transaction."""
    cipher, now = journal.cipher, time.time()
    with journal.database.write() as conn:
        (base,) = conn.execute("SELECT coalesce(max(req_id), 0) FROM requests").fetchone()
        for n in range(start, start + count):
            person = n % persons
            tx_id = f"bulk{person:012d}"
            if n < persons:  # a person's first request: its transaction, and the queue head
                conn.execute(
                    "INSERT INTO transactions (tx_id, kind, state, person_key, created_at, "
                    "updated_at) VALUES (?, 'outpatient', 'completed_offline', ?, ?, ?)",
                    (tx_id, cipher.person_key("02", f"B{person}"), now, now),
                )
            msgid = f"BULK{n:026d}"
            conn.execute(
                "INSERT INTO requests (req_id, seq, msgid, tx_id, infno, body, status, "
                "created_at, updated_at, person_key, queued, head, next_attempt_at, enqueued_at)"
                " VALUES (?, ?, ?, ?, '2207', ?, 'prepared', ?, ?, ?, 1, ?, ?, ?)",
                (
                    base + n + 1,
                    base + n + 1,
                    msgid,
                    tx_id,
                    cipher.encrypt_json("requests", "body", msgid, BODY),
                    now,
                    now,
                    cipher.person_key("02", f"B{person}"),
                    int(n < persons),
                    now,
                    now,
                ),
            )


def _op_medians(journal: Journal, tx_id: str, samples: int, *, fsync: bool) -> dict[str, float]:
    """Median microseconds of one enqueue, claim and ack. `fsync=False` turns the disk sync
    off for the measurement only, leaving the index and page-cache work: the part that would
    grow with the queue's depth (the fsync does not depend on it, and is noisy on a shared VM)."""
    conn = journal.database.connection()
    times: dict[str, list[float]] = {"enqueue": [], "claim": [], "ack": []}
    for _ in range(samples):
        if not fsync:
            conn.execute("PRAGMA synchronous = OFF")
        t0 = time.perf_counter()
        journal.prepare_request(tx_id, "2207", _msgid(), BODY, forward=True)
        t1 = time.perf_counter()
        [item] = journal.outbox.claim()  # resets synchronous to FULL when it ends
        t2 = time.perf_counter()
        if not fsync:
            conn.execute("PRAGMA synchronous = OFF")
        t3 = time.perf_counter()
        journal.outbox.ack(item, RESPONSE)
        t4 = time.perf_counter()
        times["enqueue"].append(t1 - t0)
        times["claim"].append(t2 - t1)
        times["ack"].append(t4 - t3)
    conn.execute("PRAGMA synchronous = FULL")
    return {name: statistics.median(values) * 1e6 for name, values in times.items()}


PERSONS = 100_000  # 10^6 pending rows = ten queued requests for each of 10^5 people


def depth(folder: Path, sizes: list[int], samples: int) -> list[dict[str, float]]:
    journal = Journal.open(folder / "depth.db", folder / "depth.key")
    tx_id = journal.create(TxKind.OUTPATIENT).tx_id
    journal.identify(tx_id, _identity(0))
    results, filled = [], 0
    for size in sizes:
        start = time.perf_counter()
        _bulk_fill(journal, filled, size - filled, persons=PERSONS)
        fill_seconds = time.perf_counter() - start
        # fold the bulk insert into the main file now, not during the measurement
        journal.database.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        os.sync()  # and let the kernel write it back, or its writeback stalls our fsyncs
        time.sleep(1.0)
        filled = size
        durable = _op_medians(journal, tx_id, samples, fsync=True)
        in_memory = _op_medians(journal, tx_id, samples, fsync=False)
        results.append(
            {
                "pending": journal.outbox.status().pending,
                "fill_s": fill_seconds,
                **{f"{name}_us": value for name, value in durable.items()},
                **{f"{name}_nosync_us": value for name, value in in_memory.items()},
            }
        )
    journal.close()
    return results


def _breakdown() -> Breakdown:
    amounts = dict.fromkeys(
        [
            "fulamt_ownpay_amt",
            "overlmt_selfpay",
            "act_pay_dedc",
            "pool_prop_selfpay",
            "cvlserv_pay",
            "hifes_pay",
            "hifmi_pay",
            "hifob_pay",
            "maf_pay",
            "oth_pay",
            "acct_mulaid_pay",
        ],
        "0.00",
    )
    amounts.update(
        medfee_sumamt="128.50",
        preselfpay_amt="12.40",
        inscp_scp_amt="116.10",
        hifp_pay="70.00",
        fund_pay_sumamt="70.00",
        psn_part_amt="58.50",
        acct_pay="12.40",
        psn_cash_pay="46.10",
    )
    return Breakdown.from_setlinfo(
        {**amounts, "psn_no": "44000019900101123400", "psn_name": "欧阳明华", "insutype": "310"}
    )


def _used_bytes(conn: sqlite3.Connection) -> int:
    """Bytes of the database in use, after folding the WAL in (free pages not counted)."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages, free, size = (
        conn.execute(f"PRAGMA {p}").fetchone()[0]
        for p in ("page_count", "freelist_count", "page_size")
    )
    return (pages - free) * size


def size_per_request(folder: Path, requests: int) -> float:
    """Bytes left in the journal per request queued, forwarded and acknowledged."""
    journal = Journal.open(folder / "req.db", folder / "req.key")
    tx_id = journal.create(TxKind.OUTPATIENT).tx_id
    journal.identify(tx_id, _identity(0))
    conn = journal.database.connection()
    before = _used_bytes(conn)
    for _ in range(requests):
        journal.prepare_request(tx_id, "2207", _msgid(), BODY, forward=True)
        [claim] = journal.outbox.claim()
        journal.outbox.ack(claim, RESPONSE)
    each = (_used_bytes(conn) - before) / requests
    journal.close()
    return each


def size_per_transaction(folder: Path, transactions: int) -> dict[str, float]:
    path = folder / "size.db"
    journal = Journal.open(path, folder / "size.key")
    conn = journal.database.connection()
    before = _used_bytes(conn)
    estimate = _breakdown()
    for n in range(transactions):
        tx_id = journal.create(TxKind.OUTPATIENT).tx_id
        journal.identify(tx_id, _identity(n))
        journal.bill(tx_id, [{"med_list_codg": f"X{i:08d}", "fee": "42.83"} for i in range(3)])
        journal.estimate(tx_id, estimate)
        journal.collect(tx_id)
        journal.complete(tx_id)
        for infno in ("2201", "2204", "2207"):
            journal.prepare_request(tx_id, infno, _msgid(), BODY, forward=True)
        for _ in range(3):
            [claim] = journal.outbox.claim()
            journal.outbox.ack(claim, RESPONSE)
        journal.mark_forwarded(tx_id)
        journal.reconcile(tx_id, estimate)
    total = (_used_bytes(conn) - before) / transactions
    tables = {
        name: conn.execute(
            f"SELECT sum(pgsize) FROM dbstat WHERE name = '{name}' OR name IN "
            f"(SELECT name FROM sqlite_master WHERE tbl_name = '{name}' AND type = 'index')"
        ).fetchone()[0]
        or 0
        for name in ("transactions", "requests", "audit_log")
    }
    journal.close()
    return {"total": total, **{k: v / transactions for k, v in tables.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    items, rounds = (200, 3) if args.quick else (1000, 5)
    sizes = [10**3, 10**4] if args.quick else [10**3, 10**4, 10**5, 10**6]
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        folder = Path(tmp)
        rates = throughput(folder, items, rounds)
        print(f"throughput, {items} items x {rounds} rounds, median items/s:")
        for name, rate in rates.items():
            print(f"  {name:14s} {rate:9.0f}")
        for name in ("ours", "ours batched"):
            ours = rates[name]
            print(
                f"  {name:12s} / persist-queue {ours / rates['persist-queue']:.2f}, "
                f"/ raw pair {ours / rates['raw pair']:.2f}, "
                f"/ raw single-row commits {ours / rates['raw']:.2f}"
            )
        print("depth: median microseconds per operation, durable | without fsync")
        for row in depth(folder, sizes, samples=100 if args.quick else 300):
            print(
                f"  pending {row['pending']:>8d}: enqueue {row['enqueue_us']:6.0f} | "
                f"{row['enqueue_nosync_us']:4.0f}  claim {row['claim_us']:5.0f} | "
                f"{row['claim_nosync_us']:4.0f}  ack {row['ack_us']:6.0f} | "
                f"{row['ack_nosync_us']:4.0f}  (filled in {row['fill_s']:.1f} s)"
            )
        per_request = size_per_request(folder, 200 if args.quick else 2000)
        print(f"bytes per forwarded request (row, response, 2 audit rows): {per_request:.0f}")
        sizes_each = size_per_transaction(folder, 200 if args.quick else 1000)
        print("bytes per forwarded offline transaction:")
        for name, value in sizes_each.items():
            print(f"  {name:12s} {value:7.0f}")


if __name__ == "__main__":
    main()
