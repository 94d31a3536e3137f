"""Fuzzing the command line's arguments (issue 11): every subcommand of the real parser, with
its own flags given garbage values (unicode, undecodable bytes, negative and non-finite
numbers, empty and missing values, paths that are files, folders or the store itself).

Whatever is typed, `medterm` answers with an exit status of docs/cli.md ("Exit status") and
never a traceback, within `BOUND_S` seconds. Each example runs `terminal.cli.main` in a forked
child (the imports are paid once), in its own empty folder, with the platform and the gateway
on a closed loopback port, so nothing leaves this machine and a failure is fast. The CI run is
deterministic and small (`EXAMPLES`, a few seconds); `HYPOTHESIS_PROFILE=explore pytest
tests/fuzz/test_cli_arguments.py` also runs a longer, new campaign each time (about a minute).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kernel.records import PersonIdentity
from kernel.states import TxKind
from offline_store.datadir import open_journal
from terminal.cli import build_parser

BOUND_S = 20.0
EXAMPLES = 100
DOCUMENTED_EXITS = {0, 1, 2, 130, 141}
TRACEBACK_EXIT = 70  # the child's own status for an exception that escaped main()


def leaf_commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[
    tuple[tuple[str, ...], argparse.ArgumentParser]
]:
    """Every runnable subcommand of the parser, as (words, its parser)."""
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups:
        yield path, parser
        return
    for name, sub in groups[0].choices.items():
        yield from leaf_commands(sub, (*path, name))


# `kiosk` runs until a technician closes it, as a service does: it is not a command that ends
# by itself, so the bounded fuzz leaves it out (its arguments are checked in tests/ui).
LONG_RUNNING = {("kiosk",)}
COMMANDS = {
    words: parser
    for words, parser in leaf_commands(build_parser())
    if words not in LONG_RUNNING
}


def required_of(parser: argparse.ArgumentParser) -> list[str]:
    """The options a subcommand requires (one of each required group): given a value, so
    that the examples get past argparse into the command."""
    required = [a.option_strings[0] for a in parser._actions if a.required and a.option_strings]
    for group in parser._mutually_exclusive_groups:
        if group.required:
            required.append(group._group_actions[0].option_strings[0])
    return required


def positionals_of(parser: argparse.ArgumentParser) -> int:
    return sum(1 for a in parser._actions if not a.option_strings and a.required)


def flags_of(parser: argparse.ArgumentParser) -> list[str]:
    return [
        option
        for action in parser._actions
        for option in action.option_strings
        if option not in ("-h", "--help")
    ]


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a real journal (`store/`), a file and an empty folder, for the values
    that name paths."""
    root = tmp_path_factory.mktemp("cli-fuzz")
    journal = open_journal(root / "store", create=True)
    tx = journal.create(TxKind.PHARMACY)
    journal.identify(tx.tx_id, PersonIdentity(cert_type="02", certno="440300198503121010"))
    journal.close()
    (root / "a-file").write_text("not a directory\n", encoding="utf-8")
    (root / "empty").mkdir()
    return root


def values(root: Path) -> st.SearchStrategy[str]:
    paths = [
        root / "store",
        root / "store" / "journal.db",
        root / "store" / "journal.key",
        root / "a-file",
        root / "empty",
        root / "missing" / "x",
    ]
    numbers = st.sampled_from(["0", "-1", "-0.5", "nan", "inf", "-inf", "1e309", "3", "1_0"])
    plausible = st.sampled_from(
        ["1", "0.5", "2026-11-23", closed_port_url(), "D0003:15.60:1", "440300198503121010",
         "H44030000001202611231200000001", "/dev/medterm-none", "hospital"]
    )  # fmt: skip
    return st.one_of(
        plausible,
        numbers,
        st.integers(min_value=-(10**12), max_value=10**12).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.sampled_from([str(p) for p in paths]),
        st.sampled_from(["", " ", "-", "--", "http://[::1", "ftp://x", "2026-02-30", "A:B"]),
        st.text(max_size=12),
        st.binary(max_size=8).map(os.fsdecode),  # undecodable bytes arrive as surrogates
    )


def argument_lists(root: Path) -> st.SearchStrategy[list[str]]:
    """A subcommand, then up to five of its flags, each maybe followed by a garbage value,
    and maybe a stray positional."""

    def for_command(words: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
        parser = COMMANDS[words]
        flag = st.sampled_from(flags_of(parser) or ["--json"])
        pair = st.tuples(flag, st.one_of(st.none(), values(root))).map(
            lambda fv: [fv[0]] if fv[1] is None else [fv[0], fv[1]]
        )
        required = st.tuples(*(st.tuples(st.just(o), values(root)) for o in required_of(parser)))
        positionals = st.lists(values(root), min_size=0, max_size=positionals_of(parser) + 1)
        return st.tuples(required, st.lists(pair, max_size=4), positionals).map(
            lambda parts: [
                *words,
                *parts[2],
                *(x for p in parts[0] for x in p),
                *(x for p in parts[1] for x in p),
            ]
        )

    return st.sampled_from(sorted(COMMANDS)).flatmap(for_command)


def _child(argv: list[str], folder: str, env: dict[str, str]) -> None:
    """Run one command as `medterm` would, its output in files of `folder`."""
    os.chdir(folder)
    os.environ.clear()
    os.environ.update(env)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(handle, fd)
        os.close(handle)
    sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    from terminal.cli import main

    try:
        status = main(argv)
    except SystemExit as leaving:  # argparse's usage errors
        status = leaving.code if isinstance(leaving.code, int) else 2
    except BaseException:
        traceback.print_exc()
        status = TRACEBACK_EXIT
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def run_bounded(argv: list[str], root: Path) -> tuple[int | None, str]:
    """Exit status (None: still running after BOUND_S, then killed) and stderr."""
    url = closed_port_url()
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("MEDTERM")
    } | {
        "MEDTERM__PLATFORM__BASE_URL": url,
        "MEDTERM__PAYMENT__GATEWAY_URL": url,
        "MEDTERM__STORE__DATA_DIR": str(root / "configured"),
        "MEDTERM_CONFIG": str(Path(__file__).resolve().parents[2] / "packaging"
                              / "terminal.demo.toml"),
    }  # fmt: skip
    with tempfile.TemporaryDirectory(dir=root) as folder:
        child = multiprocessing.get_context("fork").Process(target=_child, args=(argv, folder, env))
        child.start()
        child.join(BOUND_S)
        if child.is_alive():
            child.kill()
            child.join()
            return None, Path(folder, "stderr").read_text(errors="replace")
        return child.exitcode, Path(folder, "stderr").read_text(errors="replace")


def check(argv: list[str], root: Path) -> None:
    status, errors = run_bounded(argv, root)
    shown = [a.encode("utf-8", "backslashreplace").decode() for a in argv]
    assert status is not None, f"still running after {BOUND_S:g} s: medterm {shown}"
    assert "Traceback" not in errors, f"medterm {shown}:\n{errors}"
    assert status in DOCUMENTED_EXITS, f"medterm {shown}: exit {status}\n{errors}"


def test_every_subcommand_is_fuzzed() -> None:
    assert {words[0] for words in COMMANDS} >= {
        "face", "journal", "checkout", "load", "demo", "queue", "reconcile", "diag"
    }  # fmt: skip
    assert len(COMMANDS) >= 20


@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_no_argument_list_gets_a_traceback_or_a_hang(sandbox: Path, data: st.DataObject) -> None:
    check(data.draw(argument_lists(sandbox), label="argv"), sandbox)


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("HYPOTHESIS_PROFILE") != "explore",
    reason="the long campaign runs with HYPOTHESIS_PROFILE=explore",
)
@settings(max_examples=2000, derandomize=False)
@given(data=st.data())
def test_a_long_campaign_finds_no_traceback_or_hang(sandbox: Path, data: st.DataObject) -> None:
    check(data.draw(argument_lists(sandbox), label="argv"), sandbox)
