"""`medterm reconcile --date YYYY-MM-DD`: the day's report, checked with the platform (3201,
then 3202 when the totals differ), printed as a table and optionally written as CSV.

Exit status 0 when the platform balanced, 1 when it did not (the table says what differs).
The journal must exist (reconciling never creates one); `--csv` is checked before the platform
is asked, and never writes over the store or an existing file without `--force`.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from offline_store.datadir import StoreFiles
from offline_store.reconcile import format_table, report_rows, write_csv
from terminal.app import Terminal
from terminal.cli.options import ArgumentError, add_terminal_options, terminal_config
from terminal.cli.output import check_output_path, write_output
from terminal.flows.reconcile import reconcile_day


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("reconcile", help="reconcile a day's settlements (3201/3202)")
    add_terminal_options(parser)
    parser.add_argument("--date", type=_day, required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="also write the report as CSV")
    parser.add_argument("--force", action="store_true", help="replace an existing --csv file")
    parser.set_defaults(handler=_reconcile)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a date as YYYY-MM-DD") from None


def _reconcile(args: argparse.Namespace) -> int:
    if args.data_dir is None:
        raise ArgumentError("--data-dir is required")
    config = terminal_config(args)
    store = StoreFiles.of_data_dir(config.store.data_dir)
    if args.csv is not None:
        check_output_path(args.csv, option="--csv", force=args.force, store=store)
    with Terminal.open(config, create_journal=False) as terminal:
        report, platform = reconcile_day(terminal.journal, terminal.client, config, args.date)
    rows = report_rows(report) + platform.as_rows()
    print(
        f"reconciliation of {args.date.isoformat()}: "
        + ("balanced" if platform.balanced else "NOT balanced")
    )
    print(format_table(rows))
    if args.csv is not None:
        write_output(
            args.csv,
            lambda out: write_csv(rows, out),
            option="--csv",
            force=args.force,
            store=store,
            newline="",
        )
    return 0 if platform.balanced else 1
