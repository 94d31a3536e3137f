"""The headless demo's scripted journeys: one patient per credential, played as that patient
would, from outside the kiosk's process.

The patient's hands are the simulators' control API (insert the card, show the e-voucher, place
the ID card, pay the QR code with the phone); their eyes and fingers on the screen are the
accessibility tree (`ui.demo.a11y`): the player looks at which screen the kiosk shows (its
page's stable identifier) and answers it as the patient would (the PIN typed on the keyboard
with xdotool, the orders taken, 共济 accepted, the QR code paid, or the settlement confirmed
when the accounts cover it all), so the script follows the journey's own table instead of
guessing its order. Every wait is bounded, so a kiosk that does not react stops that journey
with the screen it stopped at, and the next journey starts from the welcome screen.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulators.controls import ControlError, SimulatorControls
from ui.demo.a11y import AccessibleApp, NotFound, press_key, screenshot, type_keys

STEP_S = 20.0  # the longest one screen may take to appear
PAY_S = 30.0  # the QR code to appear on the gateway (a screen may wait for both)
# the pages the patient answers (the wait screen is watched, a notice ends the journey)
PAGES = ("pin", "orders", "mulaid", "breakdown", "pay", "done", "notice", "wait")
# the kiosk's controls that leave a page back towards the start, tried after a failed journey
WAY_OUT = ("notice-finish", "done-finish", "pin-cancel", "orders-cancel", "breakdown-cancel",
           "pay-cancel", "wait-cancel", "face-back", "still-there-cancel")


@dataclass(frozen=True)
class Patient:
    credential: str  # "voucher" | "card" | "idcard"
    psn_no: str
    name: str
    pin: str = ""  # the card's PIN, which the patient knows


@dataclass
class Played:
    patient: Patient
    completed: bool
    stopped_at: str = ""
    screenshots: tuple[Path, ...] = ()


class JourneyPlayer:
    def __init__(self, kiosk: AccessibleApp, controls: SimulatorControls, shots: Path | None,
                 *, kiosk_pid: int) -> None:
        """``shots``: the folder for a screenshot of each screen (None: no screenshots)."""
        self.kiosk = kiosk
        self.controls = controls
        self.shots = shots
        self.kiosk_pid = kiosk_pid

    def play(self, patient: Patient) -> Played:
        """Present the credential, then answer whatever screen the kiosk shows as this patient
        would, until the done screen (completed) or a notice, or a screen that does not change
        in time (stopped, with the step)."""
        taken: list[Path] = []

        def shot(step: str) -> None:
            if self.shots is not None:
                taken.append(screenshot(self.shots / f"{patient.credential}-{step}.png"))

        step = "welcome"
        try:
            self.kiosk.wait_for("welcome-language", STEP_S)
            step = "present the credential"
            self._present(patient)
            answered = ""  # the screen the patient last answered: it must go first
            while True:
                page = self._next_page(answered)
                step = page
                shot(page)
                if page == "notice":
                    raise NotFound(f"the kiosk says {self.kiosk.name('notice-prompt')!r}")
                if page == "done":
                    self.kiosk.press("done-finish")
                    break
                self._answer(page, patient)
                answered = page
            self._withdraw(patient)
            return Played(patient, True, screenshots=tuple(taken))
        except (NotFound, ControlError, OSError) as error:
            with contextlib.suppress(OSError):
                shot("stopped")
            self._back_to_start(patient)
            return Played(patient, False, f"{step}: {error}", tuple(taken))

    def _next_page(self, answered: str) -> str:
        """The next screen the patient must answer. The wait screen is only watched; the
        screen just answered counts again only after another one came (a PIN refused stays
        on the keypad: the journey stops there)."""
        end = time.monotonic() + STEP_S + PAY_S
        page = ""
        while time.monotonic() < end:
            showing = self.kiosk.find_any(tuple(f"page-{name}" for name in PAGES))
            page = showing.removeprefix("page-") if showing else ""
            if page and page != answered:
                if page != "wait":
                    return page
                answered = ""  # the journey went on: the same screen may come again
            time.sleep(0.2)
        raise NotFound(f"the kiosk stayed on {page or 'no page'} for {STEP_S + PAY_S:g} s")

    def _answer(self, page: str, patient: Patient) -> None:
        if page == "pin":
            self.kiosk.wait_for("pin-keypad", STEP_S)
            type_keys(patient.pin, window_pid=self.kiosk_pid)  # real key events
            press_key("Return")
        elif page == "orders":
            self.kiosk.press("orders-next")
        elif page == "mulaid":
            self.kiosk.press("mulaid-yes")  # the family account may pay: the patient agrees
        elif page == "breakdown":
            # something left to pay: by phone; nothing (the accounts cover it): confirm
            self.kiosk.press(self._first_showing(("breakdown-qr", "breakdown-confirm")))
        elif page == "pay":
            self._pay_by_phone()
        else:
            raise NotFound(f"the patient does not know what to do on {page}")

    def _present(self, patient: Patient) -> None:
        act: dict[str, Callable[[str], Any]] = {
            "voucher": self.controls.show_voucher,
            "card": self.controls.insert_card,
            "idcard": self.controls.place_id_card,
        }
        act[patient.credential](patient.psn_no)

    def _withdraw(self, patient: Patient) -> None:
        if patient.credential == "card":
            self.controls.remove_card()
        elif patient.credential == "idcard":
            self.controls.take_id_card()

    def _first_showing(self, idents: tuple[str, ...]) -> str:
        end = time.monotonic() + STEP_S
        while time.monotonic() < end:
            for ident in idents:
                if self.kiosk.find(ident) is not None:
                    return ident
            time.sleep(0.2)
        raise NotFound(f"none of {', '.join(idents)} showing after {STEP_S:g} s")

    def _pay_by_phone(self) -> None:
        """The phone scans the code on the screen and pays (the gateway's newest QR order)."""
        end = time.monotonic() + PAY_S
        while True:
            try:
                self.controls.pay_qr()
                return
            except ControlError:
                if time.monotonic() >= end:
                    raise
                time.sleep(0.3)

    def _back_to_start(self, patient: Patient) -> None:
        with contextlib.suppress(ControlError):
            self._withdraw(patient)
        for ident in WAY_OUT:
            if self.kiosk.find(ident) is not None:
                with contextlib.suppress(Exception):
                    self.kiosk.press(ident, timeout=1)
                break
