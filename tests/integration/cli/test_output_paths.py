"""Class 1 of issue 11: no command writes over the store, nor over an existing file unless
told to (`--force`), and a failed write leaves nothing half-written."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from cli_helpers import Store, assert_intact, clean_env, closed_port_url, medterm

STORE_FILES = ["journal.db", "journal.key", "journal.db-wal", "journal.db-shm", "notes.txt"]


@pytest.mark.parametrize("name", STORE_FILES)
def test_export_never_writes_into_the_data_directory_even_with_force(
    store: Store, name: str
) -> None:
    target = store.data_dir / name
    result = medterm(
        "journal", "export", "--data-dir", str(store.data_dir), "--out", str(target), "--force"
    )
    assert result.returncode == 2
    assert "[E051]" in result.stderr and "store" in result.stderr
    assert_intact(store)


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_export_sees_through_links_to_the_store(
    store: Store, tmp_path: Path, link: str
) -> None:
    elsewhere = tmp_path / "exports"
    elsewhere.mkdir()
    disguised = elsewhere / "export.jsonl"
    if link == "symlink":
        disguised.symlink_to(store.journal)
    else:
        os.link(store.key, disguised)
    result = medterm(
        "journal", "export", "--data-dir", str(store.data_dir), "--out", str(disguised), "--force"
    )
    assert result.returncode == 2 and "[E051]" in result.stderr
    assert_intact(store)


def test_export_refuses_an_existing_file_without_force(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "export.jsonl"
    target.write_text("yesterday's export\n", encoding="utf-8")
    refused = medterm("journal", "export", "--data-dir", str(store.data_dir), "--out", str(target))
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert target.read_text(encoding="utf-8") == "yesterday's export\n"

    forced = medterm(
        "journal", "export", "--data-dir", str(store.data_dir), "--out", str(target), "--force"
    )
    assert forced.returncode == 0, forced.stderr
    assert target.read_text(encoding="utf-8") == store.export
    assert_intact(store)


def test_reconcile_refuses_a_csv_in_the_store_before_asking_the_platform(store: Store) -> None:
    result = medterm(
        "reconcile", "--pharmacy", "--data-dir", str(store.data_dir), "--platform",
        closed_port_url(), "--date", "2026-11-23", "--csv", str(store.journal), "--force",
        env=clean_env(),
    )  # fmt: skip
    assert result.returncode == 2
    assert "[E051]" in result.stderr and "--csv" in result.stderr
    assert_intact(store)


def test_diag_scan_refuses_the_journal_as_its_replay_memory(store: Store) -> None:
    result = medterm(
        "diag", "scan", "--port", "/dev/medterm-none", "--replay-db", str(store.journal)
    )
    assert result.returncode == 2
    assert "[E051]" in result.stderr and "not a replay memory" in result.stderr
    assert_intact(store)


def test_a_full_disk_leaves_no_partial_file(store: Store, tmp_path: Path) -> None:
    full = tmp_path / "tiny"
    full.mkdir()
    mounted = subprocess_ok("mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", str(full))
    if not mounted:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        (full / "filler").write_bytes(b"x" * 4096)  # the 4 KiB are used up
        result = medterm(
            "journal", "export", "--data-dir", str(store.data_dir), "--out", str(full / "e.jsonl")
        )
        assert result.returncode == 2, result.stderr
        assert "[E052]" in result.stderr and "the disk is full" in result.stderr
        assert "Traceback" not in result.stderr
        assert sorted(p.name for p in full.iterdir()) == ["filler"]
    finally:
        subprocess_ok("umount", str(full))
    assert_intact(store)


def subprocess_ok(*argv: str) -> bool:
    return subprocess.run(argv, capture_output=True).returncode == 0
