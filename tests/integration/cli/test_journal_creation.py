"""Class 2 of issue 11: a mistyped data directory is an error naming it, never a new, empty
terminal. Only a command that takes payments creates a journal, and only in the configured
data directory (or where `--create-journal` says so)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cli_helpers import DEAD_MSGID, Store, assert_intact, clean_env, closed_port_url, medterm

from simulators.central.testing import RunningSimulator
from simulators.paygate.testing import PaygateHandle

READERS = {
    "queue status": ["queue", "status", "--data-dir", "{dir}"],
    "queue resolve": ["queue", "resolve", DEAD_MSGID, "--data-dir", "{dir}", "--reason", "x"],
    "queue retry": ["queue", "retry", DEAD_MSGID, "--pharmacy", "--data-dir", "{dir}"],
    "queue drain": ["queue", "drain", "--pharmacy", "--data-dir", "{dir}", "--platform", "{url}"],
    "journal export": ["journal", "export", "--data-dir", "{dir}"],
    "journal verify": ["journal", "verify", "--data-dir", "{dir}"],
    "journal purge": ["journal", "purge", "--data-dir", "{dir}"],
    "journal verify --db": ["journal", "verify", "--db", "{dir}/journal.db", "--key", "{dir}/k"],
    "reconcile": [
        "reconcile", "--pharmacy", "--data-dir", "{dir}", "--platform", "{url}",
        "--date", "2026-11-23",
    ],
}  # fmt: skip


def argv(template: list[str], directory: Path) -> list[str]:
    url = closed_port_url()
    return [part.replace("{dir}", str(directory)).replace("{url}", url) for part in template]


@pytest.mark.parametrize("command", READERS)
def test_a_command_that_takes_no_payment_never_creates_a_journal(
    store: Store, tmp_path: Path, command: str
) -> None:
    typo = tmp_path / "terminla"
    result = medterm(*argv(READERS[command], typo), env=clean_env())
    assert result.returncode == 2, result.stdout
    assert "[E507]" in result.stderr and str(typo) in result.stderr
    assert not typo.exists()
    assert_intact(store)


def test_a_truncated_journal_is_refused_not_reborn_empty(tmp_path: Path, store: Store) -> None:
    store.journal.write_bytes(b"")  # what an export written over it used to leave
    result = medterm("queue", "status", "--data-dir", str(store.data_dir))
    assert result.returncode == 2 and "[E507]" in result.stderr and "0 bytes" in result.stderr
    assert store.journal.stat().st_size == 0
    verify = medterm("journal", "verify", "--data-dir", str(store.data_dir))
    assert verify.returncode == 2 and "OK" not in verify.stdout


def test_checkout_in_a_mistyped_data_dir_takes_no_money(
    platform: RunningSimulator, gateway: PaygateHandle, tmp_path: Path
) -> None:
    typo = tmp_path / "terminla"
    paid_before = len(gateway.orders())
    result = checkout(platform, gateway, typo)
    assert result.returncode == 2
    assert "[E507]" in result.stderr and "--create-journal" in result.stderr
    assert not typo.exists()
    assert len(gateway.orders()) == paid_before


def test_checkout_creates_the_journal_where_the_configuration_says(
    platform: RunningSimulator, gateway: PaygateHandle, tmp_path: Path
) -> None:
    configured = tmp_path / "var-lib-medterm"
    result = checkout(  # slots differ: two new journals' first msgids must not collide
        platform,
        gateway,
        None,
        env=clean_env(MEDTERM__STORE__DATA_DIR=str(configured), MEDTERM__TERMINAL__SLOT="7"),
    )
    assert result.returncode == 0, result.stderr
    assert (configured / "journal.db").stat().st_size > 0


def test_create_journal_starts_a_new_terminal_in_a_named_directory(
    platform: RunningSimulator, gateway: PaygateHandle, tmp_path: Path
) -> None:
    fresh = tmp_path / "new-terminal"
    result = checkout(
        platform, gateway, fresh, "--create-journal", env=clean_env(MEDTERM__TERMINAL__SLOT="8")
    )
    assert result.returncode == 0, result.stderr
    assert "settled" in result.stdout
    assert (fresh / "journal.db").stat().st_size > 0


def checkout(
    platform: RunningSimulator,
    gateway: PaygateHandle,
    data_dir: Path | None,
    *extra: str,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    where = [] if data_dir is None else ["--data-dir", str(data_dir)]
    return medterm(
        "checkout", "--pharmacy", "--platform", platform.url, "--gateway", gateway.url,
        "--certno", "440300198503121010", "--item", "D0003:15.60:1", *where, *extra,
        env=env or clean_env(),
    )  # fmt: skip
