"""Helpers of the command-line tests: a terminal's data directory with a real journal in it
(a transaction, a request forwarded and refused into a dead letter), `medterm` as a real
process or through `main()`, and the check these tests end with: the store is intact and
`journal verify` says so."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kernel.records import PersonIdentity
from kernel.states import TxKind
from offline_store.datadir import journal_path, key_path_of, open_journal
from terminal.cli import main

DEAD_MSGID = "H44030000001202611231200000001"
# each command of these tests is bounded: a hang is a failure, not a stuck CI job
COMMAND_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class Store:
    """A data directory and what it held when the test began."""

    data_dir: Path
    key_digest: str
    export: str
    verdict: str  # the last line of `journal verify`: "OK: N audit rows, ..."

    @property
    def journal(self) -> Path:
        return journal_path(self.data_dir)

    @property
    def key(self) -> Path:
        return key_path_of(self.data_dir)


def in_process(*args: str) -> tuple[int, str]:
    """`terminal.cli.main(ARGS)` in this process (the checks are quicker so): status, stdout."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue() + err.getvalue() * (status != 0)


def exported(data_dir: Path) -> str:
    """Every transaction of the journal, as `journal export` prints it."""
    status, out = in_process("journal", "export", "--data-dir", str(data_dir))
    assert status == 0, out
    return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_intact(store: Store) -> None:
    """The journal, its key and its contents are what they were, and `journal verify` (the
    real command) finds nothing wrong."""
    assert digest(store.key) == store.key_digest, "the key file changed"
    assert exported(store.data_dir) == store.export, "the journal's contents changed"
    assert verified(store.data_dir) == store.verdict


def verified(data_dir: Path) -> str:
    """`journal verify`'s verdict, which must be OK."""
    status, out = in_process("journal", "verify", "--data-dir", str(data_dir))
    assert status == 0, out
    verdict = out.splitlines()[-1]
    assert verdict.startswith("OK: ") and not verdict.startswith("OK: 0 audit rows"), verdict
    return verdict


def medterm(
    *args: str | bytes, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m terminal.cli ARGS` as a technician runs it, bounded in time."""
    return subprocess.run(
        [sys.executable, "-m", "terminal.cli", *args],
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=COMMAND_TIMEOUT_S,
        cwd=cwd,
        env=env,
    )


def closed_port_url() -> str:
    """A loopback URL nothing listens on: a command that contacts it fails at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any MEDTERM override, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDTERM")}
    return {**env, **extra}


def make_store(data_dir: Path) -> Store:
    """A journal made through the store's own API, as a terminal leaves it after one sale
    whose request the platform refused."""
    journal = open_journal(data_dir, create=True)
    try:
        tx = journal.create(TxKind.PHARMACY)
        journal.identify(tx.tx_id, PersonIdentity(cert_type="02", certno="440300198503121010"))
        journal.prepare_request(
            tx.tx_id, "2207", DEAD_MSGID, {"msgid": DEAD_MSGID}, forward=True
        )
        [claim] = journal.outbox.claim()
        journal.outbox.fail(claim, message="fixmedins_code unknown")
    finally:
        journal.close()
    return Store(
        data_dir, digest(key_path_of(data_dir)), exported(data_dir), verified(data_dir)
    )


