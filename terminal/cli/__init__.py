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
    "terminal.cli.kiosk",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="medterm", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; a typed error becomes a few lines on stderr and exit status 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except MedtermError as err:
        print(error_report(err), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def error_report(err: MedtermError) -> str:
    """What the person at the console reads: the code and what went wrong, the platform's own
    words when it refused (often the whole reason, as for an e-voucher already used), and what
    to do, in English and Chinese. Printed, never logged: the platform's words may name the
    patient."""
    lines = [f"medterm: {err.describe()}"]
    if err.platform_message:
        lines.append(f"  platform's message: {err.platform_message}")
    lines.append(f"  what to do: {err.action}")
    lines.append(f"  {err.message_zh}：{err.action_zh}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
