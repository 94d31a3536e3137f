"""Idempotency by msgid (central-api.md): a repeat returns the stored answer byte for byte and
executes nothing; the same msgid with another body is refused; all of it survives a restart."""

from __future__ import annotations

import requests

from simulators.central.testing import (
    Patient,
    PlatformClient,
    RunningSimulator,
    outpatient_input,
    outpatient_visit,
)
from terminal.central.paths import TRANSACTION_PATHS

ZHANG = Patient("44030000000000000001", "310")
LINES = [("X1", "12.50", "4"), ("X4", "20.00", "1")]


def _post_raw(sim: RunningSimulator, envelope: dict) -> bytes:
    response = requests.post(sim.url + TRANSACTION_PATHS["2207"], json=envelope, timeout=30)
    return response.content


def test_repeat_returns_original_bytes_and_settles_once(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    visit = outpatient_visit(client, ZHANG, LINES)
    envelope = client.envelope("2207", {"data": outpatient_input(ZHANG, visit)}, insuplc="440300")
    first = _post_raw(sim, envelope)
    retry = dict(envelope, inf_time="2026-11-23 23:59:59")  # a retry may carry a new time
    assert _post_raw(sim, retry) == first
    assert len(sim.control("GET", "/_sim/settlements")["settlements"]) == 1
    balc = sim.control("GET", f"/_sim/person?psn_no={ZHANG.psn_no}")["balc"]
    assert balc == client.post(envelope)["output"]["setlinfo"]["balc"]


def test_same_msgid_with_another_input_is_refused_naming_the_conflict(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    visit = outpatient_visit(client, ZHANG, LINES)
    envelope = client.envelope("2207", {"data": outpatient_input(ZHANG, visit)}, insuplc="440300")
    assert client.post(envelope)["infcode"] == 0
    changed = client.envelope(
        "2207",
        {"data": outpatient_input(ZHANG, visit, acct_used="0")},
        msgid=envelope["msgid"],
        insuplc="440300",
    )
    answer = client.post(changed)
    assert answer["infcode"] == -2
    assert "conflict" in answer["err_msg"] and envelope["msgid"] in answer["err_msg"]


def test_a_refused_request_is_also_answered_the_same_on_repeat(client: PlatformClient) -> None:
    envelope = client.envelope("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "1"}})
    first = client.post(envelope)
    assert first["infcode"] == -2
    assert client.post(envelope) == first


def test_restart_keeps_state_and_stored_responses(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    visit = outpatient_visit(client, ZHANG, LINES)
    envelope = client.envelope("2207", {"data": outpatient_input(ZHANG, visit)}, insuplc="440300")
    first = _post_raw(sim, envelope)
    sim.kill()
    again = sim.restart()
    try:
        assert _post_raw(again, envelope) == first
        person = again.control("GET", f"/_sim/person?psn_no={ZHANG.psn_no}")
        # inscp 70.00: 50.00 tops the deductible up to 200.00, 20.00 x 0.65 is pooled, once
        assert person["usage"]["outpatient"] == {"dedc_used": "200.00", "hifp_paid": "13.00"}
        assert len(again.control("GET", "/_sim/settlements")["settlements"]) == 1
    finally:
        again.stop()


def test_a_database_of_another_world_is_refused(sim: RunningSimulator, tmp_path) -> None:
    import pytest

    from simulators.central.testing import start_simulator
    from terminal.services import ServiceStartError

    other = tmp_path / "other.json"
    other.write_text(sim.world.read_text(encoding="utf-8").replace("张伟", "张维"), "utf-8")
    sim.stop()
    with pytest.raises(ServiceStartError, match="holds another world"):
        start_simulator(tmp_path, world=other, db=sim.db)
