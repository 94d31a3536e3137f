"""Options shared by the commands that run the terminal against a platform: which
configuration, which data directory, which platform and payment gateway."""

from __future__ import annotations

import argparse
import os
import tomllib
from pathlib import Path

from terminal.config import TerminalConfig, env_overrides
from terminal.errors import ConfigError

# The demo configurations: terminals of the default world, wired to simulators on loopback.
PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
DEMO_CONFIGS = {
    "hospital": PACKAGING / "terminal.demo.toml",
    "pharmacy": PACKAGING / "terminal.demo-pharmacy.toml",
}


def add_terminal_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="terminal.toml (default: the demo terminal)")
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


def terminal_config(args: argparse.Namespace) -> TerminalConfig:
    """The configuration named by the options, with their overrides and the environment's."""
    path: Path = args.config or DEMO_CONFIGS["pharmacy" if args.pharmacy else "hospital"]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"cannot read {path}: {err.strerror}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path} is not valid TOML: {err}") from None
    overrides = env_overrides(os.environ)
    chosen = {
        ("platform", "base_url"): args.platform,
        ("store", "data_dir"): str(args.data_dir.resolve()) if args.data_dir else None,
        ("offline", "mode"): args.offline_mode,
        ("payment", "gateway_url"): args.gateway,
    }
    overrides.update({key: value for key, value in chosen.items() if value is not None})
    return TerminalConfig.from_mapping(data, base_dir=path.parent, overrides=overrides)


def gateway_url(config: TerminalConfig) -> str:
    url = config.payment.get("gateway_url")
    if not isinstance(url, str) or not url:
        raise ConfigError("payment.gateway_url is required to collect the self-pay part")
    return url
