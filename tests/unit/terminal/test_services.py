"""Child services: started when they say `listening on`, refused clearly when they do not."""

from __future__ import annotations

import sys

import pytest

from terminal.services import ServiceProcess, ServiceStartError

READY_SCRIPT = (
    "import time; print('warming up'); print('listening on http://x:1', flush=True); time.sleep(60)"
)


def test_service_is_ready_with_the_url_it_announced() -> None:
    service = ServiceProcess.start([sys.executable, "-c", READY_SCRIPT], name="probe")
    try:
        assert service.url == "http://x:1"
        assert service.process.poll() is None
    finally:
        service.stop()
    assert service.process.poll() is not None


def test_service_that_dies_first_is_reported_with_its_output() -> None:
    argv = [sys.executable, "-c", "print('port 8765 in use'); raise SystemExit(3)"]
    with pytest.raises(ServiceStartError, match="port 8765 in use"):
        ServiceProcess.start(argv, name="probe")


def test_service_that_never_gets_ready_times_out() -> None:
    argv = [sys.executable, "-c", "import time; time.sleep(30)"]
    with pytest.raises(ServiceStartError, match="probe"):
        ServiceProcess.start(argv, name="probe", timeout=0.5)
