"""Starting the kiosk: configuration, the terminal's core, the window, the event loop.

`KioskCore` wires the journey to the real core: the checkout saga (its `begin` is the
journey's CheckoutPort), the payment collectors over the terminal's channels, the card reader
as credentials, the receipt printer, and every event source relayed to the GUI thread through
the bridge (the devices' observers, the forwarder's link changes, the journal's committed
changes). `run_kiosk` and the screen tests build the same one.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from drivers.base import Device
from drivers.idcard.reader import IdCardReader
from drivers.printer.printer import ReceiptPrinter
from drivers.smartcard.reader import SocialSecurityCardReader
from kernel.errors import ConfigError
from kernel.events import JournalChange, LinkChange, LinkState
from terminal.app import Terminal
from terminal.config import TerminalConfig
from terminal.flows.checkout import CheckoutOutcome
from terminal.flows.collectors import collector_factory
from terminal.flows.journey import Journey, JourneySettings, PayMethod, View
from terminal.flows.journey_devices import CardCredentials, feeder
from terminal.flows.journey_face import FaceCheck
from terminal.flows.kiosk_services import KioskServices
from terminal.flows.receipts import receipt_of, slip_of
from terminal.rx.client import RxClient
from terminal.rx.prices import PriceClient
from ui.app import Look, start
from ui.bridge import Bridge, BridgeRunner, Worker
from ui.i18n import Language
from ui.kiosk.window import KioskWindow
from ui.speech import Speech

if TYPE_CHECKING:  # the face check imports OpenCV and numpy: only where it is configured
    from terminal.flows.kiosk_face import KioskFace

log = logging.getLogger("ui.kiosk")
UI_KEYS = ("technician_pin_sha256", "high_contrast", "credit")


def split_settings(
    table: Mapping[str, Any], *, pay_timeout_s: float | None = None
) -> tuple[JourneySettings, str, bool, bool]:
    """The `[kiosk]` section: the journey's times, and the screen's own keys (the
    technician's PIN hash, high contrast, whether 信用就医 is offered)."""
    pin = table.get("technician_pin_sha256", "")
    contrast = table.get("high_contrast", False)
    credit = table.get("credit", False)
    if not isinstance(pin, str) or (pin and len(pin) != 64):
        raise ConfigError("kiosk.technician_pin_sha256 must be the 64 hex digits of a SHA-256")
    if not isinstance(contrast, bool):
        raise ConfigError("kiosk.high_contrast must be true or false")
    if not isinstance(credit, bool):
        raise ConfigError("kiosk.credit must be true or false")
    journey = {k: v for k, v in table.items() if k not in UI_KEYS}
    settings = JourneySettings.from_mapping(journey, pay_timeout_s=pay_timeout_s)
    return settings, pin, contrast, credit


def first(devices: Mapping[str, Device], kind: type[Device]) -> Any:
    return next((d for d in devices.values() if isinstance(d, kind)), None)


class KioskCore:
    """The journey on one terminal's real parts, and the event sources relayed to it."""

    def __init__(
        self,
        terminal: Terminal,
        bridge: Bridge,
        settings: JourneySettings,
        *,
        devices: Mapping[str, Device],
        face: KioskFace | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.terminal = terminal
        self.face = face
        self.bridge = bridge
        self.printer: ReceiptPrinter | None = first(devices, ReceiptPrinter)
        card: SocialSecurityCardReader | None = first(devices, SocialSecurityCardReader)
        self._unsubscribe: list[Callable[[], None]] = []
        self.services = self._services()
        self.journey = Journey(
            terminal.saga,
            BridgeRunner(bridge),
            settings,
            card=CardCredentials(card) if card is not None else None,
            make_collector=collector_factory(terminal.channels),
            print_receipt=self._print_receipt if self.printer is not None else None,
            print_slip=self._print_slip if self.printer is not None else None,
            services=self.services,
            face=face,
            clock=clock,
        )
        self.link = LinkChange(LinkState.ONLINE, 0)
        self.link_listeners: list[Callable[[LinkChange], None]] = [self._link_to_journey]
        feed = feeder(self.journey)
        for device in devices.values():
            self._unsubscribe.append(bridge.relay(device.subscribe, feed))
            if isinstance(device, IdCardReader):
                device.watch()  # the driver asks the reader; the screen only listens
        forwarder = terminal.running_forwarder
        if forwarder is not None:
            self._unsubscribe.append(bridge.relay(forwarder.subscribe, self._linked))
        self._unsubscribe.append(terminal.journal.subscribe(self._journalled))
        # the QR library (qrcode, Pillow) is imported when the first code is drawn: load it
        # now, beside the welcome screen, so that first code does not stall the screen
        bridge.submit(
            lambda: importlib.import_module("qrcode"),
            on_done=lambda _: None,
            on_error=lambda err: log.warning("qrcode not preloaded: %s", err),
            timeout=30.0,
            waiting_for="loading the QR code library",
            worker=Worker.IO,
        )

    def _services(self) -> KioskServices:
        """Registration where the kiosk has an HIS, the prescription centre where the
        platform keys are configured (a hospital's kiosk asks it as the hospital), the
        price service beside the platform, copies on the receipt printer."""
        terminal, config = self.terminal, self.terminal.config
        platform = config.platform
        rx = terminal.rx
        if rx is None and platform.private_key_hex and platform.platform_public_keys:
            rx = RxClient.from_config(config)
            self._unsubscribe.append(rx.close)
        prices = PriceClient(
            platform.base_url, timeout=(platform.connect_timeout, platform.read_timeout)
        )
        self._unsubscribe.append(prices.close)
        printer = self.printer
        return KioskServices(
            terminal.journal,
            his=terminal.saga.his,
            rx=rx,
            prices=prices,
            print_receipt=printer.print_receipt if printer is not None else None,
            client=terminal.client,
            institution=config.terminal.fixmedins_name,
            terminal_id=config.terminal.terminal_id,
        )
    def attach(self, window: KioskWindow) -> None:
        """The window hears the link's changes, and the face page the frames the face check
        looks at (relayed from the face worker to the GUI thread)."""
        self.link_listeners.append(window.link_changed)
        if self.face is not None:
            self._unsubscribe.append(self.bridge.relay(self.face.camera.subscribe,
                                                       window.show_frame))

    # ---- the platform link and the queue ------------------------------------------------

    def _link_to_journey(self, change: LinkChange) -> None:
        self.journey.link(change.state is LinkState.OFFLINE)

    def _linked(self, change: LinkChange) -> None:
        self.link = change
        for listener in list(self.link_listeners):
            listener(change)

    def _journalled(self, change: JournalChange) -> None:
        """(On the thread that committed.) A request queued for the forwarder, an offline
        sale: the queue's depth, read off the GUI thread. Only those hop threads: the
        dozen changes of every online step would each wake the GUI thread and take the
        interpreter from the saga worker. What the forwarder sends it reports itself."""
        if change.event != "request.prepared" or not change.details.get("queued"):
            return
        outbox = self.terminal.journal.outbox
        self.bridge.run_on_main(
            lambda: self.bridge.submit(
                lambda: outbox.status().pending,
                on_done=lambda depth: self._linked(LinkChange(self.link.state, depth)),
                on_error=lambda err: log.warning("queue depth not read: %s", err),
                timeout=5.0,
                waiting_for="queue depth",
                worker=Worker.IO,
            )
        )

    # ---- printing (on the saga worker, through the driver) -----------------------------

    def _institution(self) -> str:
        return self.terminal.config.terminal.fixmedins_name

    def _print_receipt(self, outcome: CheckoutOutcome, method: PayMethod | None) -> None:
        assert self.printer is not None
        receipt = receipt_of(outcome, method, self._institution(), datetime.now())
        self.printer.print_receipt(receipt)

    def _print_slip(self, view: View) -> None:
        assert self.printer is not None
        slip = slip_of(view.step.value, view.reference, self._institution(), datetime.now())
        self.printer.print_slip(slip)

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        if self.face is not None:
            self.face.close()


def start_devices(devices: Mapping[str, Device]) -> None:
    """Start every configured device; one that is not there is logged, not fatal (the
    kiosk still takes the other credentials, and `medterm diag` says what is missing)."""
    for name, device in devices.items():
        try:
            device.start()
        except Exception as err:  # a missing reader must not keep the kiosk from starting
            log.warning("device %s not started: %s", name, err)


def kiosk_face(terminal: Terminal, settings: JourneySettings) -> KioskFace | None:
    """The face check where it is configured: `[kiosk] face_check` not "never" and a
    `[devices.camera]` (a file camera from the registry, or the Qt camera opened here,
    on the GUI thread). Without a camera the welcome screen does not offer 刷脸."""
    if settings.face_check is FaceCheck.NEVER or "camera" not in terminal.config.devices:
        return None
    from drivers.camera.file_source import FileCamera
    from drivers.camera.source import CameraSettings
    from drivers.face.process import FaceProcess
    from terminal.flows.kiosk_face import KioskFace

    own = False
    camera: Any = first(terminal.devices, FileCamera)
    entry = terminal.config.devices.get("camera")
    if camera is None and entry is not None and entry.spec.kind == "qt":
        from ui.camera.qt_camera import QtCamera

        camera = QtCamera(CameraSettings(device=str(entry.options.get("device", ""))))
        try:
            camera.start()
        except Exception as err:  # no camera: the kiosk runs without 刷脸
            log.warning("camera not started, face check not offered: %s", err)
            return None
        own = True
    if camera is None:
        log.info("no [devices.camera]: the face check is not offered")
        return None
    # its own process, which starts loading the models now, beside the welcome screen
    return KioskFace(FaceProcess(terminal.config.face), camera, terminal.client,
                     terminal.journal, own_camera=own)


def run_kiosk(config: TerminalConfig, *, language: str, elder: bool, windowed: bool) -> int:
    settings, pin, contrast, credit = split_settings(
        config.kiosk, pay_timeout_s=config.payment.qr_timeout
    )
    look = Look(elder=elder, high_contrast=contrast)
    app, translations = start(look, Language(language))
    terminal = Terminal.open(config, his_url=config.platform.base_url, forwarder=True)
    bridge = Bridge()
    core: KioskCore | None = None
    try:
        terminal.recover()
        start_devices(terminal.devices)
        core = KioskCore(terminal, bridge, settings.scaled(elder), devices=terminal.devices,
                         face=kiosk_face(terminal, settings))
        window = KioskWindow(core.journey, look, translations, settings,
                             technician_pin_sha256=pin, clock=time.monotonic,
                             offline_mode=config.offline.mode.value, credit=credit)
        Speech(window, core.journey)  # elder mode's spoken prompts (owned by the window)
        core.attach(window)
        if windowed:
            window.resize(1280, 1024)
            window.show()
        else:
            window.lock_down()
        return app.exec()
    finally:
        if core is not None:
            core.close()
        bridge.shutdown()
        terminal.close()
