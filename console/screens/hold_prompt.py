"""Why an order goes on hold: the desk's reasons by number, by scanned barcode, or in words."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen

from console.i18n import _
from console.widgets.plain import PlainLabel, shown
from console.widgets.scan_field import ScanField
from core.services.holds import HoldReason, pick


class HoldPrompt(ModalScreen[HoldReason | None]):
    """Returns the reason picked, or None when Escape is pressed."""

    CSS_PATH = "reason_prompt.tcss"
    DEFAULT_CSS = "HoldPrompt { align: center middle; } #hold-error { color: $error; }"
    AUTO_FOCUS = "#answer"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel"), id="hold.cancel")
    ]

    def __init__(self, question: str, reasons: list[HoldReason]) -> None:
        super().__init__()
        self.question = question
        self.reasons = reasons

    def compose(self) -> ComposeResult:
        listed = "\n".join(f"{r.number}  {shown(r.text, 60)}" for r in self.reasons)
        with Vertical(id="dialog"):
            yield PlainLabel(self.question, id="question")
            yield PlainLabel(listed, id="reasons")
            # A scan field: the desk sheet's barcodes arrive as scanner bursts.
            yield ScanField(_("Number, scanned reason or words"), id="answer")
            yield PlainLabel("", id="hold-error")
            yield PlainLabel(_("Enter: confirm · Esc: cancel"), id="keys")

    @on(ScanField.Scanned, "#answer")
    def answered(self, message: ScanField.Scanned) -> None:
        message.stop()
        reason = pick(message.scan.raw, self.reasons)
        if reason is None:
            self.app.bell()
            self.query_one("#hold-error", PlainLabel).update(
                _("{entry} is not on the list — type its number or scan it.").format(
                    entry=shown(message.scan.raw, 40)
                )
            )
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
