"""What every device has in common: the UnifiedPOS life cycle, health, status, statistics,
events, and the one thread that owns the hardware.

Life cycle (UnifiedPOS): ``open`` (the driver exists and knows its configuration) -> ``claim``
(exclusive access: the port or reader is opened) -> ``enable`` (operations and events flow) ->
``disable`` -> ``release`` -> ``close``. A call out of order raises `DeviceStateError` naming
the state the device is in, so a wiring mistake is a clear message and never a half-open port.

Threads: hardware libraries (pyserial handles, PC/SC contexts, evdev grabs) are not safe to use
from several threads, so each device owns a single-worker executor (`DeviceThread`, the pattern
of Electrum's ``runs_in_hwd_thread``). Everything that touches the hardware runs there; a
subclass calls `DeviceThread.assert_owner` in such code so that a call from the wrong thread is
a loud error in tests rather than a rare crash in the field. Events are delivered to
subscribers from that same thread; a UI subscriber re-emits them as queued Qt signals.

A subclass implements the ``_on_*`` hooks (each runs on the device thread) and ``_health``;
it reports events with `Device._emit` and wraps each operation in `Device._operation` so that
the statistics count it.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from kernel.errors import ConfigError, MedtermError
from kernel.observers import Observers

log = logging.getLogger(__name__)

T = TypeVar("T")


# --------------------------------------------------------------------------- errors (E300-E309)


class DeviceError(MedtermError):
    """A device failed in a way a person can act on; subclasses name the failure."""

    code = "E300"
    message_zh = "设备故障"
    message_en = "device failure"
    action = "Check the device's cable and power, then run `medterm diag health`."
    action_zh = "请检查设备的连接线和电源，然后运行 `medterm diag health`。"


class DeviceStateError(DeviceError):
    """A life-cycle call out of order (a programming or wiring mistake, never the patient's)."""

    code = "E301"
    message_zh = "设备状态错误"
    message_en = "device call out of order"
    action = "Report this to support: the terminal software used a device in the wrong order."
    action_zh = "请报告技术支持：终端程序以错误的顺序使用了设备。"


class NoHardwareError(DeviceError):
    """The device, or the library needed to reach it, is not there."""

    code = "E302"
    message_zh = "未检测到设备"
    message_en = "device not present"
    action = "Connect the device (or install its driver library) and restart the terminal."
    action_zh = "请连接设备（或安装其驱动程序库），然后重启终端。"


class DeviceTimeoutError(DeviceError):
    """The device did not answer in time."""

    code = "E303"
    message_zh = "设备响应超时"
    message_en = "device did not answer in time"
    action = "Check the device's cable and power, then try again."
    action_zh = "请检查设备的连接线和电源，然后重试。"


class WrongThreadError(DeviceError):
    """Hardware touched from a thread that does not own it: a bug, caught before it crashes."""

    code = "E304"
    message_zh = "设备调用线程错误"
    message_en = "device used from the wrong thread"
    action = "Report this to support with the log line."
    action_zh = "请将日志中的这一行报告给技术支持。"


class DeviceConfigError(ConfigError):
    """A ``[devices]`` entry that cannot be used; the detail names the key."""

    code = "E305"
    message_zh = "设备配置错误"
    message_en = "device configuration is invalid"


class DeviceIOError(DeviceError):
    """The transport failed (port vanished, reader unplugged, write refused)."""

    code = "E306"
    message_zh = "设备通信失败"
    message_en = "device communication failed"
    action = "Check the device's cable, then run `medterm diag health`."
    action_zh = "请检查设备的连接线，然后运行 `medterm diag health`。"


# --------------------------------------------------------------------------- values


class LifeCycle(enum.Enum):
    CLOSED = "closed"
    OPENED = "opened"
    CLAIMED = "claimed"
    ENABLED = "enabled"


class DeviceStatus(enum.Enum):
    ONLINE = "online"
    OFFLINE = "offline"
    NO_HARDWARE = "no_hardware"
    ERROR = "error"


class HealthLevel(enum.Enum):
    """UnifiedPOS checkHealth levels."""

    INTERNAL = "internal"  # no physical effect: state, port, last error
    EXTERNAL = "external"  # may act on the device: a status query, a test line, a beep
    INTERACTIVE = "interactive"  # asks the technician to do something (insert a card, scan)


@dataclass(frozen=True)
class HealthResult:
    """The answer of `Device.check_health`: ``text`` is the sentence a technician reads."""

    device: str
    kind: str
    level: HealthLevel
    status: DeviceStatus
    ok: bool
    text: str
    details: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "kind": self.kind,
            "level": self.level.value,
            "status": self.status.value,
            "ok": self.ok,
            "text": self.text,
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class Statistics:
    """A snapshot of a device's counters (UnifiedPOS statistics, the ones we can keep)."""

    operations: int
    errors: int
    last_error: str | None
    last_error_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "operations": self.operations,
            "errors": self.errors,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at.isoformat() if self.last_error_at else None,
        }


@dataclass(frozen=True)
class DeviceEvent:
    """Base of every event a device reports; subclasses add their payload."""

    device: str


@dataclass(frozen=True)
class StatusChanged(DeviceEvent):
    status: DeviceStatus


@dataclass(frozen=True)
class DeviceErrorEvent(DeviceEvent):
    """A failure that happened outside any call (a read loop, a monitor): the typed error."""

    error: MedtermError


Subscriber = Callable[[DeviceEvent], None]


# --------------------------------------------------------------------------- the owning thread


class DeviceThread:
    """One worker thread that owns a device's hardware handle.

    `call` runs a function there and waits (with a timeout); `submit` queues it without
    waiting; a call made from the owning thread itself runs inline, so device code may call
    its own public methods without deadlocking.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._owner: int | None = None
        self._executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=f"device-{name}", initializer=self._mark_owner
        )
        # Start the worker now so that `assert_owner` knows its identity from the beginning.
        self._executor.submit(lambda: None).result()

    def _mark_owner(self) -> None:
        self._owner = threading.get_ident()

    def is_owner(self) -> bool:
        return threading.get_ident() == self._owner

    def assert_owner(self) -> None:
        """Raise `WrongThreadError` unless called on this device's thread."""
        if not self.is_owner():
            raise WrongThreadError(
                f"{self.name}: called from {threading.current_thread().name}, "
                f"owned by device-{self.name}"
            )

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        return self._executor.submit(fn, *args)

    def call(self, fn: Callable[..., T], *args: Any, timeout: float | None = 30.0) -> T:
        """Run ``fn(*args)`` on the owning thread and return its result (or raise its error)."""
        if self.is_owner():
            return fn(*args)
        future = self._executor.submit(fn, *args)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            future.cancel()
            raise DeviceTimeoutError(f"{self.name}: no answer within {timeout:g} s") from None

    def shutdown(self) -> None:
        """Stop the worker after the queued work; from the owner itself, do not wait."""
        self._executor.shutdown(wait=not self.is_owner(), cancel_futures=True)


# --------------------------------------------------------------------------- the device


class Device:
    """Base of every driver. Subclasses override the ``_on_*`` hooks and ``_health``."""

    kind: str = "device"

    def __init__(self, name: str) -> None:
        self.name = name
        self._state = LifeCycle.CLOSED
        self._status = DeviceStatus.OFFLINE
        self._observers: Observers[DeviceEvent] = Observers(name)
        self._stats_lock = threading.Lock()
        self._operations = 0
        self._errors = 0
        self._last_error: str | None = None
        self._last_error_at: datetime | None = None
        self._thread: DeviceThread | None = None

    # ---- life cycle -------------------------------------------------------------------------

    @property
    def state(self) -> LifeCycle:
        return self._state

    @property
    def status(self) -> DeviceStatus:
        return self._status

    @property
    def thread(self) -> DeviceThread:
        if self._thread is None:
            raise DeviceStateError(f"{self.name} is closed; open it first")
        return self._thread

    def open(self) -> None:
        self._require(LifeCycle.CLOSED, "open")
        self._thread = DeviceThread(self.name)
        try:
            self._thread.call(self._on_open)
        except BaseException:
            self._thread.shutdown()
            self._thread = None
            raise
        self._state = LifeCycle.OPENED

    def claim(self, timeout: float = 10.0) -> None:
        """Take exclusive access to the hardware (opens the port or the reader)."""
        self._require(LifeCycle.OPENED, "claim")
        self._guarded(self._on_claim, timeout=timeout)
        self._state = LifeCycle.CLAIMED
        self._set_status(DeviceStatus.ONLINE)

    def enable(self) -> None:
        self._require(LifeCycle.CLAIMED, "enable")
        self._guarded(self._on_enable)
        self._state = LifeCycle.ENABLED

    def disable(self) -> None:
        self._require(LifeCycle.ENABLED, "disable")
        self._state = LifeCycle.CLAIMED
        self._guarded(self._on_disable)

    def release(self) -> None:
        self._require(LifeCycle.CLAIMED, "release")
        self._state = LifeCycle.OPENED
        self._guarded(self._on_release)
        self._set_status(DeviceStatus.OFFLINE)

    def close(self) -> None:
        """Close from any state: disable and release first if needed (safe in `finally`)."""
        if self._state is LifeCycle.CLOSED:
            return
        with contextlib.suppress(MedtermError):
            if self._state is LifeCycle.ENABLED:
                self.disable()
            if self._state is LifeCycle.CLAIMED:
                self.release()
        thread = self.thread
        try:
            thread.call(self._on_close)
        finally:
            self._state = LifeCycle.CLOSED
            thread.shutdown()
            self._thread = None

    def start(self) -> None:
        """open + claim + enable: what the composition root and the CLI do."""
        self.open()
        try:
            self.claim()
            self.enable()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Device:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- hooks (run on the device thread) -----------------------------------------------------

    def _on_open(self) -> None:
        """Check configuration and optional libraries; touch no hardware yet."""

    def _on_claim(self) -> None:
        """Open the port / reader. Raise `NoHardwareError` if it is not there."""

    def _on_enable(self) -> None:
        """Start reading or monitoring."""

    def _on_disable(self) -> None:
        """Stop reading or monitoring."""

    def _on_release(self) -> None:
        """Close the port / reader."""

    def _on_close(self) -> None:
        """Free what `_on_open` took."""

    def _health(self, level: HealthLevel) -> tuple[bool, str, dict[str, str]]:
        """A subclass's own check at ``level``: (ok, sentence, details). Runs on the thread."""
        return True, "no device-specific checks", {}

    # ---- health, status, statistics -----------------------------------------------------------

    def check_health(self, level: HealthLevel = HealthLevel.INTERNAL) -> HealthResult:
        """A human-readable verdict; never raises for a device fault (that is the answer)."""
        if self._status is DeviceStatus.NO_HARDWARE:
            ok, text, details = False, self._last_error or "no hardware", {}
        elif self._state in (LifeCycle.CLOSED, LifeCycle.OPENED):
            ok, text, details = False, f"not claimed (state {self._state.value})", {}
        else:
            try:
                ok, text, details = self.thread.call(self._health, level, timeout=15.0)
            except MedtermError as err:
                self._record_error(err)
                ok, text, details = False, err.describe(), {"code": err.code}
        return HealthResult(self.name, self.kind, level, self._status, ok, text, details)

    def statistics(self) -> Statistics:
        with self._stats_lock:
            return Statistics(self._operations, self._errors, self._last_error, self._last_error_at)

    # ---- events ---------------------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add a subscriber; returns the function that removes it."""
        return self._observers.subscribe(subscriber)

    def _emit(self, event: DeviceEvent) -> None:
        """Deliver ``event`` to every subscriber on the device thread (hopping there if needed).

        A subscriber that raises is logged and skipped: one broken listener must not stop the
        device or the others.
        """
        thread = self._thread
        if thread is None:
            return
        if not thread.is_owner():
            with contextlib.suppress(RuntimeError):  # shut down meanwhile: drop the event
                thread.submit(self._emit, event)
            return
        self._observers.emit(event)

    # ---- helpers for subclasses ---------------------------------------------------------------

    def _require(self, expected: LifeCycle, what: str) -> None:
        if self._state is not expected:
            raise DeviceStateError(
                f"{self.name}: cannot {what} while {self._state.value} (needs {expected.value})"
            )

    def _require_enabled(self, what: str) -> None:
        self._require(LifeCycle.ENABLED, what)

    def _guarded(self, fn: Callable[..., T], *args: Any, timeout: float | None = 30.0) -> T:
        """Run a hook on the device thread, turning a missing device into status changes."""
        try:
            return self.thread.call(fn, *args, timeout=timeout)
        except NoHardwareError as err:
            self._record_error(err)
            self._set_status(DeviceStatus.NO_HARDWARE)
            raise
        except MedtermError as err:
            self._record_error(err)
            self._set_status(DeviceStatus.ERROR)
            raise

    @contextlib.contextmanager
    def _operation(self) -> Iterator[None]:
        """Count one operation; a typed error also counts as an error (and is re-raised)."""
        with self._stats_lock:
            self._operations += 1
        try:
            yield
        except MedtermError as err:
            self._record_error(err)
            raise

    def _count_operation(self) -> None:
        """Count one operation that is not a call (an event from a read loop)."""
        with self._stats_lock:
            self._operations += 1

    def _record_error(self, err: MedtermError) -> None:
        with self._stats_lock:
            self._errors += 1
            self._last_error = err.describe()
            self._last_error_at = datetime.now(UTC)

    def _set_status(self, status: DeviceStatus) -> None:
        if status is not self._status:
            self._status = status
            self._emit(StatusChanged(self.name, status))

    def _mark_no_hardware(self, reason: str) -> None:
        """For drivers whose library is missing: the device is there in name only."""
        with self._stats_lock:
            self._last_error = reason
            self._last_error_at = datetime.now(UTC)
        self._status = DeviceStatus.NO_HARDWARE


def monotonic_deadline(timeout: float) -> Callable[[], float]:
    """A function returning the seconds left until ``timeout`` from now (never negative)."""
    end = time.monotonic() + timeout
    return lambda: max(0.0, end - time.monotonic())
