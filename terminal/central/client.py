"""The platform client: one keep-alive HTTP session, msgids assigned before anything is sent,
and every failure classified by whether the platform may have acted (terminal/central/errors.py).

A request goes through two steps so that a journal can record it first:

    prepared = client.prepare("2207", inputs.settle(...), insuplc_admdvs="440300")
    journal.record(prepared.to_json())           # msgid on disk before any byte leaves
    settlement = client.execute(prepared)        # send + typed result (results.py)

Resending `prepared` (after a crash, or an ambiguous outcome) sends the same msgid, input and
inf_time again. The typed helpers (`sign_in`, `query_person`, `settle`, ...) do the same three
steps, calling `before_send` with the prepared request where the caller journals it.

Nothing personal is logged: a log line carries infno, msgid, the outcome and the duration.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from kernel.breakdown import Breakdown
from terminal.central import inputs
from terminal.central.envelope import (
    INF_TIME_FORMAT,
    ParsedResponse,
    Sender,
    build_envelope,
    encode,
    parse_response,
    plain,
    signed,
)
from terminal.central.errors import (
    AmbiguousOutcomeError,
    BusinessError,
    PlatformError,
    RequestInvalid,
    SignInFailed,
    SignInRefused,
    TransportError,
)
from terminal.central.msgid import MsgidAllocator
from terminal.central.paths import TRANSACTION_PATHS
from terminal.central.results import (
    DetailReconciliation,
    FaceAuthorisation,
    FeeLineResult,
    PersonInfo,
    Registration,
    Settlement,
    SignIn,
    TotalsReconciliation,
    VoucherIdentity,
    parse_result,
)
from terminal.config import PlatformSection, TerminalConfig
from terminal.net import http_session

log = logging.getLogger("terminal.central")

MAX_BODY = 32 * 1024 * 1024  # far above any answer (a day's 3202 ids), far below trouble
BeforeSend = Callable[["PreparedRequest"], None]
SessionFactory = Callable[[PlatformSection], requests.Session]


class SignInWatch(Protocol):
    """Told of every sign-in's verdict: how a refused sign-in stops the terminal's selling
    (terminal/flows/selling.py) without the client knowing about journals."""

    def signed_in(self) -> None: ...

    def refused(self, refusal: SignInRefused) -> None: ...


@dataclass(frozen=True)
class PreparedRequest:
    """A request with its identity fixed: what a journal stores and a retry resends.

    The envelope is built from it at each send (sign_no and signature are per session); the
    fields here never change between attempts."""

    infno: str
    msgid: str
    input: Mapping[str, Any]
    inf_time: str
    insuplc_admdvs: str = ""

    def to_json(self) -> str:
        return json.dumps(
            {
                "infno": self.infno,
                "msgid": self.msgid,
                "input": self.input,
                "inf_time": self.inf_time,
                "insuplc_admdvs": self.insuplc_admdvs,
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> PreparedRequest:
        try:
            data = json.loads(text)
        except ValueError:
            raise RequestInvalid("journalled request is not JSON") from None
        if not isinstance(data, dict):
            raise RequestInvalid("journalled request is not an object")
        fields = ("infno", "msgid", "inf_time", "insuplc_admdvs")
        if not all(isinstance(data.get(name), str) for name in fields) or not isinstance(
            data.get("input"), dict
        ):
            raise RequestInvalid("journalled request lacks infno, msgid, input or inf_time")
        return cls(**{name: data[name] for name in (*fields, "input")})


def make_session(platform: PlatformSection) -> requests.Session:
    """The one HTTP session: keep-alive pool sized for parallel forwarder chains, no automatic
    retries (a silent resend is a decision for the caller), no redirects followed and no
    proxies or netrc from the environment (terminal/net.py), the configured CA bundle."""
    session = http_session()
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=platform.pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.verify = str(platform.ca_bundle) if platform.ca_bundle else True
    session.headers.update({"Content-Type": "application/json; charset=utf-8"})
    return session


class PlatformClient:
    """Talks to the platform for one terminal; safe to share between threads."""

    def __init__(
        self,
        config: TerminalConfig,
        allocator: MsgidAllocator,
        session_factory: SessionFactory = make_session,
        *,
        clock: Callable[[], datetime] = datetime.now,
        mac: str = "",
        ip: str = "",
        sign_in_watch: SignInWatch | None = None,
    ) -> None:
        self._config = config
        self._watch = sign_in_watch
        self._platform = config.platform
        self._sender = Sender.from_config(config)
        self._allocator = allocator
        self._session = session_factory(config.platform)
        self._clock = clock
        self._mac = mac
        self._ip = ip
        self._timeout = (config.platform.connect_timeout, config.platform.read_timeout)
        # requests' read timeout bounds each socket read; a body trickling in must not hold the
        # caller longer than connecting and reading once would.
        self._deadline = config.platform.connect_timeout + config.platform.read_timeout
        self._verify_keys = config.platform.platform_public_keys if config.platform.signs else ()
        self._sign_in_lock = threading.Lock()
        self._sign_no = ""

    @property
    def sign_no(self) -> str:
        """The sign-in number of this session ("" before the first successful 9001)."""
        return self._sign_no

    def close(self) -> None:
        self._session.close()

    # --- the two steps ---------------------------------------------------------------------

    def prepare(
        self,
        infno: str,
        input_: Mapping[str, Any],
        *,
        insuplc_admdvs: str = "",
        inf_time: datetime | None = None,
        msgid: str | None = None,
    ) -> PreparedRequest:
        """Fix a request's identity: a new msgid (or `msgid`, when re-creating a journalled
        request), checked now so that a request that could never be sent is refused before
        it is journalled."""
        if infno not in TRANSACTION_PATHS:
            raise RequestInvalid("unknown transaction", infno=infno)
        prepared = PreparedRequest(
            infno=infno,
            msgid=msgid if msgid is not None else self._allocator.next(),
            input=plain(input_),
            inf_time=(inf_time or self._clock()).strftime(INF_TIME_FORMAT),
            insuplc_admdvs=insuplc_admdvs,
        )
        encode(self._unsigned_envelope(prepared, sign_no=""))  # refuse now what send() would
        return prepared

    def send(self, prepared: PreparedRequest) -> ParsedResponse:
        """Send (or resend) a prepared request; the response when infcode is 0, else the
        typed error. Signs in first when this session has not."""
        if prepared.infno != "9001" and not self._sign_no:
            self._sign_in_for(prepared)
        return self._post(prepared, self.envelope_for(prepared)).raise_for_infcode()

    def envelope_for(self, prepared: PreparedRequest) -> dict[str, Any]:
        """The envelope `send` would post now (signed when signing is on)."""
        return self._envelope(prepared, sign_no=self._sign_no)

    def execute(self, prepared: PreparedRequest) -> Any:
        """`send`, then the typed result of results.py for its infno."""
        return parse_result(self.send(prepared))

    def call(
        self,
        infno: str,
        input_: Mapping[str, Any],
        msgid: str | None = None,
        *,
        insuplc_admdvs: str = "",
    ) -> ParsedResponse:
        """Prepare and send in one step; `msgid` given means a retry of that earlier request
        (prefer resending the journalled PreparedRequest, which also keeps its inf_time)."""
        return self.send(self.prepare(infno, input_, insuplc_admdvs=insuplc_admdvs, msgid=msgid))

    # --- typed transactions ----------------------------------------------------------------

    def sign_in(self) -> SignIn:
        """9001: sign in and keep the sign-in number for the envelopes that follow. A refusal
        (`infcode=-2`) is `SignInRefused`, and the watch hears of it, as of every success."""
        prepared = self.prepare("9001", inputs.sign_in(self._sender.opter, self._mac, self._ip))
        try:
            result: SignIn = self.execute(prepared)
        except BusinessError as err:
            refusal = SignInRefused(err.err_msg, infno="9001", msgid=prepared.msgid)
            if self._watch is not None:
                self._watch.refused(refusal)
            raise refusal from err
        self._sign_no = result.sign_no
        if self._watch is not None:
            self._watch.signed_in()
        return result

    def decode_voucher(self, ec_qr_code: str, business_type: str) -> VoucherIdentity:
        """1162."""
        kiosk = self._sender.opter_type == "2"
        return self.execute(
            self.prepare(
                "1162",
                inputs.decode_voucher(
                    ec_qr_code,
                    business_type,
                    device_type="SelfService" if kiosk else "Counter",
                    term_id=self._sender.dev_no,
                    org_id=self._sender.fixmedins_code,
                    operator_id=self._sender.opter,
                ),
            )
        )

    def authorize_face(
        self, encoding: Sequence[float], *, liveness_passed: bool, liveness_method: str
    ) -> FaceAuthorisation:
        """1191."""
        request = inputs.authorize_face(
            encoding,
            term_id=self._sender.dev_no,
            liveness_passed=liveness_passed,
            liveness_method=liveness_method,
        )
        return self.execute(self.prepare("1191", request))

    def query_person(self, query: inputs.PersonQuery) -> PersonInfo:
        """1101."""
        return self.execute(self.prepare("1101", inputs.query_person(query)))

    def register(self, request: inputs.RegistrationRequest, *, insuplc_admdvs: str) -> Registration:
        """2201."""
        return self._run("2201", inputs.register(request), insuplc_admdvs, None)

    def upload_fees(
        self, lines: Sequence[inputs.FeeLine], *, insuplc_admdvs: str
    ) -> tuple[FeeLineResult, ...]:
        """2204."""
        return self._run("2204", inputs.upload_fees(lines), insuplc_admdvs, None)

    def cancel_fees(
        self, mdtrt_id: str, chrg_bchno: str, psn_no: str, *, insuplc_admdvs: str
    ) -> None:
        """2205."""
        self._run("2205", inputs.cancel_fees(mdtrt_id, chrg_bchno, psn_no), insuplc_admdvs, None)

    def cancel_registration(
        self, mdtrt_id: str, ipt_otp_no: str, psn_no: str, *, insuplc_admdvs: str
    ) -> None:
        """2202."""
        request_input = inputs.cancel_registration(mdtrt_id, ipt_otp_no, psn_no)
        self._run("2202", request_input, insuplc_admdvs, None)

    def pre_settle(self, request: inputs.SettlementRequest, *, insuplc_admdvs: str) -> Breakdown:
        """2206: the split, nothing recorded."""
        return self._run("2206", inputs.pre_settle(request), insuplc_admdvs, None)

    def settle(
        self,
        request: inputs.SettlementRequest,
        presettled: Breakdown,
        *,
        insuplc_admdvs: str,
        invono: str = "",
        mulaid_psn_no: str = "",
        drug_trace: Sequence[inputs.DrugTrace] = (),
        before_send: BeforeSend | None = None,
    ) -> Settlement:
        """2207; `before_send` receives the prepared request (journal it there)."""
        request_input = inputs.settle(
            request, presettled, invono=invono, mulaid_psn_no=mulaid_psn_no, drug_trace=drug_trace
        )
        return self._run("2207", request_input, insuplc_admdvs, before_send)

    def cancel_settlement(
        self,
        setl_id: str,
        mdtrt_id: str,
        psn_no: str,
        *,
        insuplc_admdvs: str,
        before_send: BeforeSend | None = None,
    ) -> Breakdown:
        """2208: the negated breakdown."""
        request_input = inputs.cancel_settlement(setl_id, mdtrt_id, psn_no)
        return self._run("2208", request_input, insuplc_admdvs, before_send)

    def pharmacy_pre_settle(
        self,
        request: inputs.SettlementRequest,
        lines: Sequence[inputs.FeeLine],
        *,
        insuplc_admdvs: str,
    ) -> Breakdown:
        """2101."""
        return self._run("2101", inputs.pharmacy_pre_settle(request, lines), insuplc_admdvs, None)

    def pharmacy_settle(
        self,
        request: inputs.SettlementRequest,
        lines: Sequence[inputs.FeeLine],
        presettled: Breakdown,
        *,
        insuplc_admdvs: str,
        invono: str = "",
        mulaid_psn_no: str = "",
        drug_trace: Sequence[inputs.DrugTrace] = (),
        before_send: BeforeSend | None = None,
    ) -> Settlement:
        """2102."""
        request_input = inputs.pharmacy_settle(
            request,
            lines,
            presettled,
            invono=invono,
            mulaid_psn_no=mulaid_psn_no,
            drug_trace=drug_trace,
        )
        return self._run("2102", request_input, insuplc_admdvs, before_send)

    def cancel_pharmacy_settlement(
        self,
        setl_id: str,
        psn_no: str,
        *,
        insuplc_admdvs: str,
        before_send: BeforeSend | None = None,
    ) -> Breakdown:
        """2103."""
        request_input = inputs.cancel_pharmacy_settlement(setl_id, psn_no)
        return self._run("2103", request_input, insuplc_admdvs, before_send)

    def reverse(
        self,
        original: PreparedRequest,
        psn_no: str,
        *,
        before_send: BeforeSend | None = None,
    ) -> None:
        """2601: reverse `original` (harmless when it never executed, and when repeated)."""
        request_input = inputs.reverse(psn_no, original.msgid, original.infno)
        self._run("2601", request_input, original.insuplc_admdvs, before_send)

    def reconcile_totals(self, totals: inputs.DailyTotals) -> TotalsReconciliation:
        """3201."""
        return self.execute(self.prepare("3201", inputs.reconcile_totals(totals)))

    def reconcile_detail(
        self, stmt_begndate: str, stmt_enddate: str, setl_ids: Sequence[str]
    ) -> DetailReconciliation:
        """3202."""
        request_input = inputs.reconcile_detail(stmt_begndate, stmt_enddate, setl_ids)
        return self.execute(self.prepare("3202", request_input))

    # --- internals -------------------------------------------------------------------------

    def _run(
        self,
        infno: str,
        request_input: Mapping[str, Any],
        insuplc_admdvs: str,
        before_send: BeforeSend | None,
    ) -> Any:
        prepared = self.prepare(infno, request_input, insuplc_admdvs=insuplc_admdvs)
        if before_send is not None:
            before_send(prepared)
        return self.execute(prepared)

    def _sign_in_for(self, prepared: PreparedRequest) -> None:
        """Sign in before `prepared` (one thread signs in, the others wait for it); if that
        fails, `prepared` was not sent: say so, a refusal as a refusal (`SignInRefused`, which
        callers must not take for an outage), anything else as `SignInFailed`."""
        with self._sign_in_lock:
            if self._sign_no:
                return
            try:
                self.sign_in()
            except SignInRefused as refusal:
                raise SignInRefused(
                    refusal.err_msg, infno=prepared.infno, msgid=prepared.msgid
                ) from refusal
            except PlatformError as err:
                raise SignInFailed(
                    f"9001 answered {err.code}", infno=prepared.infno, msgid=prepared.msgid
                ) from err

    def _envelope(self, prepared: PreparedRequest, *, sign_no: str) -> dict[str, Any]:
        envelope = self._unsigned_envelope(prepared, sign_no=sign_no)
        if self._platform.signs:
            envelope = signed(
                envelope, self._platform.private_key_hex, self._platform.public_key_hex
            )
        return envelope

    def _unsigned_envelope(self, prepared: PreparedRequest, *, sign_no: str) -> dict[str, Any]:
        return build_envelope(
            self._sender,
            prepared.infno,
            prepared.msgid,
            prepared.input,
            inf_time=prepared.inf_time,
            sign_no=sign_no,
            insuplc_admdvs=prepared.insuplc_admdvs,
        )

    def _post(self, prepared: PreparedRequest, envelope: Mapping[str, Any]) -> ParsedResponse:
        where = {"infno": prepared.infno, "msgid": prepared.msgid}
        url = self._platform.base_url + TRANSACTION_PATHS[prepared.infno]
        body = encode(envelope)
        started = time.monotonic()
        try:
            try:
                response = self._session.post(
                    url, data=body, timeout=self._timeout, stream=True, allow_redirects=False
                )
                answer = _read_body(response, started + self._deadline, where)
            except requests.RequestException as err:
                raise _classify(err, where) from None
            if response.status_code != 200:
                raise AmbiguousOutcomeError(_unexpected_status(response.status_code), **where)
            parsed = parse_response(
                answer, infno=prepared.infno, msgid=prepared.msgid, verify_keys=self._verify_keys
            )
        except PlatformError as failure:
            elapsed = (time.monotonic() - started) * 1000
            log.warning(
                "platform %s %s failed after %.0f ms: %s",
                prepared.infno,
                prepared.msgid,
                elapsed,
                failure.code,
            )
            raise
        elapsed = (time.monotonic() - started) * 1000
        log.info(
            "platform %s %s infcode %d in %.0f ms",
            prepared.infno,
            prepared.msgid,
            parsed.infcode,
            elapsed,
        )
        return parsed


def _read_body(response: requests.Response, deadline: float, where: dict[str, str]) -> bytes:
    """The whole body, unless it outgrows MAX_BODY or the call's deadline (then the connection
    is closed and the outcome is ambiguous: the request was sent)."""
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := response.raw.read1(64 * 1024, decode_content=True):
            size += len(chunk)
            if size > MAX_BODY or time.monotonic() > deadline:
                response.close()
                problem = "too large" if size > MAX_BODY else "too slow"
                raise AmbiguousOutcomeError(f"response body {problem} ({size} bytes)", **where)
            chunks.append(chunk)
    except urllib3.exceptions.HTTPError as err:  # read1 is below requests' exception wrapping
        response.close()
        raise AmbiguousOutcomeError(f"reading the body: {type(err).__name__}", **where) from None
    return b"".join(chunks)


def _unexpected_status(status: int) -> str:
    """What a status other than 200 tells: the request may have been executed either way; a
    redirect also means that something in the path is not the platform (a proxy, a portal, a
    wrong `platform.base_url`), which the technician should know."""
    if 300 <= status < 400:
        return f"HTTP {status}: a redirect, not followed (check platform.base_url and proxies)"
    return f"HTTP {status}"


def _classify(err: requests.RequestException, where: dict[str, str]) -> PlatformError:
    """Before the request left (connect refused or timed out, TLS handshake) -> TransportError;
    anything later (read timeout, reset, truncated body) -> AmbiguousOutcomeError."""
    name = type(err).__name__
    if isinstance(err, (requests.exceptions.ConnectTimeout, requests.exceptions.SSLError)):
        return TransportError(name, **where)
    if isinstance(err, requests.exceptions.ConnectionError) and not isinstance(
        err, requests.exceptions.ReadTimeout
    ):
        reason = getattr(err.args[0], "reason", None) if err.args else None
        if isinstance(reason, (NewConnectionError, ConnectTimeoutError)):
            return TransportError(f"{name}: {type(reason).__name__}", **where)
    return AmbiguousOutcomeError(name, **where)
