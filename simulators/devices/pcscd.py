"""A private pcscd with the vpcd virtual reader, started as a child process (tests, benchmarks).

pcscd runs in the foreground with its own reader configuration directory, so vpcd listens on a
port chosen for this run. pcscd's socket path is fixed at build time (/run/pcscd/pcscd.comm),
so to let several test sessions (and a system pcscd) coexist, pcscd is started in a private
mount namespace (`unshare`) where a directory of ours is bind-mounted on /run/pcscd; clients
find it through ``PCSCLITE_CSOCK_NAME``, which libpcsclite honours and `Pcscd` sets in this
process's environment (children inherit it). Where namespaces are not allowed, it falls back to
the shared path, first stopping a stale pcscd by the pid in that pcscd's own pid file.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

SYSTEM_RUN_DIR = Path("/run/pcscd")
PID_FILE = SYSTEM_RUN_DIR / "pcscd.pid"
SOCKET_ENV = "PCSCLITE_CSOCK_NAME"
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
        self.log_path = workdir / "pcscd.log"
        self.log = self.log_path.open("w")
        self._previous_socket = os.environ.get(SOCKET_ENV)
        run_dir = workdir / "run"
        run_dir.mkdir(exist_ok=True)
        pcscd = f"pcscd --foreground --config {shlex.quote(str(conf))}"
        self.socket_path: str | None = None  # None: the system path, no variable needed
        if _can_unshare():
            self.socket_path = str(run_dir / "pcscd.comm")
            os.environ[SOCKET_ENV] = self.socket_path
            argv = [
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                f"mkdir -p {SYSTEM_RUN_DIR} && "
                f"mount --bind {shlex.quote(str(run_dir))} {SYSTEM_RUN_DIR} && exec {pcscd}",
            ]
        else:
            stop_stale_pcscd()
            os.environ.pop(SOCKET_ENV, None)
            argv = shlex.split(pcscd)
        self.process = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout: float = 10.0) -> None:
        """Ready when pcscd's socket exists and vpcd listens on its port.

        Not checked through pyscard: libpcsclite reads the socket name once per process, so a
        second private pcscd started from the same process would be checked at the first one.
        """
        socket_file = Path(self.socket_path) if self.socket_path else SYSTEM_RUN_DIR / "pcscd.comm"
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process.poll() is not None:
                self.log.flush()
                said = self.log_path.read_text(errors="replace").strip().splitlines()[-5:]
                raise RuntimeError(
                    f"pcscd exited with {self.process.returncode}: " + " | ".join(said)
                )
            if socket_file.exists() and _listening(self.port):
                return
            time.sleep(0.05)
        raise RuntimeError("pcscd did not start vpcd in time")

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
        if self._previous_socket is None:
            os.environ.pop(SOCKET_ENV, None)
        else:
            os.environ[SOCKET_ENV] = self._previous_socket


def _listening(port: int) -> bool:
    """Whether a TCP socket listens on ``port`` (from /proc, without connecting: connecting to
    vpcd would insert a card)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                return True
    return False


def _can_unshare() -> bool:
    """Whether this process may create a mount namespace (root, or CAP_SYS_ADMIN)."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "true"],
        capture_output=True,
        timeout=10,
    )
    return probe.returncode == 0
