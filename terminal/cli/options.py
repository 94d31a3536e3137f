"""Options shared by the commands that run the terminal against a platform: which
configuration, which data directory, which platform and payment gateway."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from terminal.config import DEFAULT_PATH, TerminalConfig, installed_config_path, load_config

# The demo configurations: terminals of the default world, wired to simulators on loopback.
PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
DEMO_CONFIGS = {
    "hospital": PACKAGING / "terminal.demo.toml",
    "pharmacy": PACKAGING / "terminal.demo-pharmacy.toml",
}


def add_terminal_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        help=f"terminal.toml (default: $MEDTERM_CONFIG, else {DEFAULT_PATH}, else the demo)",
    )
    parser.add_argument(
        "--pharmacy", action="store_true", help="the demo pharmacy counter, not the hospital kiosk"
    )
    parser.add_argument("--platform", metavar="URL", help="platform base URL (overrides config)")
    parser.add_argument("--gateway", metavar="URL", help="payment gateway URL (overrides config)")
    parser.add_argument("--data-dir", type=Path, help="journal directory (overrides config)")
    parser.add_argument(
        "--offline-mode",
        choices=("refuse", "self_pay", "provisional"),
        help="offline policy (overrides config)",
    )


def config_path(args: argparse.Namespace, env: Mapping[str, str] = os.environ) -> Path:
    """Which terminal.toml the command runs with: `--config`, the demo pharmacy for
    `--pharmacy`, `$MEDTERM_CONFIG`, the installed file; only on a machine with none of these
    (a developer's) the demo hospital kiosk, and the command says so on stderr, so that a
    technician on a terminal never works on the demo's settings without noticing."""
    if args.config is not None:
        return Path(args.config)
    if getattr(args, "pharmacy", False):  # the diag and face commands have no --pharmacy
        return DEMO_CONFIGS["pharmacy"]
    installed = installed_config_path(env)
    if env.get("MEDTERM_CONFIG") or installed.exists():
        return installed
    demo = DEMO_CONFIGS["hospital"]
    print(f"medterm: no {installed}, no --config: using the demo kiosk {demo}", file=sys.stderr)
    return demo


def terminal_config(args: argparse.Namespace) -> TerminalConfig:
    """The configuration named by the options, with the environment's overrides and then the
    options' own."""
    chosen = {
        ("platform", "base_url"): args.platform,
        ("store", "data_dir"): str(args.data_dir.resolve()) if args.data_dir else None,
        ("offline", "mode"): args.offline_mode,
        ("payment", "gateway_url"): args.gateway,
    }
    return load_config(
        config_path(args),
        overrides={key: value for key, value in chosen.items() if value is not None},
    )

