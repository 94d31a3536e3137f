"""Settings shared by the whole suite (Qt renders offscreen, hypothesis keeps CI bounded) and
the two simulators as real processes, for the tests that run the terminal end to end."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from simulators.central.testing import RunningSimulator, start_simulator
from simulators.devices.pcscd import Pcscd
from simulators.paygate.testing import PaygateHandle, start_paygate

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# "medterm" (the default) is deterministic, so a CI run is repeatable; "explore" draws new
# examples every run, for hunting: HYPOTHESIS_PROFILE=explore make test
settings.register_profile(
    "medterm",
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "medterm"))


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSimulator]:
    """The platform simulator on the default world, one per test module."""
    sim = start_simulator(tmp_path_factory.mktemp("central"))
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PaygateHandle]:
    """The payment gateway simulator, one per test module."""
    gw = start_paygate(tmp_path_factory.mktemp("paygate"))
    yield gw
    gw.stop()


@pytest.fixture(scope="session")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pcscd]:
    """A private pcscd with the vpcd virtual reader, one per session: libpcsclite finds its
    daemon once per process, so the device tests and the screen tests share this one."""
    daemon = Pcscd(tmp_path_factory.mktemp("pcscd"))
    yield daemon
    daemon.stop()
