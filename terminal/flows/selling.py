"""When the platform refuses the terminal's sign-in, the terminal stops selling (issue 11).

A refused sign-in (`SignInRefused`, infcode -2 to 9001) is a misconfiguration, not an outage:
going offline would take the whole bill as self-pay, under an institution code the platform does
not know, and queue requests that can never land. So:

- the refusal records a stop with the platform's reason in the journal
  (`offline_store.selling`), whichever process met it (a checkout, the forwarder's probe, a
  `medterm queue drain`);
- while a stop is recorded, every sale first asks the platform again (one 9001): if the sign-in
  succeeds (the technician fixed the configuration) the stop is lifted and the sale goes on; if
  it is refused, or the platform cannot be reached to confirm, the sale is refused with the
  platform's reason (`SellingStopped`) before anything is journalled or charged;
- only a successful sign-in lifts it. There is no command to lift it by hand: without a sign-in
  the terminal cannot know the setting was fixed, and an override would let it sell offline on
  the wrong code, which is what the stop prevents. `medterm queue status` shows it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from kernel.errors import MedtermError
from offline_store.journal import Journal
from offline_store.selling import resume_selling, selling_stop, stop_selling
from terminal.central.client import PlatformClient
from terminal.central.errors import PlatformError, SignInRefused

log = logging.getLogger("terminal.selling")


class SellingStopped(MedtermError):
    """A sale refused because the platform refused this terminal's sign-in and has not
    accepted one since; the detail is the platform's reason."""

    code = "E230"
    message_zh = "医保平台拒绝本终端签到,暂停收费"
    message_en = "selling is stopped: the insurance platform refuses this terminal's sign-in"
    action = SignInRefused.action
    action_zh = SignInRefused.action_zh


class SellingGuard:
    """The `SignInWatch` of a terminal's platform client, and the check before each sale."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def refused(self, refusal: SignInRefused) -> None:
        log.error("platform refused the sign-in: selling stops (%s)", refusal.err_msg[:200])
        stop_selling(self._journal, refusal.err_msg, refusal.code)

    def signed_in(self) -> None:
        if selling_stop(self._journal) is not None:
            resume_selling(self._journal, "the platform accepted a sign-in")
            log.warning("platform accepted the sign-in: selling resumes")

    def ensure_selling(self, client: PlatformClient) -> None:
        """Return if the terminal may sell (asking the platform again while a stop is
        recorded); raise `SellingStopped` with the platform's reason otherwise."""
        stop = selling_stop(self._journal)
        if stop is None:
            return
        try:
            client.sign_in()  # success lifts the stop (`signed_in`)
        except SignInRefused as refusal:
            raise SellingStopped(self._describe(refusal.err_msg, stop.since)) from refusal
        except PlatformError as err:
            cannot_ask = f"{stop.reason} (the platform could not be asked again: {err.code})"
            raise SellingStopped(self._describe(cannot_ask, stop.since)) from err

    @staticmethod
    def _describe(reason: str, since: float) -> str:
        when = datetime.fromtimestamp(since).strftime("%Y-%m-%d %H:%M:%S")
        return f"since {when}, the platform says: {reason}"
