"""Where a terminal's journal lives inside its data directory (`store.data_dir`), and who may
create one there.

One convention for the application, the command line and the tests:

    DATA_DIR/journal.db     the SQLite journal (with its -wal and -shm files, and the
                            forwarder's journal.db.forwarder.lock)
    DATA_DIR/journal.key    its 32-byte field-encryption key, mode 0600 (created on first start)

The key may be kept elsewhere (a root-only directory, removable media) by passing `key_path`.

Opening is `create=False` unless the caller says otherwise: only what takes payments (the
composition root, for `checkout`, `load`, `demo` and the kiosk) creates a journal, so a
mistyped `--data-dir` given to `queue status` or `journal export` is an error naming the path
(`JournalNotFoundError`), not a new, empty terminal (docs/cli.md, "Who creates a journal").
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from offline_store.errors import DataDirError, JournalNotFoundError, KeyMissingError
from offline_store.journal import Journal

JOURNAL_FILE = "journal.db"
KEY_FILE = "journal.key"
# SQLite's companions of the journal file, and the forwarder's lock (offline_store.ownership)
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal", ".forwarder.lock")


def journal_path(data_dir: Path) -> Path:
    return Path(data_dir) / JOURNAL_FILE


def key_path_of(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_FILE


def open_journal(
    data_dir: Path,
    *,
    create: bool = False,
    key_path: Path | None = None,
    clock: Callable[[], float] = time.time,
    check_integrity: bool = True,
) -> Journal:
    """Open the journal of `data_dir` (creating the directory, journal and key only with
    `create=True`), with the typed errors of `Journal.open` (damaged file, missing or wrong
    key, read-only disk, newer schema) and of `open_journal_files`."""
    data_dir = Path(data_dir)
    _require_directory(data_dir, create=create)
    return open_journal_files(
        journal_path(data_dir),
        key_path if key_path is not None else key_path_of(data_dir),
        create=create,
        clock=clock,
        check_integrity=check_integrity,
    )


def open_journal_files(
    db_path: Path,
    key_path: Path,
    *,
    create: bool = False,
    clock: Callable[[], float] = time.time,
    check_integrity: bool = True,
) -> Journal:
    """Open the journal file `db_path` with the key file `key_path`; without `create`, both
    must exist (`require_journal`)."""
    if create:
        _require_directory(Path(db_path).parent, create=True)
        if Path(db_path).is_dir():
            raise DataDirError(f"{db_path} is a directory, not a journal file")
    else:
        require_journal(db_path)
        if not Path(key_path).exists():
            raise KeyMissingError(f"{key_path} does not exist")
    return Journal.open(db_path, key_path, clock=clock, check_integrity=check_integrity)


def require_journal(db_path: Path) -> None:
    """Refuse, with an error naming the path, unless `db_path` is an existing, non-empty file:
    what every command that must not create a journal checks first.

    A zero-byte journal is what a truncation leaves behind (an export written over it): it is
    refused as missing rather than quietly becoming an empty journal under the old key."""
    db_path = Path(db_path)
    _require_directory(db_path.parent, create=False)
    if db_path.is_dir():
        raise DataDirError(f"{db_path} is a directory, not a journal file")
    if not db_path.exists():
        raise JournalNotFoundError(f"{db_path} does not exist")
    if db_path.stat().st_size == 0:
        raise JournalNotFoundError(f"{db_path} is empty (0 bytes): it holds no journal")


def _require_directory(data_dir: Path, *, create: bool) -> None:
    if data_dir.exists() and not data_dir.is_dir():
        raise DataDirError(f"{data_dir} is a file, not a directory")
    if data_dir.exists():
        return
    if not create:
        raise JournalNotFoundError(f"the data directory {data_dir} does not exist")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise DataDirError(f"{data_dir}: a file is in the way of the directory") from None
    except OSError as err:
        raise DataDirError(f"cannot create {data_dir}: {err.strerror}") from None


@dataclass(frozen=True)
class StoreFiles:
    """The files a command must never write over: the journal, its companions, its key, and
    anything in the data directory it reads from (output paths are checked against these,
    terminal.cli.output)."""

    directories: tuple[Path, ...]
    files: tuple[Path, ...]

    @classmethod
    def of(cls, db_path: Path, key_path: Path) -> StoreFiles:
        db_path, key_path = Path(db_path), Path(key_path)
        companions = tuple(Path(f"{db_path}{suffix}") for suffix in COMPANION_SUFFIXES)
        return cls(directories=(db_path.parent,), files=(db_path, *companions, key_path))

    @classmethod
    def of_data_dir(cls, data_dir: Path, key_path: Path | None = None) -> StoreFiles:
        return cls.of(journal_path(data_dir), key_path or key_path_of(data_dir))

    def holds(self, path: Path) -> Path | None:
        """The store file or directory that `path` is (or lies in), by device and inode so
        that symbolic and hard links are seen through; None when it is none of them."""
        identity = _identity(path)
        for protected in self.files:
            if identity is not None and identity == _identity(protected):
                return protected
        parent = _identity(Path(os.path.realpath(path)).parent)
        for directory in self.directories:
            if parent is not None and parent == _identity(directory):
                return directory
        for protected in self.files:  # not created yet (a -wal that comes and goes)
            if os.path.realpath(path) == os.path.realpath(protected):
                return protected
        return None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return status.st_dev, status.st_ino
