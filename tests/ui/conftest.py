"""The screens' test harness: the translations built, a kiosk window on the journey, and an
event-loop watchdog that fails a test whose GUI thread stalled for more than 100 ms."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from journey_fakes import FakeCheckout, QrCollector
from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEvent, QTimer
from pytestqt.qtbot import QtBot

from terminal.flows.journey import Journey, JourneySettings
from ui import i18n
from ui.app import Look, make_application
from ui.bridge import Bridge, BridgeRunner
from ui.kiosk.window import KioskWindow

STALL_LIMIT_MS = 100


@pytest.fixture(scope="session", autouse=True)
def translations_built() -> None:
    """What the install step does (packaging/devenv.sh), so the tests see the same .qm."""
    i18n.build()


class Watchdog:
    """A 10 ms timer on the GUI thread; the longest gap between its ticks is the longest
    stall of the event loop."""

    def __init__(self) -> None:
        self.worst_ms = 0
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._clock.start()
        self._timer.start()

    def _tick(self) -> None:
        self.worst_ms = max(self.worst_ms, self._clock.restart())

    def stop(self) -> None:
        self._timer.stop()


@pytest.fixture
def watchdog(qtbot: QtBot) -> Iterator[Watchdog]:
    """Call `start()` when the part to watch begins (after the window is built: building
    it is start-up, measured by the benchmark, not a stall of a running screen)."""
    dog = Watchdog()
    yield dog
    dog.stop()
    assert dog.worst_ms <= STALL_LIMIT_MS, f"the GUI thread stalled {dog.worst_ms} ms"


class Kiosk:
    """A kiosk window on a journey whose blocking steps run on the real bridge."""

    def __init__(self, qtbot: QtBot, look: Look, settings: JourneySettings) -> None:
        app = make_application()
        look.apply(app)
        self.translations = i18n.Translations(app)
        self.bridge = Bridge()
        self.checkout = FakeCheckout()
        self.now = 1000.0
        self.journey = Journey(
            self.checkout, BridgeRunner(self.bridge), settings.scaled(look.elder),
            clock=self.clock, make_collector=lambda method, report: QrCollector(report),
        )
        self.window = KioskWindow(
            self.journey, look, self.translations, settings, clock=self.clock,
            technician_pin_sha256="8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92",
        )
        qtbot.addWidget(self.window)
        self.window.setFixedSize(1280, 1024)  # the kiosk's screen, as full screen fixes it
        self.window.show()
        qtbot.waitExposed(self.window)
        qtbot.wait(50)  # the first paint (fonts loading) is start-up, not a running screen

    def clock(self) -> float:
        return self.now

    def close(self) -> None:
        if self.window.isVisible() or not self.window._may_close:
            self.window.shutdown()
        self.translations.switch(i18n.Language.ZH_CN)
        self.bridge.shutdown()
        self.window.deleteLater()


@pytest.fixture
def make_kiosk(qtbot: QtBot) -> Iterator[object]:
    made: list[Kiosk] = []

    def make(look: Look | None = None, **settings: float) -> Kiosk:
        kiosk = Kiosk(qtbot, look or Look(), JourneySettings(**settings))
        made.append(kiosk)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.close()
    # delete the windows now: a later test re-styling the application must not reach them
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    make_application().setStyleSheet("")


# Qt's own warnings fail the screen tests (a wrong property, a bad style sheet, a painter
# misuse), except the ones the offscreen platform prints about itself.
QT_LOG_IGNORE = (
    r"This plugin does not support",  # the offscreen platform about itself
    r"Couldn.t (load|resolve) va",  # QtMultimedia probing VA-API: no GPU video on CI
    r"No RHI backend",  # QVideoFrame.toImage without a GPU: converts on the CPU
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*QT_LOG_IGNORE))
