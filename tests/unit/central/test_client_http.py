"""The client over real HTTP to a local scripted server: what was sent, and how each failure
is classified."""

from __future__ import annotations

import json
import socket
import struct
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from platform_fakes import (
    ScriptedServer,
    make_client,
    make_config,
    reply_ok,
    response_body,
    send,
)

from kernel.breakdown import Breakdown
from terminal import sm2
from terminal.central.client import PreparedRequest
from terminal.central.errors import (
    AmbiguousOutcomeError,
    BusinessError,
    PlatformError,
    ProtocolError,
    RequestInvalid,
    SignInFailed,
    SignInRefused,
    TransportError,
)
from terminal.central.paths import TRANSACTION_PATHS

SETTLE_INPUT = {"data": {"psn_no": "P1", "mdtrt_id": "M1"}}


def test_the_first_call_signs_in_and_carries_the_sign_no(server: ScriptedServer) -> None:
    client = make_client(make_config(server.url))
    client.call("2205", SETTLE_INPUT, insuplc_admdvs="440300")
    assert [r["infno"] for r in server.requests] == ["9001", "2205"]
    assert server.requests[1]["sign_no"] == "S1"
    assert server.paths[1] == TRANSACTION_PATHS["2205"]


def test_calls_reuse_one_keep_alive_connection(server: ScriptedServer) -> None:
    client = make_client(make_config(server.url))
    for _ in range(5):
        client.call("3202", {"data": {}})
    assert len(set(server.client_ports)) == 1


def test_a_chunked_response_is_read_whole(server: ScriptedServer) -> None:
    def chunked(envelope: dict[str, Any], handler: BaseHTTPRequestHandler) -> None:
        body = response_body(0, {"data": {"stmt_rslt": "0", "stmt_rslt_dscr": "平"}})
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for start in range(0, len(body), 7):
            piece = body[start : start + 7]
            handler.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        handler.wfile.write(b"0\r\n\r\n")

    server.script = chunked
    client = make_client(make_config(server.url))
    assert client.call("3201", {"data": {}}).output["data"]["stmt_rslt_dscr"] == "平"
    client.call("3201", {"data": {}})
    assert len(set(server.client_ports)) == 1


def test_a_resent_prepared_request_is_identical(server: ScriptedServer) -> None:
    client = make_client(make_config(server.url))
    prepared = client.prepare("2207", SETTLE_INPUT, insuplc_admdvs="440300")
    client.send(prepared)
    client.send(PreparedRequest.from_json(prepared.to_json()))
    first, second = server.requests[-2:]
    assert first == second
    assert first["msgid"] == prepared.msgid


def test_before_send_sees_the_msgid_that_is_then_sent(server: ScriptedServer) -> None:
    client = make_client(make_config(server.url))
    client.sign_in()
    seen: list[PreparedRequest] = []
    original = client.prepare("2207", SETTLE_INPUT, insuplc_admdvs="440300")
    client.reverse(original, "P1", before_send=seen.append)
    assert [r["infno"] for r in server.requests] == ["9001", "2601"]
    assert server.requests[-1]["input"]["data"]["omsgid"] == original.msgid
    assert seen[0].msgid == server.requests[-1]["msgid"]


def test_a_refused_request_is_never_sent(server: ScriptedServer) -> None:
    client = make_client(make_config(server.url))
    with pytest.raises(RequestInvalid):
        client.prepare("2207", SETTLE_INPUT)  # no insuplc_admdvs
    assert server.requests == []


def test_an_input_json_cannot_carry_is_refused_before_sending(server: ScriptedServer) -> None:
    client = make_client(make_config(server.url))
    with pytest.raises(RequestInvalid):
        client.prepare("1191", {"data": {"encoding": [float("nan")] * 128}})
    assert server.requests == []


def test_parallel_first_calls_sign_in_once(server: ScriptedServer) -> None:
    client = make_client(make_config(server.url))
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda _: client.call("3202", {"data": {}}), range(12)))
    assert [r["infno"] for r in server.requests].count("9001") == 1


def test_a_failed_sign_in_means_the_request_was_not_sent(server: ScriptedServer) -> None:
    server.sign_in = lambda env, handler: send(handler, 503, b"")
    client = make_client(make_config(server.url))
    with pytest.raises(SignInFailed) as caught:
        client.call("2207", SETTLE_INPUT, insuplc_admdvs="440300")
    assert caught.value.infno == "2207"
    assert not caught.value.may_have_executed
    assert [r["infno"] for r in server.requests] == ["9001"]


def test_a_refused_sign_in_is_a_refusal_with_the_platforms_reason_not_an_outage(
    server: ScriptedServer,
) -> None:
    server.sign_in = lambda env, handler: send(handler, 200, response_body(-2, None, "机构未登记"))
    client = make_client(make_config(server.url))
    with pytest.raises(SignInRefused) as caught:
        client.call("2207", SETTLE_INPUT, insuplc_admdvs="440300")
    assert not isinstance(caught.value, (TransportError, AmbiguousOutcomeError, BusinessError))
    assert caught.value.infno == "2207" and not caught.value.may_have_executed
    assert caught.value.err_msg == "机构未登记" and "机构未登记" in caught.value.describe()
    assert [r["infno"] for r in server.requests] == ["9001"]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_an_unknown_outcome_and_is_not_followed(
    server: ScriptedServer, status: int
) -> None:
    def moved_once(envelope: dict[str, Any], handler: BaseHTTPRequestHandler) -> None:
        if handler.path == "/elsewhere":
            send(handler, 200, response_body(0, {}))  # what following would have been told
            return
        handler.send_response(status)
        handler.send_header("Location", "/elsewhere")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    server.script = moved_once
    client = make_client(make_config(server.url))
    with pytest.raises(AmbiguousOutcomeError, match="redirect, not followed") as caught:
        client.call("2207", SETTLE_INPUT, insuplc_admdvs="440300")
    assert caught.value.may_have_executed
    assert "/elsewhere" not in server.paths


def test_connection_refused_is_a_transport_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(make_config(f"http://127.0.0.1:{port}"))
    with pytest.raises(TransportError) as caught:
        client.sign_in()
    assert not caught.value.may_have_executed


def slow(envelope: dict[str, Any], handler: BaseHTTPRequestHandler) -> None:
    time.sleep(0.6)
    send(handler, 200, response_body(0, {}))


def reset(envelope: dict[str, Any], handler: BaseHTTPRequestHandler) -> None:
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True
    handler.connection.close()


def trickle(envelope: dict[str, Any], handler: BaseHTTPRequestHandler) -> None:
    body = response_body(0, {})
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    for byte in body:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.05)


@pytest.mark.parametrize(
    "script",
    [
        slow,
        reset,
        trickle,
        lambda env, handler: send(handler, 503, b"busy"),
        lambda env, handler: send(handler, 200, b"<html>not json"),
    ],
    ids=["read-timeout", "reset-after-send", "trickling-body", "http-503", "garbage-body"],
)
def test_a_failure_after_sending_is_an_ambiguous_outcome(
    server: ScriptedServer, script: Any
) -> None:
    server.script = script
    client = make_client(make_config(server.url, connect_timeout=0.2, read_timeout=0.3))
    client.sign_in()
    started = time.monotonic()
    with pytest.raises(AmbiguousOutcomeError) as caught:
        client.call("2207", SETTLE_INPUT, insuplc_admdvs="440300")
    assert caught.value.may_have_executed
    assert caught.value.msgid == server.requests[-1]["msgid"]
    assert time.monotonic() - started < 1.5  # connect + read timeout bound the whole call


def test_a_business_refusal_carries_the_platform_message(server: ScriptedServer) -> None:
    server.script = lambda env, handler: send(handler, 200, response_body(-2, None, "无此人员"))
    client = make_client(make_config(server.url))
    with pytest.raises(BusinessError) as caught:
        client.call("2207", SETTLE_INPUT, insuplc_admdvs="440300")
    assert caught.value.err_msg == "无此人员"
    assert "无此人员" not in str(caught.value)


def test_a_doctored_breakdown_is_refused(server: ScriptedServer) -> None:
    setlinfo = {f.name: "0.00" for f in fields(Breakdown) if f.type == "Money"}
    setlinfo["psn_cash_pay"] = "1.00"
    server.script = reply_ok({"setlinfo": setlinfo})
    client = make_client(make_config(server.url))
    prepared = client.prepare("2207", SETTLE_INPUT, insuplc_admdvs="440300")
    with pytest.raises(ProtocolError, match="psn_cash_pay"):
        client.execute(prepared)


def test_sm2_requests_are_signed_with_the_terminal_key(server: ScriptedServer) -> None:
    keys = sm2.SM2KeyPair.generate()
    config = make_config(
        server.url,
        signtype="SM2",
        private_key_hex=keys.private_key_hex,
        public_key_hex=keys.public_key_hex,
    )
    make_client(config).sign_in()
    envelope = server.requests[0]
    body = sm2.canonical_json({k: v for k, v in envelope.items() if k != "signdata"})
    assert envelope["signtype"] == "SM2"
    assert sm2.verify(keys.public_key_hex, body, bytes.fromhex(envelope["signdata"]))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
answers = st.binary(max_size=200) | st.fixed_dictionaries(
    {"infcode": st.sampled_from([0, -1, -2, 1, "0"])},
    optional={"output": json_values, "err_msg": json_values, "setlinfo": json_values},
).map(lambda d: json.dumps(d).encode())


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=st.sampled_from([200, 200, 200, 204, 404, 500, 503]), body=answers)
def test_any_http_answer_is_a_result_or_a_platform_error(
    server: ScriptedServer, status: int, body: bytes
) -> None:
    server.script = lambda env, handler: send(handler, status, body)
    client = make_client(make_config(server.url))
    try:
        client.execute(client.prepare("2207", SETTLE_INPUT, insuplc_admdvs="440300"))
    except PlatformError as err:
        assert err.code.startswith("E10")
    finally:
        client.close()
