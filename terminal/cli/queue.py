"""`medterm queue status|drain|retry|resolve`: the outbox from a technician's SSH session.

`status` only reads; `drain` forwards everything now (the terminal's own forwarder may run at
the same time: leases keep the two from sending one request twice at once, and the platform
deduplicates by msgid anyway); `retry` queues a dead letter again under a new msgid; `resolve`
closes one without sending, with a reason kept in the audit log.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from offline_store.forwarder import recorded_breaker_state
from offline_store.journal import Journal
from offline_store.selling import selling_stop
from terminal.app import Terminal, open_store, store_files
from terminal.central.errors import SignInRefused
from terminal.cli.options import (
    ArgumentError,
    add_terminal_options,
    nonblank,
    seconds,
    terminal_config,
)
from terminal.config import TerminalConfig


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("queue", help="the platform request queue and dead letters")
    commands = parser.add_subparsers(dest="queue_command", required=True, metavar="ACTION")

    status = commands.add_parser("status", help="pending, oldest, in flight, dead letters")
    status.add_argument("--data-dir", type=Path, required=True, help="the journal's directory")
    status.add_argument("--json", action="store_true", help="one JSON object")
    status.set_defaults(handler=_status)

    drain = commands.add_parser("drain", help="forward every queued request now")
    add_terminal_options(drain)
    drain.add_argument("--timeout", type=seconds, default=120.0, help="seconds (default 120)")
    drain.set_defaults(handler=_drain)

    retry = commands.add_parser("retry", help="send a dead letter again under a new msgid")
    retry.add_argument("msgid", type=nonblank, metavar="ID", help="the dead letter's msgid")
    add_terminal_options(retry)
    retry.set_defaults(handler=_retry)

    resolve = commands.add_parser("resolve", help="close a dead letter without sending it")
    resolve.add_argument("msgid", type=nonblank, metavar="ID", help="the dead letter's msgid")
    resolve.add_argument("--data-dir", type=Path, required=True, help="the journal's directory")
    resolve.add_argument(
        "--reason", type=nonblank, required=True, help="why (kept in the audit log)"
    )
    resolve.set_defaults(handler=_resolve)


def queue_status(journal: Journal, *, now: float | None = None) -> dict[str, Any]:
    """What `queue status` shows, as plain data (no personal data: ids, counts, messages)."""
    now = time.time() if now is None else now
    status = journal.outbox.status()
    breaker = recorded_breaker_state(journal)
    running = breaker is not None and _alive(breaker[1])
    stop = selling_stop(journal)
    return {
        "selling_stopped": None
        if stop is None
        else {"reason": stop.reason, "code": stop.code, "since": stop.since},
        "pending": status.pending,
        "oldest_age_s": None
        if status.oldest_enqueued_at is None
        else round(now - status.oldest_enqueued_at, 1),
        "in_flight": journal.outbox.in_flight(),
        "next_attempt_in_s": None
        if status.next_attempt_at is None
        else round(max(0.0, status.next_attempt_at - now), 1),
        "dead_letters_open": status.dead_letters_open,
        "breaker": breaker[0] if breaker is not None and running else None,
        "dead_letters": [
            {
                "msgid": d.msgid,
                "infno": d.infno,
                "tx_id": d.tx_id,
                "attempts": d.attempts,
                "age_s": round(now - d.dead_at, 1),
                "message": d.message,
            }
            for d in journal.outbox.dead_letters()
        ],
    }


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _status(args: argparse.Namespace) -> int:
    journal = open_store(*store_files(args.data_dir))
    try:
        shown = queue_status(journal)
    finally:
        journal.close()
    if args.json:
        print(json.dumps(shown, ensure_ascii=False, indent=2))
        return 0
    age = shown["oldest_age_s"]
    print(f"pending:      {shown['pending']}" + ("" if age is None else f" (oldest {age:.0f} s)"))
    print(f"in flight:    {shown['in_flight']}")
    print(f"dead letters: {shown['dead_letters_open']}")
    print(f"platform link: {shown['breaker'] or 'no forwarder running'}")
    stop = shown["selling_stopped"]
    if stop is not None:
        since = datetime.fromtimestamp(stop["since"]).strftime("%Y-%m-%d %H:%M:%S")
        print(f"SELLING STOPPED since {since} [{stop['code']}]: the platform refused the sign-in:")
        print(f"  {stop['reason']}")
        print("  correct the configuration; selling resumes at the first successful sign-in")
    for dead in shown["dead_letters"]:
        print(
            f"  {dead['msgid']}  {dead['infno']}  {dead['attempts']} attempt(s)  {dead['message']}"
        )
    return 0


def _config(args: argparse.Namespace) -> TerminalConfig:
    if args.data_dir is None:
        raise ArgumentError("--data-dir is required")
    return terminal_config(args)


def _drain(args: argparse.Namespace) -> int:
    with Terminal.open(_config(args), create_journal=False) as terminal:
        result = terminal.forwarder().drain(args.timeout)
    print(
        f"forwarded {result.succeeded}, dead letters {result.dead}, retries {result.retries}, "
        f"still queued {result.remaining} ({result.elapsed:.1f} s)"
    )
    if result.stopped:
        print(f"medterm: forwarding stopped: {result.stopped}", file=sys.stderr)
        print(f"  what to do: {SignInRefused.action}", file=sys.stderr)
        return 2
    return 0 if result.remaining == 0 and result.dead == 0 else 1


def _retry(args: argparse.Namespace) -> int:
    with Terminal.open(_config(args), create_journal=False) as terminal:
        new = terminal.journal.outbox.retry_dead_letter(
            args.msgid, new_msgid=terminal.allocator.next()
        )
    print(f"{args.msgid} queued again as {new.msgid}")
    return 0


def _resolve(args: argparse.Namespace) -> int:
    journal = open_store(*store_files(args.data_dir))
    try:
        journal.outbox.resolve_dead_letter(args.msgid, reason=args.reason)
    finally:
        journal.close()
    print(f"{args.msgid} resolved")
    return 0
