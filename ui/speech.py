"""Spoken prompts for elder mode: each screen's main prompt read aloud through Qt
TextToSpeech when the journey moves on (and when the face check asks for something new).

Only in elder mode (the window's look, switched on the welcome screen), only in a voice of
the screen's language, and only where an engine works: without one (Debian needs
speech-dispatcher and a synthesiser such as espeak-ng for Qt's `speechd` engine) the kiosk
logs once that speech is unavailable and carries on silent. The engine is opened the first
time elder mode needs it, so a kiosk that never uses elder mode never loads it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLocale, QObject, QTimer, Signal
from PySide6.QtTextToSpeech import QTextToSpeech

from terminal.flows.journey import Journey, View
from ui.kiosk.window import KioskWindow

log = logging.getLogger("ui.speech")


class Speech(QObject):
    said = Signal(str)  # each prompt handed to the engine (what was spoken)

    def __init__(self, window: KioskWindow, journey: Journey, engine: str = "") -> None:
        super().__init__(window)
        self._window = window
        self._engine_name = engine  # "" = Qt's default engine
        self._tts: QTextToSpeech | None = None
        self._unavailable = False
        self._voiceless: set[str] = set()  # languages already logged as having no voice
        self._last: tuple[object, str] | None = None
        self._due = False
        self._unsubscribe = journey.subscribe(self._changed)
        self.destroyed.connect(lambda: self._unsubscribe())

    def _changed(self, view: View) -> None:
        key = (view.step, view.face_prompt)
        if key == self._last or self._due:
            return
        self._last = key
        self._due = True
        QTimer.singleShot(0, self, self._speak)  # after the window has drawn the new step

    def _speak(self) -> None:
        self._due = False
        if not self._window.look.elder:
            return
        page = self._window.current_page()
        prompt = getattr(page, "prompt", None)
        text = prompt.text() if prompt is not None else ""
        tts = self._engine()
        if not text or tts is None or not self._voice_for_language(tts):
            return
        tts.stop()  # the new screen's prompt replaces the last one's
        tts.say(text)
        self.said.emit(text)

    def _engine(self) -> QTextToSpeech | None:
        if self._tts is None and not self._unavailable:
            name = self._engine_name
            tts = QTextToSpeech(name, self) if name else QTextToSpeech(self)
            if tts.state() is QTextToSpeech.State.Error:
                log.warning("speech unavailable (engine %r: %s); elder mode stays silent",
                            tts.engine() or "default", tts.errorString() or "no engine")
                self._unavailable = True
                tts.deleteLater()
            else:
                self._tts = tts
        return self._tts

    def _voice_for_language(self, tts: QTextToSpeech) -> bool:
        """Speak the screen's language or nothing (Chinese read by an English voice is noise)."""
        wanted = QLocale(self._window.translations.language.value)
        if tts.locale().language() == wanted.language():
            return True
        for locale in tts.availableLocales():
            if locale.language() == wanted.language():
                tts.setLocale(locale)
                return True
        if wanted.name() not in self._voiceless:
            self._voiceless.add(wanted.name())
            log.warning("speech: no %s voice in engine %r; not spoken", wanted.name(), tts.engine())
        return False
