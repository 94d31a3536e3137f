"""The forwarder wired to the platform client: `PlatformSender` and `build_forwarder`.

`PlatformSender` turns a journalled body (the dict of `PreparedRequest.to_json()`, placeholders
already resolved) back into a `PreparedRequest` and maps the client's typed failures onto the
forwarder's four outcomes, exactly by the taxonomy of terminal/central/errors.py:

| client raises | may have executed | outcome |
|---|---|---|
| nothing (`infcode=0`) | yes | succeeded (the response's `output`) |
| `BusinessError` (`-2`), `RequestInvalid` | no, and resending cannot help | refused (dead letter) |
| `SignInRefused` (its own 9001 refused) | no | stopped: forwarding halts, the request waits |
| `TransportError` (incl. a sign-in that could not be made) | no | not_sent |
| `PlatformSystemError` (`-1`), `AmbiguousOutcomeError`, `ProtocolError` | maybe | unknown |
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from offline_store.forwarder import Forwarder, ForwardHooks, RequestSender, SendOutcome
from offline_store.journal import Journal
from terminal.central.client import PlatformClient, PreparedRequest
from terminal.central.envelope import plain
from terminal.central.errors import (
    BusinessError,
    PlatformError,
    RequestInvalid,
    SignInRefused,
    TransportError,
)
from terminal.central.msgid import MsgidAllocator
from terminal.config import TerminalConfig
from terminal.rx.client import RxClient
from terminal.rx.errors import RxError, RxRefused

RX_REPORT = "rx.dispensed"  # the journalled request of a dispensing result (flows/dispense.py)


def prepared_from_body(body: Mapping[str, Any]) -> PreparedRequest:
    """The `PreparedRequest` a journalled body describes; `RequestInvalid` if it is not one."""
    fields = ("infno", "msgid", "inf_time", "insuplc_admdvs")
    if not all(isinstance(body.get(name), str) for name in fields) or not isinstance(
        body.get("input"), Mapping
    ):
        raise RequestInvalid("journalled request lacks infno, msgid, input or inf_time")
    return PreparedRequest(
        infno=body["infno"],
        msgid=body["msgid"],
        input=body["input"],
        inf_time=body["inf_time"],
        insuplc_admdvs=body["insuplc_admdvs"],
    )


def outcome_of_error(err: PlatformError) -> SendOutcome:
    """The forwarder's outcome for one of the client's typed failures (table above)."""
    if isinstance(err, SignInRefused):
        return SendOutcome.stopped(err.describe())
    if isinstance(err, BusinessError):
        return SendOutcome.refused(err.err_msg or err.describe())
    if isinstance(err, RequestInvalid):
        return SendOutcome.refused(err.describe())
    if isinstance(err, TransportError):
        return SendOutcome.not_sent(err.describe())
    return SendOutcome.unknown(err.describe())


class PlatformSender:
    """`offline_store.forwarder.RequestSender` over one shared `PlatformClient`."""

    def __init__(self, client: PlatformClient) -> None:
        self._client = client

    def send(self, body: Mapping[str, Any]) -> SendOutcome:
        try:
            response = self._client.send(prepared_from_body(body))
        except PlatformError as err:
            return outcome_of_error(err)
        return SendOutcome.succeeded(plain(response.output))

    def probe(self) -> bool:
        try:
            self._client.sign_in()  # a refusal is recorded by the client's SignInWatch
        except PlatformError:
            return False
        return True

    def reverse(self, body: Mapping[str, Any]) -> SendOutcome:
        """2601 for the request `body` describes; `psn_no` from its `input.data`."""
        try:
            prepared = prepared_from_body(body)
            self._client.reverse(prepared, _psn_no(prepared))
        except PlatformError as err:
            return outcome_of_error(err)
        return SendOutcome.succeeded({})


class RoutingSender:
    """The forwarder's sender for a pharmacy with the prescription centre: a queued
    dispensing report (`terminal.flows.dispense.REPORT`, body `{"infno", "rx"}`) goes to the
    centre, everything else to the platform. The outbox keeps one order per person for both,
    so a report never overtakes the person's earlier queued settlement."""

    def __init__(self, platform: PlatformSender, rx: RxClient) -> None:
        self._platform = platform
        self._rx = rx

    def send(self, body: Mapping[str, Any]) -> SendOutcome:
        if body.get("infno") != RX_REPORT:
            return self._platform.send(body)
        rx_body = body.get("rx")
        if not isinstance(rx_body, Mapping):
            return SendOutcome.refused("journalled dispensing report lacks its body")
        try:
            result = self._rx.report_dispensing(rx_body)
        except RxRefused as err:
            return SendOutcome.refused(err.reason)
        except RxError as err:  # unreachable or unreadable: maybe taken, resent (idempotent)
            return SendOutcome.unknown(err.describe())
        return SendOutcome.succeeded({"setlId": result.setl_id})

    def probe(self) -> bool:
        return self._platform.probe()

    def reverse(self, body: Mapping[str, Any]) -> SendOutcome:
        return self._platform.reverse(body)


def _psn_no(prepared: PreparedRequest) -> str:
    data = prepared.input.get("data")
    psn_no = data.get("psn_no") if isinstance(data, Mapping) else None
    if not isinstance(psn_no, str) or not psn_no:
        raise RequestInvalid("no input.data.psn_no to reverse", infno=prepared.infno)
    return psn_no


def msgid_allocator(config: TerminalConfig, journal: Journal) -> MsgidAllocator:
    """The terminal's msgid allocator, its counter persisted in the journal."""
    return MsgidAllocator(
        config.terminal.fixmedins_code,
        config.terminal.slot,
        config.terminal.slot_digits,
        journal.msgid_counter(),
    )


def build_forwarder(
    config: TerminalConfig,
    journal: Journal,
    client: PlatformClient,
    hooks: ForwardHooks,
    *,
    new_msgid: Callable[[], str] | None = None,
    rx: RxClient | None = None,
    **tuning: Any,
) -> Forwarder:
    """A forwarder for this terminal: as many chains as the client's connection pool, the
    configured unknown-outcome strategy, msgids for resends from the journal's counter.
    `rx` (a pharmacy's prescription centre client) routes queued dispensing reports there.
    `tuning` passes the forwarder's other keywords (delays, breaker; or a different
    `chains`/`unknown_outcome` than the configuration's) through."""
    if new_msgid is None:
        new_msgid = msgid_allocator(config, journal).next
    tuning.setdefault("chains", config.platform.pool_size)
    tuning.setdefault("unknown_outcome", config.platform.unknown_outcome.value)
    sender: RequestSender = PlatformSender(client)
    if rx is not None:
        sender = RoutingSender(PlatformSender(client), rx)
    return Forwarder(journal, sender, hooks, new_msgid=new_msgid, **tuning)
