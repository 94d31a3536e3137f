"""Driving a screen from outside its process, as a person with a screen reader does.

`HeadlessDesktop` is an X display without a monitor (Xvfb), a private D-Bus session bus and the
AT-SPI accessibility bus on it; a Qt program started with `env` there exposes its widgets on the
bus (QT_LINUX_ACCESSIBILITY_ALWAYS_ON). `AccessibleApp` finds one program's controls in that
tree by their stable accessible identifiers (ui.widgets.identify), presses them through their
AT-SPI action, reads their text, and types on the real keyboard (xdotool key events into the X
server, which Qt receives exactly like a keyboard's).

The AT-SPI client is libatspi through PyGObject (`gi`, Debian's python3-gi with the Atspi
typelib from gir1.2-atspi-2.0; packaging/devenv.sh links `gi` into the virtual environment).
libatspi reads the bus address from the environment once, so a process drives one desktop.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCREEN = "1280x1024x24"  # the kiosk's screen
A11Y_ENV = {"QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1", "QT_ACCESSIBILITY": "1",
            "QT_QPA_PLATFORM": "xcb", "NO_AT_BRIDGE": "0"}
QUIET_ATSPI = "qt.accessibility.atspi.warning=false"
BUS_LAUNCHERS = ("/usr/libexec/at-spi-bus-launcher", "/usr/lib/at-spi2-core/at-spi-bus-launcher")
TOOLS = {"Xvfb": "xvfb", "dbus-daemon": "dbus", "xdotool": "xdotool"}


class DesktopUnavailable(RuntimeError):
    """This machine cannot run a headless accessible desktop; the message says what is missing."""


def missing_tools() -> list[str]:
    """The Debian packages (devenv.sh installs them) whose programs are not here."""
    missing = [package for tool, package in TOOLS.items() if shutil.which(tool) is None]
    if not any(Path(p).exists() for p in BUS_LAUNCHERS):
        missing.append("at-spi2-core")
    try:
        import gi

        gi.require_version("Atspi", "2.0")
    except (ImportError, ValueError):
        missing.append("python3-gi + gir1.2-atspi-2.0 (gi linked into the venv)")
    return missing


@dataclass
class HeadlessDesktop:
    display: str
    bus_address: str
    _processes: list[subprocess.Popen[bytes]] = field(default_factory=list, repr=False)

    @classmethod
    def start(cls, timeout: float = 20.0) -> HeadlessDesktop:
        missing = missing_tools()
        if missing:
            raise DesktopUnavailable("not installed: " + ", ".join(missing))
        processes: list[subprocess.Popen[bytes]] = []
        try:
            display, xvfb = _start_xvfb(timeout)
            processes.append(xvfb)
            bus = subprocess.Popen(
                ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
            )
            processes.append(bus)
            assert bus.stdout is not None
            address = bus.stdout.readline().decode().strip()
            if not address:
                raise DesktopUnavailable("the D-Bus session bus did not start")
            env = {**os.environ, "DISPLAY": display, "DBUS_SESSION_BUS_ADDRESS": address}
            launcher = next(p for p in BUS_LAUNCHERS if Path(p).exists())
            processes.append(subprocess.Popen(
                [launcher, "--launch-immediately"], env=env, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True,
            ))
            desktop = cls(display, address, processes)
            desktop._wait_for_a11y_bus(timeout)
            return desktop
        except BaseException:
            for process in reversed(processes):
                _end(process)
            raise

    def env(self) -> dict[str, str]:
        """The environment of a program shown on this desktop, its widgets on the bus."""
        # Qt's AT-SPI adaptor warns at start that the bus asks it for an interface it does
        # not have (GetApplicationBusAddress): harmless, and noise in the demo's output
        rules = ";".join(r for r in (os.environ.get("QT_LOGGING_RULES", ""), QUIET_ATSPI) if r)
        return {**os.environ, "DISPLAY": self.display,
                "DBUS_SESSION_BUS_ADDRESS": self.bus_address, **A11Y_ENV,
                "QT_LOGGING_RULES": rules}

    def use_here(self) -> None:
        """Point this process (its AT-SPI client, xdotool, a screenshot) at the desktop."""
        os.environ["DISPLAY"] = self.display
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = self.bus_address

    def _wait_for_a11y_bus(self, timeout: float) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            probe = subprocess.run(
                ["dbus-send", "--session", "--print-reply", "--dest=org.a11y.Bus",
                 "/org/a11y/bus", "org.a11y.Bus.GetAddress"],
                env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": self.bus_address},
                capture_output=True, timeout=10,
            ) if shutil.which("dbus-send") else None
            if probe is None or probe.returncode == 0:
                return
            time.sleep(0.1)
        raise DesktopUnavailable("the AT-SPI bus did not answer (at-spi-bus-launcher)")

    def stop(self) -> None:
        for process in reversed(self._processes):
            _end(process)
        self._processes.clear()

    def __enter__(self) -> HeadlessDesktop:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _start_xvfb(timeout: float) -> tuple[str, subprocess.Popen[bytes]]:
    """Xvfb on the first free display number from 90 (`-displayfd` says which it took)."""
    read, write = os.pipe()
    try:
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", SCREEN, "-nolisten", "tcp"],
            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(write)
        write = -1
        number = b""
        end = time.monotonic() + timeout
        while not number.endswith(b"\n") and time.monotonic() < end:
            chunk = os.read(read, 16)
            if not chunk:
                break
            number += chunk
    finally:
        os.close(read)
        if write >= 0:
            os.close(write)
    if not number.strip():
        _end(xvfb)
        raise DesktopUnavailable("Xvfb did not start")
    return f":{number.decode().strip()}", xvfb


def _end(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# --------------------------------------------------------------------------- the tree


def _atspi() -> Any:
    import gi

    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi

    return Atspi


class NotFound(LookupError):
    """No showing control with that identifier appeared in time."""


class AccessibleApp:
    """One program's accessibility tree, found by its process id."""

    def __init__(self, pid: int, timeout: float = 30.0) -> None:
        self.pid = pid
        self.root = self._find_app(timeout)

    def _find_app(self, timeout: float) -> Any:
        atspi = _atspi()
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            desktop = atspi.get_desktop(0)
            for index in range(desktop.get_child_count()):
                app = desktop.get_child_at_index(index)
                with contextlib.suppress(Exception):
                    if app is not None and app.get_process_id() == self.pid:
                        return app
            time.sleep(0.2)
        raise NotFound(f"process {self.pid} did not appear on the accessibility bus")

    def _walk(self, node: Any) -> Iterator[Any]:
        """The showing part of the tree (hidden pages of a stack are skipped whole)."""
        atspi = _atspi()
        try:
            count = node.get_child_count()
        except Exception:
            return
        for index in range(count):
            child = node.get_child_at_index(index)
            if child is None:
                continue
            try:
                showing = child.get_state_set().contains(atspi.StateType.SHOWING)
            except Exception:
                continue
            if showing:
                yield child
                yield from self._walk(child)

    def find(self, ident: str) -> Any | None:
        for node in self._walk(self.root):
            with contextlib.suppress(Exception):
                found = node.get_accessible_id() or ""
                if found == ident or found.endswith("." + ident):
                    return node
        return None

    def find_any(self, idents: tuple[str, ...]) -> str | None:
        """Which of ``idents`` shows first in the tree (one walk: which page is on screen)."""
        for node in self._walk(self.root):
            with contextlib.suppress(Exception):
                found = (node.get_accessible_id() or "").rsplit(".", 1)[-1]
                if found in idents:
                    return found
        return None

    def wait_for(self, ident: str, timeout: float = 15.0) -> Any:
        end = time.monotonic() + timeout
        while True:
            node = self.find(ident)
            if node is not None:
                return node
            if time.monotonic() >= end:
                raise NotFound(f"{ident} not showing after {timeout:g} s")
            time.sleep(0.2)

    def press(self, ident: str, timeout: float = 15.0) -> None:
        """Press a control as a screen reader does: its AT-SPI "Press" action."""
        node = self.wait_for(ident, timeout)
        names = [node.get_action_name(i) for i in range(node.get_n_actions())]
        node.do_action(names.index("Press") if "Press" in names else 0)

    def name(self, ident: str, timeout: float = 15.0) -> str:
        """What a screen reader says for it: a control's accessible name, a label's text."""
        return self.wait_for(ident, timeout).get_name() or ""

    def wait_for_name(self, ident: str, expected: str, timeout: float = 15.0) -> str:
        """Wait until the element says ``expected`` (a screen changes after a press)."""
        end = time.monotonic() + timeout
        while True:
            node = self.find(ident)
            said = (node.get_name() or "") if node is not None else ""
            if said == expected:
                return said
            if time.monotonic() >= end:
                raise NotFound(f"{ident} says {said!r}, not {expected!r}, after {timeout:g} s")
            time.sleep(0.2)

    def texts(self) -> list[str]:
        """Every showing element's words (what a screen reader can read on the screen)."""
        said = []
        for node in self._walk(self.root):
            with contextlib.suppress(Exception):
                if node.get_name():
                    said.append(node.get_name())
        return said


# --------------------------------------------------------------------------- keys and screen


def type_keys(text: str, *, window_pid: int | None = None) -> None:
    """Real key events into the X server (xdotool), to the window of ``window_pid`` when given
    (focused first: without a window manager focus does not follow a click)."""
    if window_pid is not None:
        windows = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--pid", str(window_pid)],
            capture_output=True, text=True, timeout=10,
        ).stdout.split()
        if windows:
            subprocess.run(["xdotool", "windowfocus", "--sync", windows[-1]], timeout=10,
                           check=True)
    subprocess.run(["xdotool", "type", "--delay", "60", text], timeout=30, check=True)


def press_key(*keys: str) -> None:
    """Key chords by X key name (``Return``, ``ctrl+shift+F12``)."""
    subprocess.run(["xdotool", "key", "--delay", "80", *keys], timeout=30, check=True)


def screenshot(path: Path) -> Path:
    """The whole X screen as a PNG (Qt's screen grab, on the X server this process uses)."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(["medterm-demo", "-platform", "xcb"])
    screen = app.primaryScreen()  # type: ignore[union-attr]
    path.parent.mkdir(parents=True, exist_ok=True)
    if not screen.grabWindow(0).save(str(path)):
        raise OSError(f"could not write {path}")
    return path
