"""Every device simulator at once, found like real hardware.

`DeviceBench` starts the ID card reader, scanner and printer simulators on ptys and, with
``card=True``, a private pcscd with vpcd and a virtual card; `devices_table()` is the
``[devices]`` configuration that points the real drivers at them (no simulated kind exists).
With a ``link_dir`` the ptys also get stable names (``<dir>/idcard`` -> ``/dev/pts/N``), as
udev rules give real devices on a terminal.

Built for one person, the bench carries that person's ID card on the reader and card (for the
caller to insert); built for nobody (``person=None``), it starts as an empty kiosk and a person
is chosen later: `insert_card`, `place_id_card` (what the control server of `control.py` does
on request). A card keeps its PIN counter between insertions, as a plastic one does.

Run as ``python -m simulators.devices --world W --psn-no N [--links DIR] [--card]``: it prints
``{"devices": <[devices] table>, "environment": {...}}`` (the environment a terminal needs to
reach the private pcscd) and then ``listening on devices`` (the readiness line of
`terminal.services.ServiceProcess`), and runs until interrupted.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

from simulators.devices.card import CardData, VirtualCard, VpcdCard
from simulators.devices.idreader import IdCardFace, IdReaderSimulator
from simulators.devices.pcscd import SOCKET_ENV, Pcscd
from simulators.devices.printer import PrinterSimulator
from simulators.devices.scanner import ScannerSimulator


class DeviceBench:
    def __init__(
        self,
        person: dict[str, Any] | None,
        *,
        card: bool = False,
        link_dir: Path | None = None,
    ) -> None:
        self.person = person
        self.link_dir = link_dir
        self.idreader = IdReaderSimulator(
            IdCardFace.from_world_person(person) if person is not None else None
        )
        self.scanner = ScannerSimulator()
        self.printer = PrinterSimulator()
        self.pcscd: Pcscd | None = None
        self.card: VpcdCard | None = None
        self.card_holder: dict[str, Any] | None = None
        self._cards: dict[str, VirtualCard] = {}  # by card number: each keeps its PIN counter
        self._workdir: tempfile.TemporaryDirectory[str] | None = None
        if card and (person is None or person.get("cards")):
            self._workdir = tempfile.TemporaryDirectory(prefix="medterm-pcscd-")
            self.pcscd = Pcscd(Path(self._workdir.name))
            if person is not None:
                self.card = self._card_of(person)
        if link_dir is not None:
            link_dir.mkdir(parents=True, exist_ok=True)
            for name, path in self._ptys().items():
                link = link_dir / name
                link.unlink(missing_ok=True)
                link.symlink_to(path)

    def _card_of(self, person: dict[str, Any], index: int = 0) -> VpcdCard:
        assert self.pcscd is not None
        data = CardData.from_world_person(person, index)
        virtual = self._cards.setdefault(data.card_no, VirtualCard(data))
        self.card_holder = person
        return VpcdCard(virtual, port=self.pcscd.port)

    def insert_card(self, person: dict[str, Any], index: int = 0) -> None:
        """Put ``person``'s ``index``-th card into the reader, pulling out any card there."""
        if self.pcscd is None:
            raise RuntimeError("this bench has no card reader (start it with card=True)")
        self.remove_card()
        self.card = self._card_of(person, index)
        self.card.insert()

    def remove_card(self) -> None:
        """Pull the card out (nothing happens when the slot is empty)."""
        if self.card is not None:
            self.card.remove()
        self.card_holder = None

    def _ptys(self) -> dict[str, str]:
        return {
            "idcard": self.idreader.path,
            "scanner": self.scanner.path,
            "printer": self.printer.path,
        }

    def _port(self, name: str) -> str:
        if self.link_dir is not None:
            return str(self.link_dir / name)
        return self._ptys()[name]

    def devices_table(self) -> dict[str, dict[str, Any]]:
        """The ``[devices]`` configuration for these simulators."""
        table: dict[str, dict[str, Any]] = {
            "idcard": {"kind": "serial", "port": self._port("idcard")},
            "scanner": {"kind": "serial", "port": self._port("scanner")},
            "printer": {"kind": "escpos-serial", "port": self._port("printer")},
        }
        if self.pcscd is not None:
            table["card"] = {"kind": "pcsc", "reader": self.pcscd.reader_name}
        return table

    def environment(self) -> dict[str, str]:
        """What a terminal process needs in its environment to reach these devices."""
        if self.pcscd is not None and self.pcscd.socket_path is not None:
            return {SOCKET_ENV: self.pcscd.socket_path}
        return {}

    def close(self) -> None:
        if self.card is not None:
            self.card.remove()
        if self.pcscd is not None:
            self.pcscd.stop()
        if self._workdir is not None:
            self._workdir.cleanup()
        for simulator in (self.idreader, self.scanner, self.printer):
            simulator.close()
        if self.link_dir is not None:
            for name in self._ptys():
                with contextlib.suppress(FileNotFoundError):
                    (self.link_dir / name).unlink()

    def __enter__(self) -> DeviceBench:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
