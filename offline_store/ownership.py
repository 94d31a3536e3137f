"""Who may take over what: a live process's work is never taken over, a dead one's may be.

Leases and timestamps cannot tell a live process from a killed one; a lock the kernel holds for
a process can: `flock` on a file beside the journal is dropped when its holder dies, however it
dies (kill -9, power cut, OOM). Two uses, one mechanism (`FileLock`):

- **One forwarder per journal** (`ForwarderLock`): whoever holds it knows no other forwarder is
  alive on the journal, so it may release every claim and make every request due at once
  (`Outbox.take_over`).
- **One owner per running transaction** (`TransactionOwnership`): a checkout holds
  `journal.db.running/<tx_id>` from the moment its transaction is created until its run ends;
  recovery (and anything else that would drive another's transaction to an end) takes over only
  the transactions whose lock it can take, so it never finishes, cancels or refunds a
  transaction another process (or thread) is still running (docs/journal.md, "Ownership").

Creating a transaction and locking it happen under a shared lock on `journal.db.running.lock`,
and a take-over tries the transactions' locks under the exclusive one: a transaction can never
be seen between its creation and its owner's lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Protocol, TypeVar

from kernel.errors import MedtermError


class ForwarderBusy(MedtermError):
    code = "E702"
    message_zh = "另一个转发进程正在运行"
    message_en = "another forwarder is already running on this journal"
    action = "The running terminal forwards the queue by itself; see `medterm queue status`."
    action_zh = "运行中的终端会自动发送队列；请用 `medterm queue status` 查看。"


class FileLock:
    """`flock` on `path` (created 0600 if missing), held through one open descriptor."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def try_acquire(self, *, shared: bool = False) -> bool:
        """Take the lock if nobody holds it (or, `shared`, nobody holds it exclusively)."""
        return self._lock((fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)

    def wait_acquire(self, *, shared: bool = False) -> None:
        """Take the lock, waiting for its holders (only for locks held for a moment)."""
        self._lock(fcntl.LOCK_SH if shared else fcntl.LOCK_EX)

    def release(self, *, unlink: bool = False) -> None:
        """Let go; `unlink` removes the file first, while still holding it."""
        if self._fd is None:
            return
        if unlink:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def _lock(self, flags: int) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, flags)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True


class ForwarderLock(FileLock):
    def __init__(self, journal_file: Path) -> None:
        super().__init__(Path(str(journal_file) + ".forwarder.lock"))

    def acquire(self) -> None:
        if not self.try_acquire():
            raise ForwarderBusy(str(self.path.parent))

    def __enter__(self) -> ForwarderLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()


class _HasTxId(Protocol):
    @property
    def tx_id(self) -> str: ...


T = TypeVar("T", bound=_HasTxId)


class TransactionOwnership:
    """The owner locks of one journal's transactions (module docstring)."""

    def __init__(self, journal_file: Path) -> None:
        self.folder = Path(str(journal_file) + ".running")
        self._gate = FileLock(Path(str(journal_file) + ".running.lock"))

    @contextlib.contextmanager
    def running(self, create: Callable[[], T]) -> Iterator[T]:
        """`create()` a transaction and own it until the block ends (normally or not)."""
        self.folder.mkdir(mode=0o700, exist_ok=True)
        gate = FileLock(self._gate.path)
        gate.wait_acquire(shared=True)
        try:
            tx = create()
            owner = FileLock(self._file(tx.tx_id))
            owner.wait_acquire()  # a new transaction's file: nobody else can hold it
        finally:
            gate.release()
        try:
            yield tx
        finally:
            owner.release(unlink=True)

    @contextlib.contextmanager
    def taking_over(self, tx_ids: Sequence[str]) -> Iterator[list[str]]:
        """The transactions of `tx_ids` whose owner is gone, locked for the caller until the
        block ends; a transaction a live process runs is left out. The caller re-reads each
        one's state: its owner may have finished it just before letting go."""
        self.folder.mkdir(mode=0o700, exist_ok=True)
        gate = FileLock(self._gate.path)
        taken: dict[str, FileLock] = {}
        gate.wait_acquire()  # no transaction is between its creation and its owner's lock
        try:
            for tx_id in tx_ids:
                lock = FileLock(self._file(tx_id))
                if lock.try_acquire():
                    taken[tx_id] = lock
        finally:
            gate.release()
        try:
            yield list(taken)
        finally:
            for lock in taken.values():
                lock.release(unlink=True)

    def _file(self, tx_id: str) -> Path:
        if not tx_id.isalnum():  # uuid4 hex; never a path of its own
            raise ValueError(f"not a transaction id: {tx_id[:40]!r}")
        return self.folder / tx_id
