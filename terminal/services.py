"""Child service processes (the simulators) started by the demo and by tests.

A service announces readiness with one stdout line `listening on URL`; until then nothing may
talk to it. The terminal never imports the simulators: it starts them as programs.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from kernel.errors import MedtermError

READY_PREFIX = "listening on "


class ServiceStartError(MedtermError):
    code = "E040"
    message_zh = "模拟服务未能启动"
    message_en = "a service process did not start"
    action = "Read the service's output above; check that its port is free and its files exist."
    action_zh = "请查看上方该服务的输出，检查其端口是否空闲、所需文件是否存在。"


class ServiceProcess:
    """A started child process that printed `listening on URL`."""

    def __init__(self, process: subprocess.Popen[str], url: str, name: str) -> None:
        self.process = process
        self.url = url
        self.name = name

    @classmethod
    def start(
        cls,
        argv: Sequence[str],
        *,
        name: str,
        timeout: float = 60.0,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> ServiceProcess:
        """Run `argv` and wait for its readiness line; its later output is drained (and echoed
        to our stderr when MEDTERM_SERVICE_ECHO is set) so a full pipe never stalls it."""
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,
        )
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_pump, args=(process, lines), daemon=True).start()
        seen: list[str] = []
        try:
            while True:
                line = lines.get(timeout=timeout)
                if line is None:
                    break
                if line.startswith(READY_PREFIX):
                    return cls(process, line[len(READY_PREFIX) :].strip(), name)
                seen.append(line)
        except queue.Empty:
            pass
        process.kill()
        process.wait(timeout=10)
        tail = "".join(seen[-15:]).strip()
        raise ServiceStartError(f"{name} (exit {process.returncode}): {tail or 'no output'}")

    def stop(self, timeout: float = 10.0) -> None:
        """Ask politely (SIGTERM), then insist."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL: the crash a test wants to survive."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> ServiceProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def python_module_argv(module: str, *args: str) -> list[str]:
    """The command line that runs `python -m module args` with this interpreter."""
    return [sys.executable, "-m", module, *args]


def _pump(process: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
    """Hand lines to `start` until the readiness line, then only drain (and maybe echo)."""
    echo = bool(os.environ.get("MEDTERM_SERVICE_ECHO"))
    assert process.stdout is not None
    waiting = True
    for line in process.stdout:
        if waiting:
            lines.put(line)
            waiting = not line.startswith(READY_PREFIX)
        if echo:
            sys.stderr.write(line)
    if waiting:
        lines.put(None)
