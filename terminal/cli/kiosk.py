"""`medterm kiosk`: the patient kiosk on this terminal's platform and devices.

The screens (ui/, PySide6) are imported inside `run` only, so that importing the command
line, as every core test does, never loads Qt (tests/unit/architecture/test_layering.py).
"""

from __future__ import annotations

import argparse
from typing import Any

from terminal.cli.options import add_terminal_options, terminal_config


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("kiosk", help="start the patient kiosk (full screen)")
    add_terminal_options(parser)
    parser.add_argument("--lang", choices=("zh_CN", "en"), default="zh_CN",
                        help="language at start (the patient can switch on the welcome screen)")
    parser.add_argument("--elder", action="store_true", help="start in elder mode (large type)")
    parser.add_argument("--windowed", action="store_true",
                        help="a normal window instead of locked full screen (development)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ui.kiosk.main import run_kiosk  # Qt only when the kiosk really starts

    return run_kiosk(
        terminal_config(args), language=args.lang, elder=args.elder, windowed=args.windowed
    )
