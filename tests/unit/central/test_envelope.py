"""The request envelope as the wire contract fixes it, and strict parsing of responses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from platform_fakes import FIXMEDINS, make_config, response_body

from terminal import sm2
from terminal.central.envelope import Sender, build_envelope, parse_response, signed
from terminal.central.errors import (
    AmbiguousOutcomeError,
    BusinessError,
    PlatformError,
    PlatformSystemError,
    ProtocolError,
    RequestInvalid,
    ResponseSignatureError,
)

MSGID = FIXMEDINS + "20261123120000" + "3000"
SENDER = Sender.from_config(make_config("http://127.0.0.1:1"))
KEYS = sm2.SM2KeyPair.generate()


def envelope(input_: dict[str, Any], insuplc: str = "") -> dict[str, Any]:
    return build_envelope(
        SENDER,
        "2207",
        MSGID,
        input_,
        inf_time="2026-11-23 12:00:00",
        sign_no="S1",
        insuplc_admdvs=insuplc,
    )


def test_envelope_carries_the_configured_sender() -> None:
    env = envelope({"data": {"mdtrt_id": "M1"}})
    assert env["fixmedins_code"] == FIXMEDINS
    assert env["mdtrtarea_admvs"] == "440300"
    assert env["dev_no"] == "T1"
    assert env["opter_type"] == "2"
    assert env["infver"] == "V1.0"
    assert env["signtype"] == "NONE"
    assert env["msgid"] == MSGID


def test_a_psn_no_in_input_requires_the_insured_region() -> None:
    with pytest.raises(RequestInvalid, match="insuplc_admdvs"):
        envelope({"feedetail": [{"psn_no": "P1"}]})
    assert envelope({"data": {"psn_no": "P1"}}, insuplc="330600")["insuplc_admdvs"] == "330600"


def test_a_signed_envelope_verifies_over_its_canonical_json() -> None:
    env = signed(envelope({"data": {}}), KEYS.private_key_hex, KEYS.public_key_hex)
    body = sm2.canonical_json({k: v for k, v in env.items() if k != "signdata"})
    assert sm2.verify(KEYS.public_key_hex, body, bytes.fromhex(env["signdata"]))


def parse(body: bytes, keys: tuple[str, ...] = ()) -> Any:
    return parse_response(body, infno="2207", msgid=MSGID, verify_keys=keys)


def test_a_success_is_parsed_with_its_output() -> None:
    parsed = parse(response_body(0, {"setlinfo": {}}))
    assert parsed.infcode == 0
    assert parsed.raise_for_infcode().output == {"setlinfo": {}}


def test_minus_two_is_a_business_error_carrying_the_platform_message() -> None:
    with pytest.raises(BusinessError) as caught:
        parse(response_body(-2, None, "参保人不存在")).raise_for_infcode()
    assert caught.value.err_msg == "参保人不存在"
    assert not caught.value.may_have_executed


def test_minus_one_is_a_system_error_with_an_unknown_outcome() -> None:
    with pytest.raises(PlatformSystemError) as caught:
        parse(response_body(-1, None, "系统异常")).raise_for_infcode()
    assert caught.value.may_have_executed


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"<html>busy</html>", AmbiguousOutcomeError),
        (b"\xff\xfe", AmbiguousOutcomeError),
        (b"[]", ProtocolError),
        (b'{"infcode": "0", "output": {}}', ProtocolError),
        (b'{"infcode": true, "output": {}}', ProtocolError),
        (b'{"infcode": 1, "output": {}}', ProtocolError),
        (b'{"infcode": 0, "output": []}', ProtocolError),
        (b'{"infcode": 0}', ProtocolError),
        (b'{"infcode": 0, "output": {}, "err_msg": 5}', ProtocolError),
    ],
)
def test_a_malformed_response_is_a_typed_error(body: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse(body)


def platform_signed(response: dict[str, Any], keys: sm2.SM2KeyPair) -> bytes:
    signature = sm2.sign(keys.private_key_hex, keys.public_key_hex, sm2.canonical_json(response))
    return json.dumps({**response, "signdata": signature.hex()}).encode()


def test_a_response_signed_by_the_platform_key_is_accepted() -> None:
    response = json.loads(response_body(0, {"x": "1"}))
    assert parse(platform_signed(response, KEYS), (KEYS.public_key_hex,)).output == {"x": "1"}


def test_a_response_signed_by_another_key_is_refused() -> None:
    response = json.loads(response_body(0, {"x": "1"}))
    body = platform_signed(response, sm2.SM2KeyPair.generate())
    with pytest.raises(ResponseSignatureError):
        parse(body, (KEYS.public_key_hex,))


def test_a_tampered_signed_response_is_refused() -> None:
    response = json.loads(response_body(0, {"x": "1"}))
    body = platform_signed(response, KEYS).replace(b'"1"', b'"2"')
    with pytest.raises(ResponseSignatureError):
        parse(body, (KEYS.public_key_hex,))


def test_an_unsigned_refusal_is_still_a_business_error() -> None:
    with pytest.raises(BusinessError):
        parse(response_body(-2, None, "签名验证失败"), (KEYS.public_key_hex,)).raise_for_infcode()


def test_an_unsigned_success_is_refused_when_a_signature_is_expected() -> None:
    with pytest.raises(ResponseSignatureError):
        parse(response_body(0, {}), (KEYS.public_key_hex,))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
envelopes = st.fixed_dictionaries(
    {"infcode": st.sampled_from([0, -1, -2, 1, "0", None, True])},
    optional={
        "output": json_values,
        "err_msg": json_values,
        "inf_refmsgid": json_values,
        "signdata": st.text(max_size=130),
    },
)


@given(st.binary(max_size=300) | envelopes.map(lambda e: json.dumps(e).encode()))
def test_any_response_body_is_parsed_or_a_platform_error(body: bytes) -> None:
    try:
        parsed = parse(body).raise_for_infcode()
    except PlatformError as err:
        assert err.code.startswith("E10")
    else:
        assert parsed.infcode == 0


@given(envelopes.map(lambda e: json.dumps(e).encode()))
def test_no_success_is_accepted_without_a_valid_signature(body: bytes) -> None:
    try:
        parsed = parse(body, (KEYS.public_key_hex,))
    except PlatformError:
        return
    assert parsed.infcode != 0
