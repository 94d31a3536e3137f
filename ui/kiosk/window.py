"""The kiosk window: the registry's pages in a stack, rendering the journey's view.

Locked down in the application (the OS session is packaging's job): full screen, frameless,
on top, its window flags set in one call; closing is refused except after the technician's
key sequence and PIN. Every touch or key press restarts the journey's idle clock; a timer
ticks the journey's deadlines and the countdown on screen from the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from drivers.camera.source import Frame
from kernel.events import LinkChange
from terminal.flows.journey import Event, Journey, JourneySettings, Step, View
from ui.app import Look
from ui.i18n import Language, Translations

# importing the page modules registers them
from ui.kiosk import (
    breakdown,
    done,
    face,
    face_failed,
    mulaid,
    my_rx,
    notices,
    orders,
    paid_today,
    pay,
    pin,
    plan,
    plan_result,
    prices,
    register,
    sample,
    staff_pin,
    staff_reason,
    still_there,
    wait,
    welcome,
)
from ui.kiosk.pages import REGISTRY, Page
from ui.kiosk.technician import TechnicianPage
from ui.widgets import Retranslating, identify, label
from ui.widgets.identity import MaskedIdentity

PAGE_MODULES = (
    breakdown, done, face, face_failed, mulaid, notices, orders, pay, pin, staff_pin,
    staff_reason, still_there, wait, welcome, register, paid_today, my_rx, prices, plan,
    plan_result,
)
TECHNICIAN_SEQUENCE = "Ctrl+Shift+F12, Ctrl+Shift+F12"
TICK_MS = 200
ACTIVITY = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin,
})


class KioskWindow(Retranslating):
    def __init__(
        self,
        journey: Journey,
        look: Look,
        translations: Translations,
        settings: JourneySettings,
        *,
        technician_pin_sha256: str = "",
        clock: Callable[[], float],
        offline_mode: str = "self_pay",
        credit: bool = False,
    ) -> None:
        super().__init__()
        identify(self, "kiosk-root")
        self.journey = journey
        self.look = look
        self.translations = translations
        self.settings = settings
        self._clock = clock
        self._may_close = False
        self.offline_mode = offline_mode
        self.queue_depth = 0
        self.identity = MaskedIdentity("identity")
        self.offline = label("offline-banner", "banner")
        self.queue = label("queue-depth", "muted")
        self.stack = QStackedWidget()
        identify(self.stack, "pages")
        self.pages: dict[type[Page], Page] = {}
        for cls in dict.fromkeys(REGISTRY.values()):
            page = cls(self._send, look)
            self.pages[cls] = page
            self.stack.addWidget(page)
        self._wire_welcome()
        self.pages[breakdown.BreakdownPage].credit_offered = credit  # type: ignore[attr-defined]
        self.technician = TechnicianPage(technician_pin_sha256)
        self.technician.unlocked.connect(self._unlock)
        self.technician.dismissed.connect(lambda: self.render(self.journey.view))
        self.stack.addWidget(self.technician)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.identity.setContentsMargins(look.sizes.spacing_px, look.sizes.spacing_px // 2, 0, 0)
        layout.addWidget(self.identity)
        layout.addWidget(self.offline)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.queue)
        shortcut = QShortcut(QKeySequence(TECHNICIAN_SEQUENCE), self)
        shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        shortcut.activated.connect(self.open_technician)
        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start(TICK_MS)
        # one step of the journey changes its view several times in a row (the data, then
        # the step, then its deadline): the screen draws the last of them once, at the next
        # turn of the event loop
        self._render_due = False
        self._unsubscribe = journey.subscribe(self._view_changed)
        # a touch or a key anywhere on the kiosk is the patient still there. The window's
        # own QWindow receives every input event before its widgets do, and little else: an
        # application-wide filter ran Python for every event of every widget (about a
        # thousand a journey step: paints, layouts, timers), each taking the interpreter
        # from the saga worker the patient waits for
        self.winId()  # the platform window, so that its QWindow exists now
        window = self.windowHandle()
        assert window is not None
        window.installEventFilter(self)
        self._warm_up()
        self.render(journey.view)
        self.retranslate()

    # ---- rendering ----------------------------------------------------------------------

    def current_page(self) -> QWidget:
        return self.stack.currentWidget()

    def _warm_up(self) -> None:
        """Draw every page once with the sample patient, then forget it: Qt builds its
        enums, layouts and glyph caches on first use, and that first use belongs to start-up,
        not to the first patient's screen (the GUI thread must never stall over 100 ms)."""
        view = sample.view()
        for step in REGISTRY:
            self.pages[REGISTRY[step]].render(replace(view, step=step))
        empty = View()
        for page in self.pages.values():
            page.render(empty)

    def _view_changed(self, _view: View) -> None:
        if not self._render_due:
            self._render_due = True
            QTimer.singleShot(0, self, self._render_latest)

    def _render_latest(self) -> None:
        self._render_due = False
        self.render(self.journey.view)

    def shows(self, step: Step) -> bool:
        """Whether the screen shows ``step`` of the journey's current view (drawn, not
        only reached): what a test or the benchmark waits for before it presses a control."""
        return not self._render_due and self.journey.view.step is step and (
            self.stack.currentWidget() is self.pages[REGISTRY[step]]
        )

    def render(self, view: View) -> None:
        page = self.pages[REGISTRY[view.step]]
        if view.person is None and view.step is Step.WELCOME:
            # the idle wipe, a cancel, a finished journey: every page forgets the patient
            for other in self.pages.values():
                other.render(view)
        page.render(view)
        if self.stack.currentWidget() is not page:
            self.stack.setCurrentWidget(page)
            target = page.first_focus()
            if target is not None:
                target.setFocus()
        if view.person is not None:
            self.identity.set_person(view.person.name, view.person.certno)
        else:
            self.identity.clear_person()
        self.identity.setVisible(view.person is not None)
        # the breakdown says it itself, with what offline means for its amounts
        self.offline.setVisible(view.offline and view.step is not Step.BREAKDOWN)
        # for the technician and the staff: records waiting for the platform, between patients
        self.queue.setVisible(self.queue_depth > 0 and view.step is Step.WELCOME)
        self._show_countdown(view)

    def _show_countdown(self, view: View) -> None:
        countdown = getattr(self.current_page(), "countdown", None)
        if countdown is None:
            return
        countdown.setVisible(view.deadline is not None and view.deadline_total > 0)
        if view.deadline is not None:
            countdown.show_remaining(view.deadline - self._clock(), view.deadline_total)

    def _tick(self) -> None:
        self.journey.tick(self._clock())
        self._show_countdown(self.journey.view)
        advance = getattr(self.current_page(), "advance", None)
        if advance is not None:
            advance()

    def show_frame(self, frame: Frame) -> None:
        """A frame the face check looked at (relayed to the GUI thread): the live preview."""
        page = self.pages[face.FacePage]
        assert isinstance(page, face.FacePage)
        page.show_frame(frame)

    def offline_texts(self) -> dict[str, str]:
        """What the offline mode (`[offline] mode`) allows now, in the patient's words."""
        return {
            "refuse": self.tr("医保平台暂时无法连接:现在无法办理医保缴费,请稍后再试或到人工窗口。"),
            "self_pay": self.tr(
                "医保平台暂时无法连接:现在可以插社保卡或放身份证,先全额自费缴费,"
                "联网后自动补办医保结算并退回医保部分。电子凭证和刷脸暂不可用。"
            ),
            "provisional": self.tr(
                "医保平台暂时无法连接:现在可以插社保卡或放身份证,按预估金额先付个人部分,"
                "联网后以医保平台结算为准。电子凭证和刷脸暂不可用。"
            ),
        }

    def retranslate(self) -> None:
        texts = self.offline_texts()
        self.offline.setText(texts.get(self.offline_mode, texts["self_pay"]))
        self.queue.setText(self.tr("待上传医保记录 {count} 笔,联网后自动上传").format(
            count=self.queue_depth
        ))

    def link_changed(self, change: LinkChange) -> None:
        """The forwarder's link and queue depth (relayed onto the GUI thread)."""
        self.queue_depth = change.queue_depth
        self.retranslate()
        self.render(self.journey.view)

    # ---- the patient's switches -----------------------------------------------------------

    def _send(self, event: Event, payload: object = None) -> bool:
        return self.journey.send(event, payload)

    def _wire_welcome(self) -> None:
        page = self.pages[welcome.WelcomePage]
        assert isinstance(page, welcome.WelcomePage)
        page.language.clicked.connect(self.toggle_language)
        # after the click returns: re-styling the whole application inside the pressed
        # button's own handler crashes Qt (the button is re-polished under its feet)
        page.elder.clicked.connect(
            lambda: QTimer.singleShot(0, self, lambda: self.set_elder(not self.look.elder))
        )

    def toggle_language(self) -> None:
        other = Language.EN if self.translations.language is Language.ZH_CN else Language.ZH_CN
        self.translations.switch(other)  # Qt sends LanguageChange: every page re-translates

    def set_elder(self, elder: bool) -> None:
        self.look = self.look.with_elder(elder)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.look.apply(app)
        for page in self.pages.values():
            page.look = self.look
        self.journey.settings = self.settings.scaled(elder)
        self.render(self.journey.view)

    # ---- lockdown ---------------------------------------------------------------------------

    def lock_down(self) -> None:
        """Full screen, frameless, on top: the window flags in one call, then shown."""
        self.setWindowFlags(
            Qt.WindowType.Window
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        self.showFullScreen()

    def open_technician(self) -> None:
        self.technician.open()
        self.stack.setCurrentWidget(self.technician)
        self.technician.focus_target().setFocus()

    def _unlock(self) -> None:
        self.shutdown()

    def shutdown(self) -> None:
        """Stop ticking and listening, then close (the technician's exit, the tests)."""
        self._may_close = True
        self._ticker.stop()
        self._unsubscribe()
        window = self.windowHandle()
        if window is not None:
            window.removeEventFilter(self)
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._may_close:
            event.accept()
        else:
            event.ignore()  # Alt+F4 and the like: the kiosk stays

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY:
            self.journey.touch()
        return False
