"""One real gateway process per test module, with its rules cleared before every test."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator

import pytest

from simulators.paygate.testing import PaygateHandle, start_paygate
from terminal.payment import GatewayClient

# Short enough to keep the suite quick, long enough for a loaded 2-core CI machine.
READ_TIMEOUT = 1.5


@pytest.fixture(scope="module")
def paygate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PaygateHandle]:
    gateway = start_paygate(tmp_path_factory.mktemp("paygate"))
    yield gateway
    gateway.stop()


@pytest.fixture(autouse=True)
def _no_rules(request: pytest.FixtureRequest) -> None:
    if "paygate" in request.fixturenames:
        request.getfixturevalue("paygate").clear_rules()


@pytest.fixture
def read_timeout() -> float:
    return READ_TIMEOUT


@pytest.fixture
def client(paygate: PaygateHandle) -> Iterator[GatewayClient]:
    gateway_client = GatewayClient(paygate.url, read_timeout=READ_TIMEOUT)
    yield gateway_client
    gateway_client.close()


@pytest.fixture
def new_no() -> Callable[[str], str]:
    """Fresh order/refund numbers, as the journal would assign them before each call."""
    run = uuid.uuid4().hex[:10]
    counter = itertools.count(1)
    return lambda prefix: f"{prefix}{run}{next(counter):04d}"
