"""The `medterm` command line: what a technician uses over SSH, and what tests drive.

Each subcommand group lives in its own module exposing `register(subparsers)`; this module only
assembles them, so adding a command touches one line here.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from kernel.errors import MedtermError
from terminal.cli.options import check_argv
from terminal.cli.output import EscapingStream

# 128 + SIGPIPE: what a shell reports for a coreutils program whose reader went away
EXIT_BROKEN_PIPE = 141

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
    "terminal.cli.rx",
    "terminal.cli.plan",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="medterm", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command (docs/cli.md, "Exit status"): typed errors become one line on stderr
    and exit status 2, as argparse's own; everything printed passes through `printable`, so
    text from a device, a file or the platform cannot drive the terminal; a reader that goes
    away (`journal export | head`) ends the command quietly, as it ends coreutils."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapingStream(stdout), EscapingStream(stderr)  # type: ignore[assignment]
    try:
        status = _run(arguments)
        stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return status
    except BrokenPipeError:
        _silence(stdout)
        return EXIT_BROKEN_PIPE
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _run(arguments: list[str]) -> int:
    try:
        check_argv(arguments)
        try:
            args = build_parser().parse_args(arguments)
        except SystemExit as leaving:  # usage errors (2) and --help (0), as a status
            return leaving.code if isinstance(leaving.code, int) else 2
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


def _silence(stdout: object) -> None:
    """Point the closed stdout at /dev/null, so the interpreter's last flush does not fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())  # type: ignore[attr-defined]
        os.close(devnull)
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        pass


if __name__ == "__main__":
    sys.exit(main())
