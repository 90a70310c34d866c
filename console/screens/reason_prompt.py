"""A small dialog asking for one line of text (a hold reason, a stock change reason)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from console.i18n import _
from console.widgets.plain import PlainLabel


class ReasonPrompt(ModalScreen[str | None]):
    """Returns the text typed, or None when Escape is pressed."""

    CSS_PATH = "reason_prompt.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel"), id="prompt.cancel")
    ]

    def __init__(self, question: str, placeholder: str = "", password: bool = False) -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder or _("Type and press Enter")
        self.password = password

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield PlainLabel(self.question, id="question")
            yield Input(placeholder=self.placeholder, password=self.password, id="answer")
            yield PlainLabel(_("Enter: confirm · Esc: cancel"), id="keys")

    @on(Input.Submitted, "#answer")
    def answered(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
