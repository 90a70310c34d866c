"""The supervisor PIN dialog: it checks the PIN itself and stays open until it is right or cancelled.

It used to close on Enter and check afterwards; a wrong PIN left the packer at the desk, where the
retry was typed into the scan field and shown ("1234 is not a known article"). The PIN is typed into
a password field, never shown, never logged, and cleared after every try.

A barcode scanned into the dialog is no PIN try (five wrong tries lock the prompt, core/services/
pins.py): a scanner types a whole code in one terminal read, so every key of it is already waiting
behind the one being handled, while a person's keys come one by one (console-input.md §2.1). Such a
burst is a scan when it cannot be a PIN (not 4–12 digits) or reads as an article's barcode. It is
dropped with "That was a scan" — never shown, never kept for the desk, where it would count an
item behind the dialog. A PIN typed in the same read as the F-key that asked for it is still a PIN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input

from console.i18n import _
from console.messages import SupervisorEntered
from console.scanning import ScanKind, decode
from console.screens.base import describe
from console.widgets.plain import PlainLabel
from console.widgets.scan_field import TERMINATORS
from core.domain.people import possible_pin
from core.services.desk.views import PackerInfo

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from console.backend import Backend
    from console.station import Station


class PinField(Input):
    """The PIN's password field: it ends an entry on its own Enter and knows if it was a burst."""

    @dataclass
    class Entered(Message):
        field: PinField
        pin: str
        scanned: bool  # a scanner's burst that cannot be a PIN

        @property
        def control(self) -> PinField:
            return self.field

    def __init__(self, *, id: str) -> None:
        super().__init__(placeholder=_("PIN"), password=True, id=id)
        self._burst: bool | None = None  # every key so far had the next one waiting (None: none)

    def on_key(self, event: events.Key) -> None:
        if event.key in TERMINATORS:  # here, not through a binding: a burst's keys stay in order
            event.stop()
            event.prevent_default()
            text, self.value = self.value.strip(), ""
            burst, self._burst = bool(self._burst), None
            scanned = burst and (not possible_pin(text) or decode(text).kind is not ScanKind.TEXT)
            self.post_message(self.Entered(self, text, scanned))
        elif event.is_printable:
            waiting = isinstance(self._peek_message(), events.Key)
            self._burst = waiting if self._burst is None else self._burst and waiting


class PinPrompt(ModalScreen[PackerInfo | None]):
    """Returns the supervisor whose PIN was entered, or None when Escape is pressed."""

    CSS_PATH = "reason_prompt.tcss"
    DEFAULT_CSS = (
        "PinPrompt { align: center middle; } #pin-error { color: $error; } "
        "PinPrompt #question, PinPrompt #pin-error { width: 100%; }"  # long lines wrap, never cut
    )
    AUTO_FOCUS = "#answer"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel"), id="pin.cancel")
    ]

    def __init__(self, backend: Backend, packer: str = "", why: str = "") -> None:
        super().__init__()
        self.backend = backend
        self.packer = packer  # who asked, for the lockout and the audit
        self.why = why  # asked instead of "Supervisor PIN" when the dialog hides the desk's answer

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield PlainLabel(self.why or _("Supervisor PIN"), id="question")
            yield PinField(id="answer")
            yield PlainLabel("", id="pin-error")
            yield PlainLabel(_("Enter: confirm · Esc: cancel"), id="keys")

    @on(PinField.Entered, "#answer")
    def entered(self, event: PinField.Entered) -> None:
        event.stop()
        if event.scanned:
            self.app.bell()
            self.query_one("#pin-error", PlainLabel).update(
                _("That was a scan, not a PIN — type the supervisor PIN or press Esc.")
            )
        elif event.pin:
            self.check(event.pin)

    @work(group="pin", exclusive=True, exit_on_error=False)
    async def check(self, pin: str) -> None:
        try:
            supervisor = await self.backend.check_supervisor(pin, self.packer)
        except Exception as exc:
            self.app.bell()
            self.query_one("#pin-error", PlainLabel).update(describe(exc))
            self.query_one("#answer", Input).focus()
            return
        self.dismiss(supervisor)

    def action_cancel(self) -> None:
        self.dismiss(None)


def with_supervisor(
    asker: MessagePump, station: Station, then: Callable[[PackerInfo], object]
) -> None:
    """Run `then` once a supervisor is known: their PIN entered in this sign-in, or entered now.

    The dialog is pushed right here, while the key that asked is still being handled: the keys
    typed after it are kept for the dialog's field (console/keys.py), never for the screen below.
    The App learns who entered the PIN from a message the asker posts.
    """
    if station.supervisor is not None:
        then(station.supervisor)
        return

    def entered(supervisor: PackerInfo | None) -> None:
        if supervisor is not None:
            asker.post_message(SupervisorEntered(supervisor))
            then(supervisor)

    asker.app.push_screen(PinPrompt(station.backend, station.packer_name), entered)
