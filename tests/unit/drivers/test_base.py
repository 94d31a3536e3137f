"""The device life cycle, thread ownership, events and statistics of drivers.base."""

from __future__ import annotations

import threading

import pytest

from drivers.base import (
    Device,
    DeviceError,
    DeviceEvent,
    DeviceStateError,
    DeviceStatus,
    HealthLevel,
    LifeCycle,
    NoHardwareError,
    StatusChanged,
    WrongThreadError,
)


class Probe(Device):
    """A device whose hooks record the thread they ran on."""

    kind = "probe"

    def __init__(self, name: str = "probe", *, present: bool = True) -> None:
        super().__init__(name)
        self.present = present
        self.hook_threads: list[str] = []

    def _on_claim(self) -> None:
        self.hook_threads.append(threading.current_thread().name)
        if not self.present:
            raise NoHardwareError("probe unplugged")

    def _health(self, level: HealthLevel) -> tuple[bool, str, dict[str, str]]:
        self.thread.assert_owner()
        return True, f"probe fine at {level.value}", {"level": level.value}

    def poke(self) -> str:
        self._require_enabled("poke")
        return self.thread.call(self._poke)

    def _poke(self) -> str:
        self.thread.assert_owner()
        with self._operation():
            return "poked"

    def fail(self) -> None:
        def broken() -> None:
            with self._operation():
                raise DeviceError("probe broke")

        self.thread.call(broken)

    def announce(self) -> None:
        self._emit(DeviceEvent(self.name))


def test_full_life_cycle_reaches_enabled_and_back_to_closed() -> None:
    device = Probe()
    device.open()
    device.claim()
    device.enable()
    assert device.state is LifeCycle.ENABLED
    assert device.status is DeviceStatus.ONLINE
    device.disable()
    device.release()
    device.close()
    assert device.state is LifeCycle.CLOSED
    assert device.status is DeviceStatus.OFFLINE


def test_enable_before_claim_is_refused_naming_the_state() -> None:
    device = Probe()
    device.open()
    try:
        with pytest.raises(DeviceStateError, match="cannot enable while opened"):
            device.enable()
    finally:
        device.close()


def test_operation_on_a_disabled_device_is_refused() -> None:
    device = Probe()
    with pytest.raises(DeviceStateError, match="cannot poke while closed"):
        device.poke()


def test_hooks_run_on_the_device_thread() -> None:
    with Probe() as device:
        assert device.hook_threads == [device.hook_threads[0]]
        assert device.hook_threads[0].startswith("device-probe")


def test_hardware_touched_from_another_thread_raises_wrong_thread() -> None:
    with Probe() as device, pytest.raises(WrongThreadError, match="owned by device-probe"):
        device._poke()


def test_missing_hardware_sets_status_and_raises_no_hardware() -> None:
    device = Probe(present=False)
    device.open()
    try:
        with pytest.raises(NoHardwareError):
            device.claim()
        assert device.status is DeviceStatus.NO_HARDWARE
        health = device.check_health()
        assert not health.ok
        assert "probe unplugged" in health.text
    finally:
        device.close()


def test_events_reach_subscribers_on_the_device_thread() -> None:
    seen: list[tuple[DeviceEvent, str]] = []
    done = threading.Event()

    def subscriber(event: DeviceEvent) -> None:
        seen.append((event, threading.current_thread().name))
        if not isinstance(event, StatusChanged):
            done.set()

    device = Probe()
    device.subscribe(subscriber)
    with device:
        device.announce()
        assert done.wait(2)
    plain = [(e, t) for e, t in seen if not isinstance(e, StatusChanged)]
    assert plain[0][0] == DeviceEvent("probe")
    assert plain[0][1].startswith("device-probe")


def test_a_failing_subscriber_does_not_stop_the_others() -> None:
    got = threading.Event()

    def broken(event: DeviceEvent) -> None:
        raise RuntimeError("listener bug")

    device = Probe()
    device.subscribe(broken)
    device.subscribe(lambda event: got.set() if type(event) is DeviceEvent else None)
    with device:
        device.announce()
        assert got.wait(2)


def test_statistics_count_operations_and_the_last_error() -> None:
    with Probe() as device:
        device.poke()
        with pytest.raises(DeviceError):
            device.fail()
        stats = device.statistics()
    assert stats.operations == 2
    assert stats.errors == 1
    assert stats.last_error == "[E300] device failure: probe broke"
    assert stats.last_error_at is not None


def test_health_at_each_level_runs_the_device_check() -> None:
    with Probe() as device:
        for level in HealthLevel:
            result = device.check_health(level)
            assert result.ok
            assert result.text == f"probe fine at {level.value}"
            assert result.as_dict()["status"] == "online"


def test_health_of_an_unclaimed_device_says_so() -> None:
    device = Probe()
    result = device.check_health()
    assert not result.ok
    assert result.text == "not claimed (state closed)"
