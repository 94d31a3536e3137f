"""A private pcscd with the vpcd virtual reader, started as a child process (tests, benchmarks).

pcscd runs in the foreground (``-f``) with its own reader configuration directory, so vpcd
listens on a port chosen for this run rather than the system default. pcscd's client socket is
fixed at build time (/run/pcscd), so only one pcscd can run: a stale one left by an earlier run
is stopped first, by the pid in its own pid file.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

PID_FILE = Path("/run/pcscd/pcscd.pid")
VPCD_LIB = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"


def free_port_pair() -> int:
    """A port whose successor is also free (vpcd opens two slots: port and port + 1)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port pair for vpcd")


def stop_stale_pcscd() -> None:
    try:
        pid = int(PID_FILE.read_text().strip())
    except (OSError, ValueError):
        return
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return
    if comm != "pcscd":
        return
    os.kill(pid, signal.SIGTERM)
    for _ in range(50):
        if not Path(f"/proc/{pid}").exists():
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


class Pcscd:
    """pcscd + vpcd on ``port``; ``reader_name`` is the slot our virtual card plugs into."""

    reader_name = "Virtual PCD 00 00"

    def __init__(self, workdir: Path) -> None:
        self.port = free_port_pair()
        conf = workdir / "reader.conf.d"
        conf.mkdir(parents=True, exist_ok=True)
        (conf / "vpcd").write_text(
            f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:0x{self.port:04X}\n'
            f"LIBPATH {VPCD_LIB}\nCHANNELID 0x{self.port:04X}\n"
        )
        stop_stale_pcscd()
        self.log = (workdir / "pcscd.log").open("w")
        self.process = subprocess.Popen(
            ["pcscd", "--foreground", "--config", str(conf)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 10.0) -> None:
        from smartcard.Exceptions import SmartcardException
        from smartcard.pcsc.PCSCExceptions import BaseSCardException
        from smartcard.System import readers

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"pcscd exited with {self.process.returncode}")
            try:
                if any(self.reader_name == str(r) for r in readers()):
                    return
            except (SmartcardException, BaseSCardException):
                pass  # pcscd not accepting clients yet
            time.sleep(0.1)
        raise RuntimeError("pcscd did not list the vpcd reader in time")

    def wait_empty(self, timeout: float = 5.0) -> None:
        """Wait until pcscd has noticed that the virtual card left (vpcd polls for it)."""
        from smartcard.Exceptions import CardConnectionException, NoCardException
        from smartcard.System import readers

        reader = next(r for r in readers() if str(r) == self.reader_name)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            connection = reader.createConnection()
            try:
                connection.connect()
                connection.disconnect()
            except NoCardException:
                return
            except CardConnectionException:
                pass
            time.sleep(0.05)
        raise RuntimeError("pcscd still sees a card in the vpcd reader")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
