"""The prescription centre's client: one keep-alive HTTP session, every call sealed and every
answer opened by `terminal.rx.envelope`, every result typed (`terminal.rx.records`).

The centre sits beside the platform (same base URL, paths `/fixmedins/fixmedins/<op>`:
docs/platform-wire.md). The terminal's appId is its institution code and it signs with the
platform key pair of its configuration; answers must verify with the platform's public keys.

Nothing personal is logged: a log line carries the operation, the outcome and the duration.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import requests

from kernel.errors import ConfigError
from terminal.config import TerminalConfig
from terminal.rx import records
from terminal.rx.code import verify as verify_code
from terminal.rx.envelope import AppKeys, app_key, open_sealed, seal
from terminal.rx.errors import RxEnvelopeError, RxRefused, RxUnreachable
from terminal.rx.records import (
    DispensedLine,
    DispensingResult,
    Prescription,
    Review,
    ReviewResult,
    RxSummary,
)

log = logging.getLogger("terminal.rx")

BASE_PATH = "/fixmedins/fixmedins/"
# the operations, by what they do (docs/platform-wire.md has the fields of each)
PRE_AUDIT = "uploadChk"
SIGN = "rxFixmedinsSign"
UPLOAD = "rxFileUpld"
REVOKE = "rxUndo"
VIEW = "hospRxDetlQuery"
LIST = "rxListQuery"  # project extension: a person's prescriptions, by ID number
REVIEW = "rxChkInfoUpld"  # project extension: the pharmacist's review (reserves on accept)
AUDIT_RESULT = "rxChkInfoQuery"
DISPENSE = "rxSetlInfoUpld"  # project extension: the dispensing result, reported
DISPENSING_RESULT = "rxSetlInfoQuery"
OPERATIONS = (
    PRE_AUDIT,
    SIGN,
    UPLOAD,
    REVOKE,
    VIEW,
    LIST,
    REVIEW,
    AUDIT_RESULT,
    DISPENSE,
    DISPENSING_RESULT,
)


class RxClient:
    """Calls to the centre as one institution. Thread-safe as `requests.Session` is for one
    request at a time per thread; the counter screens use one worker."""

    def __init__(
        self,
        base_url: str,
        keys: AppKeys,
        centre_keys: Sequence[str],
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (3.0, 10.0),
        clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.keys = keys
        self.centre_keys = tuple(centre_keys)
        self._session = session or requests.Session()
        self._timeout = timeout
        self._clock_ms = clock_ms

    @classmethod
    def from_config(cls, config: TerminalConfig) -> RxClient:
        platform = config.platform
        if not platform.private_key_hex or not platform.platform_public_keys:
            raise ConfigError(
                "the prescription centre needs platform.private_key_hex, "
                "platform.public_key_hex and platform.platform_public_keys"
            )
        app_id = config.terminal.fixmedins_code
        keys = AppKeys(
            app_id,
            platform.private_key_hex,
            platform.public_key_hex,
            app_key(app_id, platform.private_key_hex),
        )
        return cls(
            platform.base_url,
            keys,
            platform.platform_public_keys,
            timeout=(platform.connect_timeout, platform.read_timeout),
        )

    def close(self) -> None:
        self._session.close()

    # -- the pharmacy's operations ---------------------------------------------------------

    def list_for_person(self, certno: str) -> list[RxSummary]:
        """The person's prescriptions still held by the centre (valid or not), newest first."""
        body = {"fixmedinsCode": self.keys.app_id, "psnCertType": "01", "certno": certno}
        return records.summaries(self.call(LIST, body))

    def view(self, hi_rxno: str, *, ec_token: str = "", rx_code: str = "") -> Prescription:
        """One prescription, with the patient's consent: their e-voucher token or the code."""
        body = {"fixmedinsCode": self.keys.app_id, "hiRxno": hi_rxno}
        if ec_token:
            body["ecToken"] = ec_token
        if rx_code:
            body["rxCode"] = rx_code
        return records.prescription(self.call(VIEW, body), self.centre_keys)

    def view_for_person(self, hi_rxno: str, certno: str) -> Prescription:
        """One prescription of a person identified at the counter (card or ID card)."""
        body = {"fixmedinsCode": self.keys.app_id, "hiRxno": hi_rxno, "certno": certno}
        return records.prescription(self.call(VIEW, body), self.centre_keys)

    def scan(self, code_text: str) -> Prescription:
        """The prescription of a scanned code; the code is checked offline first."""
        code = verify_code(code_text, self.centre_keys)
        return self.view(code.hi_rxno, rx_code=code.text)

    def review(self, hi_rxno: str, review: Review, now: datetime) -> ReviewResult:
        """Upload the pharmacist's decision; an acceptance reserves it for this pharmacy."""
        body = {
            "fixmedinsCode": self.keys.app_id,
            "hiRxno": hi_rxno,
            "pharCode": review.phar_code,
            "pharName": review.phar_name,
            "rxChkStasCodg": review.status_code,
            "rxChkOpnn": review.opinion,
            "rxChkTime": f"{now:%Y-%m-%d %H:%M:%S}",
        }
        return records.review_result(self.call(REVIEW, body))

    def audit_result(self, hi_rxno: str) -> ReviewResult:
        body = {"fixmedinsCode": self.keys.app_id, "hiRxno": hi_rxno}
        return records.review_result(self.call(AUDIT_RESULT, body))

    def report_dispensing(self, body: Mapping[str, Any]) -> DispensingResult:
        """Send a dispensing result built by `dispensing_body` (kept in the journal first)."""
        return records.dispensing_result(self.call(DISPENSE, body))

    def dispensing_result(self, hi_rxno: str) -> DispensingResult:
        body = {"fixmedinsCode": self.keys.app_id, "hiRxno": hi_rxno}
        return records.dispensing_result(self.call(DISPENSING_RESULT, body))

    def dispensing_body(
        self, hi_rxno: str, setl_id: str, setl_time: str, lines: Sequence[DispensedLine]
    ) -> dict[str, Any]:
        """The dispensing result as sent: the settlement that paid it and what was handed out.
        Idempotent at the centre by (hiRxno, setlId): a resend after a lost answer is safe."""
        return {
            "fixmedinsCode": self.keys.app_id,
            "hiRxno": hi_rxno,
            "setlId": setl_id,
            "setlTime": setl_time,
            "seltdelts": [line.to_wire() for line in lines],
        }

    # -- the wire ------------------------------------------------------------------------

    def call(self, operation: str, body: Mapping[str, Any]) -> Any:
        """Seal `body`, post it to `operation`, open the answer: its plaintext body.
        `RxUnreachable` when nothing usable came back, `RxRefused` for a nonzero code."""
        if operation not in OPERATIONS:
            raise ValueError(f"unknown prescription centre operation {operation!r}")
        envelope = seal(
            dict(body),
            signer=self.keys,
            sm4_key=self.keys.sm4_key,
            app_id=self.keys.app_id,
            timestamp_ms=self._clock_ms(),
        )
        started = time.monotonic()
        try:
            response = self._session.post(
                self.base_url + BASE_PATH + operation, json=envelope, timeout=self._timeout
            )
            answer = response.json()
        except (requests.RequestException, ValueError) as err:
            log.warning("rx %s unreachable: %s", operation, type(err).__name__)
            raise RxUnreachable(f"{operation}: {type(err).__name__}") from None
        elapsed = (time.monotonic() - started) * 1000
        if response.status_code >= 500:
            # the server did not serve it (overloaded, a proxy's error page): the centre's
            # `code` in such an answer is not its verdict on the request, so resend later
            raise RxUnreachable(f"{operation}: HTTP {response.status_code}")
        if not isinstance(answer, dict) or not isinstance(answer.get("code"), int):
            raise RxUnreachable(f"{operation}: HTTP {response.status_code}, no code in the answer")
        if answer["code"] != 0:
            log.info("rx %s refused (code %d) in %.0f ms", operation, answer["code"], elapsed)
            raise RxRefused(str(answer.get("message", ""))[:200], centre_code=answer["code"])
        app_id, plain = open_sealed(
            answer,
            sm4_key_of=lambda _app: self.keys.sm4_key,
            verify_with=lambda _app: self.centre_keys,
        )
        if app_id != self.keys.app_id:
            raise RxEnvelopeError(f"the answer is for appId {app_id[:20]!r}")
        log.info("rx %s ok in %.0f ms", operation, elapsed)
        return plain
