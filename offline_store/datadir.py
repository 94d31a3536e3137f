"""Where a terminal's journal lives inside its data directory (`store.data_dir`).

One convention for the application, the command line and the tests:

    DATA_DIR/journal.db     the SQLite journal (with its -wal and -shm files)
    DATA_DIR/journal.key    its 32-byte field-encryption key, mode 0600 (created on first start)

The key may be kept elsewhere (a root-only directory, removable media) by passing `key_path`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from offline_store.journal import Journal

JOURNAL_FILE = "journal.db"
KEY_FILE = "journal.key"


def journal_path(data_dir: Path) -> Path:
    return Path(data_dir) / JOURNAL_FILE


def key_path_of(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_FILE


def open_journal(
    data_dir: Path,
    *,
    key_path: Path | None = None,
    clock: Callable[[], float] = time.time,
    check_integrity: bool = True,
) -> Journal:
    """Open (creating if missing) the journal of `data_dir`, with the typed errors of
    `Journal.open` (damaged file, missing or wrong key, read-only disk, newer schema)."""
    return Journal.open(
        journal_path(data_dir),
        key_path if key_path is not None else key_path_of(data_dir),
        clock=clock,
        check_integrity=check_integrity,
    )
