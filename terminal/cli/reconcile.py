"""`medterm reconcile --date YYYY-MM-DD`: the day's report, checked with the platform (3201,
then 3202 when the totals differ), printed as a table and optionally written as CSV.

Exit status 0 when the platform balanced, 1 when it did not (the table says what differs).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from kernel.errors import ConfigError
from offline_store.datadir import open_journal
from offline_store.reconcile import format_table, report_rows, write_csv
from terminal.central.client import PlatformClient
from terminal.cli.options import add_terminal_options, terminal_config
from terminal.flows.forwarding import msgid_allocator
from terminal.flows.reconcile import reconcile_day
from terminal.flows.selling import SellingGuard


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("reconcile", help="reconcile a day's settlements (3201/3202)")
    add_terminal_options(parser)
    parser.add_argument("--date", type=_day, required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="also write the report as CSV")
    parser.set_defaults(handler=_reconcile)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a date as YYYY-MM-DD") from None


def _reconcile(args: argparse.Namespace) -> int:
    if args.data_dir is None:
        raise ConfigError("--data-dir is required")
    config = terminal_config(args)
    journal = open_journal(config.store.data_dir)
    client = PlatformClient(
        config, msgid_allocator(config, journal), sign_in_watch=SellingGuard(journal)
    )
    try:
        report, platform = reconcile_day(journal, client, config, args.date)
    finally:
        client.close()
        journal.close()
    rows = report_rows(report) + platform.as_rows()
    print(
        f"reconciliation of {args.date.isoformat()}: "
        + ("balanced" if platform.balanced else "NOT balanced")
    )
    print(format_table(rows))
    if args.csv is not None:
        with args.csv.open("w", encoding="utf-8", newline="") as out:
            write_csv(rows, out)
    return 0 if platform.balanced else 1
