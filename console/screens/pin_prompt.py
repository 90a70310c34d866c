"""The supervisor PIN dialog: it checks the PIN itself and stays open until it is right or cancelled.

It used to close on Enter and check afterwards; a wrong PIN left the packer at the desk, where the
retry was typed into the scan field and shown ("1234 is not a known article"). The PIN is typed into
a password field, never shown, never logged, and cleared after every try.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from console.i18n import _
from console.messages import SupervisorEntered
from console.screens.base import describe
from console.widgets.plain import PlainLabel
from core.services.desk.views import PackerInfo

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from console.backend import Backend
    from console.station import Station


class PinPrompt(ModalScreen[PackerInfo | None]):
    """Returns the supervisor whose PIN was entered, or None when Escape is pressed."""

    CSS_PATH = "reason_prompt.tcss"
    DEFAULT_CSS = (
        "PinPrompt { align: center middle; } #pin-error { color: $error; } "
        "PinPrompt #question { width: 100%; }"  # a long question wraps instead of being cut
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
            yield Input(placeholder=_("PIN"), password=True, id="answer")
            yield PlainLabel("", id="pin-error")
            yield PlainLabel(_("Enter: confirm · Esc: cancel"), id="keys")

    @on(Input.Submitted, "#answer")
    def entered(self, event: Input.Submitted) -> None:
        event.stop()
        pin, event.input.value = event.value.strip(), ""
        if pin:
            self.check(pin)

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
