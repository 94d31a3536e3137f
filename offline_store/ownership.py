"""One forwarder per journal: whoever holds the lock may take over every queued request.

Leases protect a request from two forwarders sending it at once; they cannot tell a live
forwarder from a killed one, so after a crash the killed process's claims sit out their lease,
and requests that failed while the platform was away sit out their back-off. A process that
holds this lock knows no other forwarder is alive on the journal, so it may release every claim
and make every request due at once (`Outbox.take_over`).

The lock is `flock` on a file beside the journal: the kernel drops it when its holder dies,
however it dies.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from kernel.errors import MedtermError


class ForwarderBusy(MedtermError):
    code = "E702"
    message_zh = "另一个转发进程正在运行"
    message_en = "another forwarder is already running on this journal"
    action = "The running terminal forwards the queue by itself; see `medterm queue status`."
    action_zh = "运行中的终端会自动发送队列；请用 `medterm queue status` 查看。"


class ForwarderLock:
    def __init__(self, journal_file: Path) -> None:
        self.path = Path(str(journal_file) + ".forwarder.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ForwarderBusy(str(self.path.parent)) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

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
