"""Options shared by the commands, and the one set of rules their values are checked by.

Every value a technician types is checked where argparse reads it (`type=`), so a mistake is
an argparse error naming the argument (`argument --fps: must be a number above 0 ...`, exit 2)
before anything runs; what can only be checked later raises `ArgumentError`, which names the
argument too, never "the configuration file" (docs/cli.md, "Arguments").

Also here: the options of the commands that run the terminal against a platform (which
configuration, which data directory, which platform and payment gateway).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from kernel.errors import ConfigError, MedtermError
from terminal.config import DEFAULT_PATH, TerminalConfig, installed_config_path, load_config

# The demo configurations: terminals of the default world, wired to simulators on loopback.
PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
DEMO_CONFIGS = {
    "hospital": PACKAGING / "terminal.demo.toml",
    "pharmacy": PACKAGING / "terminal.demo-pharmacy.toml",
}

# Upper bounds: beyond these a value is a typo, not a wish (a day, a long load, a fast camera).
MAX_SECONDS = 86_400.0
MAX_COUNT = 1_000_000
MAX_FPS = 120.0  # as devices.camera.fps: 1 to 120
MAX_BAUDRATE = 4_000_000
MAX_RETENTION_DAYS = 36_500.0


class ArgumentError(MedtermError):
    """A command-line argument that is wrong: the argument is named, the configuration file
    is not to blame (that is `ConfigError`)."""

    code = "E050"
    message_zh = "命令参数错误"
    message_en = "invalid command-line argument"
    action = (
        "Correct the named argument and run the command again "
        "(`medterm COMMAND --help` lists the arguments)."
    )
    action_zh = "更正所指出的命令参数后重新运行（`medterm 命令 --help` 列出全部参数）。"


# ---------------------------------------------------------------------------- value checks


def number(
    kind: type[int] | type[float],
    *,
    minimum: float,
    maximum: float,
    above: bool = False,
) -> Callable[[str], int | float]:
    """An argparse `type=`: a finite `kind` from `minimum` (excluded if `above`) to `maximum`.

    NaN, infinities and out-of-range values are refused with the range in the message."""
    lower = f"above {minimum:g}" if above else f"at least {minimum:g}"
    noun = "a whole number" if kind is int else "a number"
    expected = f"{noun} {lower} and at most {maximum:g}"

    def check(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        too_low = value <= minimum if above else value < minimum
        if not math.isfinite(value) or too_low or value > maximum:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    check.__name__ = kind.__name__
    return check


positive_int = number(int, minimum=1, maximum=MAX_COUNT)
non_negative_int = number(int, minimum=0, maximum=MAX_COUNT)
seconds = number(float, minimum=0, maximum=MAX_SECONDS, above=True)
fps = number(float, minimum=1, maximum=MAX_FPS)
baudrate = number(int, minimum=1, maximum=MAX_BAUDRATE)
retention_days = number(float, minimum=0, maximum=MAX_RETENTION_DAYS)


def nonblank(value: str) -> str:
    """An argparse `type=` for free text that must say something (a reason, an identifier)."""
    if not value.strip():
        raise argparse.ArgumentTypeError("must not be empty or only spaces")
    return value


def http_url(value: str) -> str:
    """An argparse `type=`: an http(s) URL with a host (and a valid port, if any)."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not a URL ({err}): {value!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"expected an http(s) URL with a host, got {value!r}")
    return value


def check_argv(argv: list[str]) -> None:
    """Refuse arguments that are not text: bytes that are not UTF-8 reach Python as lone
    surrogates (PEP 383), which no file, database or platform field can hold; a NUL cannot
    come from a shell at all (only from a caller of `main`), and no path may hold one."""
    for position, argument in enumerate(argv, start=1):
        try:
            argument.encode("utf-8")
            if "\x00" in argument:
                raise UnicodeEncodeError("utf-8", argument, 0, 1, "NUL")
        except UnicodeEncodeError:
            shown = os.fsencode(argument).decode("utf-8", "backslashreplace")
            after = f" (after {argv[position - 2]})" if position > 1 else ""
            raise ArgumentError(
                f"argument {position}{after} '{shown}' is not UTF-8 text (or holds a NUL)",
                action="Retype the argument in UTF-8 (check the SSH session's locale, "
                "e.g. LANG=C.UTF-8); medterm takes no file names that are not UTF-8.",
            ) from None


# ---------------------------------------------------------------------------- terminal options


def add_terminal_options(
    parser: argparse.ArgumentParser, *, creates_journal: bool = False
) -> None:
    """The options of a command that runs against a platform; `creates_journal` for the
    commands that take payments, which alone may start a new journal (with
    `--create-journal` when `--data-dir` names another directory than the configuration's)."""
    parser.add_argument(
        "--config",
        type=Path,
        help=f"terminal.toml (default: $MEDTERM_CONFIG, else {DEFAULT_PATH}, else the demo)",
    )
    parser.add_argument(
        "--pharmacy", action="store_true", help="the demo pharmacy counter, not the hospital kiosk"
    )
    parser.add_argument(
        "--platform", type=http_url, metavar="URL", help="platform base URL (overrides config)"
    )
    parser.add_argument(
        "--gateway", type=http_url, metavar="URL", help="payment gateway URL (overrides config)"
    )
    parser.add_argument("--data-dir", type=Path, help="journal directory (overrides config)")
    parser.add_argument(
        "--offline-mode",
        choices=("refuse", "self_pay", "provisional"),
        help="offline policy (overrides config)",
    )
    if creates_journal:
        parser.add_argument(
            "--create-journal",
            action="store_true",
            help="start a new, empty journal in --data-dir if it has none",
        )


def may_create_journal(args: argparse.Namespace) -> bool:
    """Whether a payment command may create the journal: in the configuration's own data
    directory (`store.data_dir`, also from the environment) yes; in a `--data-dir` of the
    command line only with `--create-journal`, so a typo is not a new, empty terminal."""
    return args.data_dir is None or bool(getattr(args, "create_journal", False))


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
    options' own.

    The file (with the environment) is checked first on its own, so that a value the options
    make invalid is reported as an `ArgumentError` naming those options, and a bad file as a
    `ConfigError`."""
    chosen = {
        ("platform", "base_url"): ("--platform", args.platform),
        ("store", "data_dir"): (
            "--data-dir",
            str(args.data_dir.absolute()) if args.data_dir else None,
        ),
        ("offline", "mode"): ("--offline-mode", args.offline_mode),
        ("payment", "gateway_url"): ("--gateway", args.gateway),
    }
    given = {key: value for key, (_, value) in chosen.items() if value is not None}
    path = config_path(args)
    if not given:
        return load_config(path)
    try:
        return load_config(path, overrides=given)
    except ConfigError as err:
        load_config(path)  # the file's own fault (a ConfigError) if it fails without them
        options = ", ".join(option for key, (option, _) in chosen.items() if key in given)
        raise ArgumentError(f"{options}: {err.detail}") from None

