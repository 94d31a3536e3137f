"""The thin registry of kiosk pages: which page renders which journey step.

A page renders a `terminal.flows.journey.View` and sends `Event`s; it holds no rule of what
comes next (that is the journey's table) and keeps nothing of the patient's beyond what the
current view says, so rendering the empty view of the idle wipe clears it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from terminal.flows.journey import Event, Step, View
from ui.app import Look
from ui.widgets import Retranslating, identify, label
from ui.widgets.buttons import BigButton

Send = Callable[..., bool]


class Page(Retranslating):
    """Base of every kiosk page: a prompt on top, the page's body, its buttons at the bottom."""

    ident = "page"

    def __init__(self, send: Send, look: Look) -> None:
        super().__init__()
        identify(self, f"page-{self.ident}")
        self.send = send
        self.look = look
        self.view = View()
        self.prompt = label(f"{self.ident}-prompt", "prompt")
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = QVBoxLayout()
        self.buttons = QHBoxLayout()
        layout = QVBoxLayout(self)
        spacing = look.sizes.spacing_px
        layout.setContentsMargins(spacing * 2, spacing, spacing * 2, spacing * 2)
        layout.setSpacing(spacing)
        layout.addWidget(self.prompt)
        layout.addLayout(self.body, 1)
        layout.addLayout(self.buttons)
        self.build()
        self.retranslate()

    def build(self) -> None:
        """Add the page's own widgets to `body` and `buttons`."""

    def button(self, name: str, event: Event | None, role: str = "secondary",
               payload: Any = None) -> BigButton:
        """A bottom-row button that sends ``event`` (with ``payload``) when pressed."""
        button = BigButton(f"{self.ident}-{name}", role)
        if event is not None:
            button.clicked.connect(lambda: self.send(event, payload))
        self.buttons.addWidget(button)
        return button

    def render(self, view: View) -> None:
        """Show ``view``; subclasses draw their parts, then the strings are set again."""
        self.view = view
        self.show_view(view)
        self.retranslate()

    def show_view(self, view: View) -> None:
        """Put the view's data (not its words) into the widgets."""

    def first_focus(self) -> QWidget | None:
        """The control the keyboard starts on (the main action)."""
        return None


REGISTRY: dict[Step, type[Page]] = {}


def page_for(*steps: Step) -> Callable[[type[Page]], type[Page]]:
    """Register a page class as the renderer of ``steps``."""

    def register(cls: type[Page]) -> type[Page]:
        for step in steps:
            REGISTRY[step] = cls
        return cls

    return register
