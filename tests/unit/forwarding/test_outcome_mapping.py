"""PlatformSender's mapping of the client's typed errors onto the forwarder's outcomes."""

from __future__ import annotations

import pytest

from offline_store.forwarder import OutcomeKind
from terminal.central.errors import (
    AmbiguousOutcomeError,
    BusinessError,
    PlatformError,
    PlatformSystemError,
    ProtocolError,
    RequestInvalid,
    ResponseSignatureError,
    SignInFailed,
    SignInRefused,
    TransportError,
)
from terminal.flows.forwarding import outcome_of_error, prepared_from_body


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (BusinessError("余额不足", infno="2102"), OutcomeKind.REFUSED),
        (RequestInvalid("bad"), OutcomeKind.REFUSED),
        (TransportError("ConnectionRefused"), OutcomeKind.NOT_SENT),
        (SignInFailed("9001 answered E104"), OutcomeKind.NOT_SENT),
        (SignInRefused("定点机构编码未知", infno="2102"), OutcomeKind.STOPPED),
        (PlatformSystemError("系统异常"), OutcomeKind.UNKNOWN),
        (AmbiguousOutcomeError("ReadTimeout"), OutcomeKind.UNKNOWN),
        (ProtocolError("setlinfo does not add up"), OutcomeKind.UNKNOWN),
        (ResponseSignatureError("bad signature"), OutcomeKind.UNKNOWN),
    ],
)
def test_each_client_error_maps_to_the_outcome_its_taxonomy_implies(
    error: PlatformError, kind: OutcomeKind
) -> None:
    assert outcome_of_error(error).kind is kind


def test_a_refused_sign_in_stops_with_the_platforms_reason() -> None:
    assert "定点机构编码未知" in outcome_of_error(SignInRefused("定点机构编码未知")).message


def test_a_refusal_keeps_the_platforms_message_for_the_dead_letter() -> None:
    assert outcome_of_error(BusinessError("结算金额不符")).message == "结算金额不符"


def test_a_body_without_the_prepared_request_fields_is_refused_before_sending() -> None:
    with pytest.raises(RequestInvalid):
        prepared_from_body({"infno": "2102", "msgid": "x", "input": {}})
    prepared = prepared_from_body(
        {
            "infno": "2102",
            "msgid": "m",
            "input": {"data": {}},
            "inf_time": "t",
            "insuplc_admdvs": "",
        }
    )
    assert (prepared.infno, prepared.msgid) == ("2102", "m")
