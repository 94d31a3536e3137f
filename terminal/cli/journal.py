"""`medterm journal export|verify|purge`: the journal seen from a technician's SSH session.

`--db` and `--key` name the journal file and its key file (docs/journal.md gives the installed
paths). `verify` never writes; `export` masks personal data; `purge` keeps audit rows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from offline_store.export import write_export
from offline_store.journal import Journal
from offline_store.retention import DEFAULT_RETENTION_DAYS, purge
from offline_store.verify import verify_journal


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("journal", help="inspect, verify and purge the journal")
    commands = parser.add_subparsers(dest="journal_command", required=True, metavar="ACTION")

    def with_paths(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument("--db", type=Path, required=True, help="the journal file")
        sub.add_argument("--key", type=Path, required=True, help="the journal's key file")
        return sub

    export = with_paths(commands.add_parser("export", help="every transaction, masked, as JSONL"))
    export.add_argument("--out", type=Path, help="write here instead of standard output")
    export.set_defaults(handler=_export)

    verify = with_paths(commands.add_parser("verify", help="check file, audit chain and fields"))
    verify.set_defaults(handler=_verify)

    retention = with_paths(commands.add_parser("purge", help="delete old finished transactions"))
    retention.add_argument("--days", type=float, default=DEFAULT_RETENTION_DAYS)
    retention.set_defaults(handler=_purge)


def _export(args: argparse.Namespace) -> int:
    journal = Journal.open(args.db, args.key)
    try:
        if args.out is None:
            count = write_export(journal, sys.stdout)
        else:
            with args.out.open("w", encoding="utf-8") as out:
                count = write_export(journal, out)
    finally:
        journal.close()
    print(f"exported {count} transactions", file=sys.stderr)
    return 0


def _verify(args: argparse.Namespace) -> int:
    report = verify_journal(args.db, args.key)
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def _purge(args: argparse.Namespace) -> int:
    journal = Journal.open(args.db, args.key)
    try:
        result = purge(journal, retention_days=args.days)
    finally:
        journal.close()
    print(f"purged {result.transactions} transactions finished more than {args.days:g} days ago")
    return 0
