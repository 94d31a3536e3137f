"""Whatever arrives on an /fsi/ path is answered HTTP 200 with infcode -2 and a message, and
the server stays up (hypothesis generates bodies, envelopes and field values)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from simulators.central.testing import PlatformClient, RunningSimulator, start_simulator
from terminal.central.paths import CALL_SERVICE_PATH, TRANSACTION_PATHS

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "infno",
    "msgid",
    "mdtrtarea_admvs",
    "insuplc_admdvs",
    "signtype",
    "infver",
    "opter_type",
    "opter",
    "inf_time",
    "fixmedins_code",
    "input",
    "sign_no",
    "dev_no",
    "cainfo",
]
SLOW = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSimulator]:
    running = start_simulator(tmp_path_factory.mktemp("bad-input"))
    yield running
    running.stop()


def _rejected(response: requests.Response) -> None:
    assert response.status_code == 200
    body = response.json()
    assert body["infcode"] == -2
    assert body["err_msg"]


@SLOW
@given(body=st.binary(max_size=300))
def test_random_bytes_are_rejected(shared: RunningSimulator, body: bytes) -> None:
    _rejected(requests.post(shared.url + CALL_SERVICE_PATH, data=body, timeout=10))


@SLOW
@given(value=JSON)
def test_random_json_documents_are_rejected(shared: RunningSimulator, value: object) -> None:
    _rejected(requests.post(shared.url + CALL_SERVICE_PATH, json=value, timeout=10))


@SLOW
@given(field=st.sampled_from(FIELDS), value=JSON)
def test_a_wrong_envelope_field_is_rejected(
    shared: RunningSimulator, field: str, value: object
) -> None:
    # every envelope field is text and `input` an object: a value of another JSON type is
    # always wrong (a random text may be a valid one: "" is a fine insuplc_admdvs for 9001)
    assume(not isinstance(value, dict) if field == "input" else not isinstance(value, str))
    client = PlatformClient(shared.url)
    envelope = client.envelope("9001", {"signIn": {"opter_no": "T01"}})
    envelope[field] = value
    _rejected(requests.post(shared.url + CALL_SERVICE_PATH, json=envelope, timeout=10))


@SLOW
@given(
    infno=st.sampled_from(sorted(TRANSACTION_PATHS)),
    data=st.dictionaries(st.sampled_from(["data", "feedetail", "signIn", "drug_trac_info"]), JSON),
)
def test_random_inputs_of_every_transaction_are_rejected(
    shared: RunningSimulator, infno: str, data: dict
) -> None:
    answer = PlatformClient(shared.url).call(infno, data, insuplc="440300")
    assert answer["infcode"] == -2 and answer["err_msg"]


def test_missing_field_names_the_field(shared: RunningSimulator) -> None:
    client = PlatformClient(shared.url)
    envelope = client.envelope("9001", {"signIn": {"opter_no": "T01"}})
    del envelope["opter_type"]
    answer = client.post(envelope)
    assert answer["infcode"] == -2 and "opter_type" in answer["err_msg"]


def test_msgid_of_another_institution_is_rejected(shared: RunningSimulator) -> None:
    client = PlatformClient(shared.url)
    envelope = client.envelope("9001", {"signIn": {"opter_no": "T01"}})
    envelope["msgid"] = "P44030000002" + envelope["msgid"][12:]
    answer = client.post(envelope)
    assert answer["infcode"] == -2 and "msgid" in answer["err_msg"]


def test_path_must_match_infno(shared: RunningSimulator) -> None:
    client = PlatformClient(shared.url)
    envelope = client.envelope("9001", {"signIn": {"opter_no": "T01"}})
    answer = client.post(envelope, path=TRANSACTION_PATHS["2207"])
    assert answer["infcode"] == -2 and "path" in answer["err_msg"]


def test_oversized_body_is_refused_by_its_length_without_reading_it(
    shared: RunningSimulator,
) -> None:
    host, port = shared.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            f"POST {CALL_SERVICE_PATH} HTTP/1.1\r\nHost: x\r\n"
            f"Content-Length: {50 * 1024 * 1024}\r\n\r\n".encode()
        )
        reply = conn.recv(65536).decode()
    head, _, body = reply.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 200")
    assert json.loads(body)["infcode"] == -2


def test_server_is_still_up_afterwards(shared: RunningSimulator) -> None:
    assert shared.control("GET", "/_sim/health") == {"ok": True, "region": "440300"}


def test_signed_request_with_a_bad_signature_is_rejected(shared: RunningSimulator) -> None:
    client = PlatformClient(shared.url)
    envelope = client.envelope("9001", {"signIn": {"opter_no": "T01"}})
    envelope.update(signtype="SM2", signdata="00" * 64)
    answer = client.post(envelope)
    assert answer["infcode"] == -2 and "signature" in answer["err_msg"]


def test_signed_request_is_verified_and_answered_signed(shared: RunningSimulator) -> None:
    from terminal import sm2

    world = json.loads(Path(shared.world).read_text(encoding="utf-8"))
    keys = next(i for i in world["institutions"] if i["fixmedins_code"] == "H44030000001")
    client = PlatformClient(shared.url)
    envelope = client.envelope("9001", {"signIn": {"opter_no": "T01"}})
    envelope["signtype"] = "SM2"
    signature = sm2.sign(
        keys["private_key_hex"], keys["public_key_hex"], sm2.canonical_json(envelope)
    )
    answer = client.post(dict(envelope, signdata=signature.hex()))
    assert answer["infcode"] == 0, answer["err_msg"]
    unsigned = {k: v for k, v in answer.items() if k != "signdata"}
    platform = world["platform_key"]["public_key_hex"]
    assert sm2.verify(platform, sm2.canonical_json(unsigned), bytes.fromhex(answer["signdata"]))


def test_oversized_body_sent_in_full_still_gets_the_refusal(shared: RunningSimulator) -> None:
    body = b'{"infno": "' + b"9" * (2 << 20) + b'"}'
    _rejected(requests.post(shared.url + CALL_SERVICE_PATH, data=body, timeout=30))


def test_a_body_on_a_get_does_not_desynchronise_keep_alive(shared: RunningSimulator) -> None:
    host, port = shared.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            b"GET /_sim/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
            b"GET /_sim/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    assert received.count(b"HTTP/1.1 200 OK") == 2


@pytest.mark.parametrize("depth", [990, 30_000])
def test_deeply_nested_json_is_refused_with_a_clear_message(
    shared: RunningSimulator, depth: int
) -> None:
    body = '{"infno": "9001", "input": ' + "[" * depth + "]" * depth + "}"

    response = requests.post(shared.url + CALL_SERVICE_PATH, data=body, timeout=10)

    _rejected(response)
    assert "nested too deeply" in response.json()["err_msg"]
    control = requests.post(
        shared.url + "/_sim/faults", data="[" * depth + "]" * depth, timeout=10
    )
    assert control.status_code == 400
    assert "nested too deeply" in control.json()["error"]
