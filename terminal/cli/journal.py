"""`medterm journal export|verify|purge`: the journal seen from a technician's SSH session.

`--data-dir` names the terminal's data directory (`journal.db` and `journal.key` inside, see
`offline_store.datadir`); `--db` and `--key` name the files directly and take precedence.
`verify` never writes; `export` masks personal data; `purge` keeps audit rows. None of them
creates a journal: a path without one is an error naming it (docs/journal.md). `export --out`
never writes over the store or an existing file without `--force` (terminal.cli.output).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from offline_store.datadir import (
    StoreFiles,
    require_journal,
)
from offline_store.export import write_export
from offline_store.retention import DEFAULT_RETENTION_DAYS, purge
from offline_store.verify import verify_journal
from terminal.app import open_store, store_files
from terminal.cli.options import ArgumentError, retention_days
from terminal.cli.output import write_output


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("journal", help="inspect, verify and purge the journal")
    commands = parser.add_subparsers(dest="journal_command", required=True, metavar="ACTION")

    def with_paths(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument("--db", type=Path, help="the journal file")
        sub.add_argument("--key", type=Path, help="the journal's key file")
        sub.add_argument(
            "--data-dir", type=Path, help="instead of --db/--key: DIR/journal.db, DIR/journal.key"
        )
        return sub

    export = with_paths(commands.add_parser("export", help="every transaction, masked, as JSONL"))
    export.add_argument("--out", type=Path, help="write here instead of standard output")
    export.add_argument("--force", action="store_true", help="replace an existing --out file")
    export.add_argument(
        "--json", action="store_true", help="JSON lines (the only format; kept for scripts)"
    )
    export.set_defaults(handler=_export)

    verify = with_paths(commands.add_parser("verify", help="check file, audit chain and fields"))
    verify.set_defaults(handler=_verify)

    retention = with_paths(commands.add_parser("purge", help="delete old finished transactions"))
    retention.add_argument(
        "--days",
        type=retention_days,
        default=DEFAULT_RETENTION_DAYS,
        help=f"keep what finished in the last DAYS days (default {DEFAULT_RETENTION_DAYS:g})",
    )
    retention.set_defaults(handler=_purge)


def _paths(args: argparse.Namespace) -> tuple[Path, Path]:
    """--db and --key, or the files of --data-dir (offline_store.datadir's layout)."""
    if args.data_dir is not None:
        if args.db is not None or args.key is not None:
            raise ArgumentError("give either --data-dir or --db and --key, not both")
        return store_files(args.data_dir)
    if args.db is None or args.key is None:
        raise ArgumentError("--db and --key (or --data-dir) are required")
    return args.db, args.key


def _export(args: argparse.Namespace) -> int:
    paths = _paths(args)
    journal = open_store(*paths)
    try:
        if args.out is None:
            count = write_export(journal, sys.stdout)
        else:
            count = write_output(
                args.out,
                lambda out: write_export(journal, out),
                option="--out",
                force=args.force,
                store=StoreFiles.of(*paths),
            )
    finally:
        journal.close()
    print(f"exported {count} transactions", file=sys.stderr)
    return 0


def _verify(args: argparse.Namespace) -> int:
    paths = _paths(args)
    require_journal(paths[0])
    report = verify_journal(*paths)
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def _purge(args: argparse.Namespace) -> int:
    journal = open_store(*_paths(args))
    try:
        result = purge(journal, retention_days=args.days)
    finally:
        journal.close()
    print(f"purged {result.transactions} transactions finished more than {args.days:g} days ago")
    return 0
