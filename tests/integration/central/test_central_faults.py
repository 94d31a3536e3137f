"""Each fault mode of /_sim/faults, observed at the HTTP level."""

from __future__ import annotations

import time

import pytest
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
LINES = [("X1", "12.50", "4")]


def _fault(sim: RunningSimulator, **rule: object) -> None:
    answer = sim.control("POST", "/_sim/faults", {"rules": [{"infno": "2207", **rule}]})
    assert answer["ok"], answer


def _settlement(client: PlatformClient) -> dict:
    visit = outpatient_visit(client, ZHANG, LINES)
    return client.envelope("2207", {"data": outpatient_input(ZHANG, visit)}, insuplc="440300")


def _raw(sim: RunningSimulator, envelope: dict) -> requests.Response:
    url = sim.url + TRANSACTION_PATHS[envelope["infno"]]
    return requests.post(url, json=envelope, timeout=30)


def _held(sim: RunningSimulator) -> int:
    return len(sim.control("GET", "/_sim/settlements")["settlements"])


def test_delay_holds_the_answer_back(sim: RunningSimulator, client: PlatformClient) -> None:
    envelope = _settlement(client)
    _fault(sim, mode="delay", ms=400, count=1)
    started = time.monotonic()
    assert client.post(envelope)["infcode"] == 0
    assert time.monotonic() - started >= 0.4


def test_http_503_executes_nothing(sim: RunningSimulator, client: PlatformClient) -> None:
    envelope = _settlement(client)
    _fault(sim, mode="http_503", count=1)
    assert _raw(sim, envelope).status_code == 503
    assert _held(sim) == 0
    assert client.post(envelope)["infcode"] == 0  # count 1: the next one passes


def test_reset_before_drops_the_connection_without_executing(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    envelope = _settlement(client)
    _fault(sim, mode="reset_before", count=1)
    with pytest.raises(requests.ConnectionError):
        _raw(sim, envelope)
    assert _held(sim) == 0


def test_drop_after_commit_executes_then_retry_gets_the_result(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    envelope = _settlement(client)
    _fault(sim, mode="drop_after_commit", count=1)
    with pytest.raises(requests.ConnectionError):
        _raw(sim, envelope)
    assert _held(sim) == 1
    assert client.post(envelope)["infcode"] == 0
    assert _held(sim) == 1


def test_garbage_body_is_a_200_that_is_not_json(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    envelope = _settlement(client)
    _fault(sim, mode="garbage_body", count=1)
    response = _raw(sim, envelope)
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    assert _held(sim) == 1


def test_infcode_minus1_after_executing(sim: RunningSimulator, client: PlatformClient) -> None:
    envelope = _settlement(client)
    _fault(sim, mode="infcode_minus1", count=1)
    assert client.post(envelope)["infcode"] == -1
    assert _held(sim) == 1
    assert client.post(envelope)["infcode"] == 0


def test_refuse_answers_the_platforms_reason_executes_nothing_and_repeats_it(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    envelope = _settlement(client)
    reason = "基金支付超过年度最高支付限额 (the fund's annual limit is reached)"
    _fault(sim, mode="refuse", count=1, err_msg=reason)
    refused = client.post(envelope)
    assert (refused["infcode"], refused["err_msg"]) == (-2, reason)
    assert _held(sim) == 0
    again = client.post(envelope)  # the same msgid: the platform's answer to it stands
    assert (again["infcode"], again["err_msg"]) == (-2, reason) and _held(sim) == 0


def test_refuse_without_a_reason_says_the_visit_was_already_settled(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    envelope = _settlement(client)
    _fault(sim, mode="refuse", count=1)
    assert client.post(envelope)["err_msg"].startswith("结算失败:本次就诊已结算")


def test_offline_refuses_fsi_until_cleared_while_control_and_his_answer(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    sim.control(
        "POST", "/_sim/faults", {"rules": [{"infno": "*", "mode": "offline", "probability": 1}]}
    )
    with pytest.raises(requests.ConnectionError):
        client.call("9001", {"signIn": {"opter_no": "T01"}})
    assert requests.get(sim.url + "/his/departments", timeout=10).json()["ok"]
    assert sim.control("GET", "/_sim/health")["ok"]
    sim.control("DELETE", "/_sim/faults")
    assert PlatformClient(sim.url).call("9001", {"signIn": {"opter_no": "T01"}})["infcode"] == 0


def test_probability_zero_never_fires_and_other_infnos_are_untouched(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    sim.control(
        "POST",
        "/_sim/faults",
        {
            "rules": [
                {"infno": "2207", "mode": "http_503", "probability": 0},
                {"infno": "2207", "mode": "reset_before", "probability": 1},
            ]
        },
    )
    assert client.call("9001", {"signIn": {"opter_no": "T01"}})["infcode"] == 0


def test_a_malformed_rule_is_refused(sim: RunningSimulator) -> None:
    response = requests.post(
        sim.url + "/_sim/faults", json={"rules": [{"mode": "explode", "count": 1}]}, timeout=10
    )
    assert response.status_code == 400
    assert "mode" in response.json()["error"]
