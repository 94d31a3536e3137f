"""The simulator control window: a chosen person inserts their card, shows their e-voucher,
places their ID card or looks at the camera; their phone pays the QR code; the network cable is
pulled, the paper runs out, and the platform refuses the next settlement.

It is a tool for the person giving the demo (a developer, a technician), not a patient's screen:
its words are English and are not translated, and it drives the simulators through their HTTP
control APIs only (`simulators.controls`), never through the kiosk, so whatever it does a test
or a technician can do with `curl`. Each request runs on the bridge's io worker; the answer or
the simulator's refusal comes back as one line at the bottom.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from simulators.controls import SimulatorControls
from ui.bridge import Bridge, Worker
from ui.widgets import identify, label

REQUEST_TIMEOUT_S = 15.0


class SimulatorControlWindow(QWidget):
    def __init__(self, controls: SimulatorControls, bridge: Bridge) -> None:
        super().__init__()
        identify(self, "simctl-root")
        self.setWindowTitle("medterm demo: simulator controls")
        self.controls = controls
        self.bridge = bridge
        self.person = QComboBox()
        identify(self.person, "simctl-person", "Person at the kiosk")
        self.face = QComboBox()
        identify(self.face, "simctl-face", "Face shown to the camera")
        self.result = label("simctl-result", "muted")
        self.buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self.person)
        layout.addWidget(self._group("The person", [
            ("insert-card", "Insert their card", self._insert_card),
            ("pull-card", "Pull the card out", controls.remove_card),
            ("show-voucher", "Show their e-voucher", self._show_voucher),
            ("place-id", "Place their ID card", self._place_id_card),
            ("take-id", "Take the ID card away", controls.take_id_card),
        ]))
        layout.addWidget(self.face)
        layout.addWidget(self._group("The camera", [
            ("present-face", "Present this face", self._present_face),
            ("no-face", "Nobody at the camera", lambda: controls.present_face(None)),
        ]))
        layout.addWidget(self._group("The phone and the world", [
            ("pay-qr", "Pay the QR from the phone", self._pay_qr),
            ("cable-out", "Pull the network cable", lambda: controls.network(connected=False)),
            ("cable-in", "Plug the network cable in", lambda: controls.network(connected=True)),
            ("paper-out", "Run out of paper", lambda: controls.paper(present=False)),
            ("paper-in", "Put paper in", lambda: controls.paper(present=True)),
            ("refuse-settlement", "Refuse the next settlement", controls.refuse_settlement),
            ("settlements", "Count the settlements", self._settlements),
        ]))
        layout.addWidget(self.result)
        self._load()

    def _group(self, title: str, actions: list[tuple[str, str, Callable[[], Any]]]) -> QGroupBox:
        box = QGroupBox(title)
        grid = QGridLayout(box)
        for index, (ident, text, action) in enumerate(actions):
            button = QPushButton(text)
            identify(button, f"simctl-{ident}", text)
            button.clicked.connect(lambda _=False, t=text, a=action: self.do(t, a))
            grid.addWidget(button, index // 2, index % 2)
            self.buttons[ident] = button
        return box

    def do(self, what: str, action: Callable[[], Any]) -> None:
        """Run one control request off the GUI thread; say how it went."""
        self.result.setText(f"{what}…")
        self.bridge.submit(
            action,
            on_done=lambda answer: self.result.setText(
                f"{what}: done" + (f" ({answer})" if isinstance(answer, str) else "")
            ),
            on_error=lambda error: self.result.setText(f"{what}: {error}"),
            timeout=REQUEST_TIMEOUT_S,
            waiting_for=what,
            worker=Worker.IO,
        )

    # ---- the actions that need the chosen person or face --------------------------------

    def chosen_person(self) -> str:
        psn_no = self.person.currentData()
        if not psn_no:
            raise ValueError("choose a person first")
        return psn_no

    def _insert_card(self) -> None:
        self.controls.insert_card(self.chosen_person())

    def _show_voucher(self) -> None:
        self.controls.show_voucher(self.chosen_person())

    def _place_id_card(self) -> None:
        self.controls.place_id_card(self.chosen_person())

    def _present_face(self) -> None:
        face = self.face.currentText()
        if not face:
            raise ValueError("choose a face first")
        self.controls.present_face(face)

    def _pay_qr(self) -> str:
        order = self.controls.pay_qr()
        return f"{order['out_trade_no']} {order['amount']} {order['state']}"

    def _settlements(self) -> str:
        return f"{len(self.controls.settlements())} on the platform"

    # ---- start ------------------------------------------------------------------------------

    def _load(self) -> None:
        def fetch() -> tuple[list[dict[str, Any]], list[str]]:
            return self.controls.persons(), self.controls.faces()

        def fill(answer: tuple[list[dict[str, Any]], list[str]]) -> None:
            persons, faces = answer
            for person in persons:
                note = f" ({person['note']})" if person["note"] else ""
                self.person.addItem(f"{person['psn_name']} {person['psn_no']}{note}",
                                    person["psn_no"])
            self.face.addItems(faces)
            self.result.setText(f"{len(persons)} people, {len(faces)} faces")

        self.bridge.submit(fetch, on_done=fill,
                           on_error=lambda error: self.result.setText(f"not loaded: {error}"),
                           timeout=REQUEST_TIMEOUT_S, waiting_for="people", worker=Worker.IO)
