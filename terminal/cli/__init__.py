"""The `medterm` command line: what a technician uses over SSH, and what tests drive.

Each subcommand group lives in its own module exposing `register(subparsers)`; this module only
assembles them, so adding a command touches one line here.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from kernel.errors import MedtermError

# Each module registers its subcommands (and sets `handler` on its parsers).
COMMAND_MODULES: tuple[str, ...] = (
    "terminal.cli.face",
    "terminal.cli.journal",
    "terminal.cli.checkout",
    "terminal.cli.load",
    "terminal.cli.demo",
    "terminal.cli.queue",
    "terminal.cli.reconcile",
    "terminal.cli.diag",
    "terminal.cli.rx",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="medterm", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; typed errors become one line on stderr and exit status 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except MedtermError as err:
        print(f"medterm: {err.describe()}\n  what to do: {err.action}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
