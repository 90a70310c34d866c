"""The desk's reprint offer: a shipped order was scanned; print its label, its papers, or both."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from console.i18n import _
from console.widgets.plain import PlainLabel, PlainOptionList, shown
from core.services.reprint import Reprint, ReprintOffer

CHOICE_TEXT = {
    Reprint.LABEL: "Reprint label",
    Reprint.PAPERS: "Reprint papers (delivery note, invoice)",
    Reprint.BOTH: "Reprint label and papers",
}


def describe_offer(offer: ReprintOffer) -> str:
    parcels = ", ".join(shown(p.tracking_number or p.reference, 30) for p in offer.labels)
    papers = ", ".join(shown(p.number, 30) for p in offer.papers)
    lines = [_("{order} has left the desk.").format(order=shown(offer.external_id, 40))]
    if parcels:
        lines.append(_("Label(s): {parcels}").format(parcels=parcels))
    if papers:
        lines.append(_("Papers: {papers}").format(papers=papers))
    return "\n".join(lines)


class ReprintPrompt(ModalScreen[Reprint | None]):
    """Returns what to print again, or None when Escape is pressed."""

    CSS_PATH = "reason_prompt.tcss"
    DEFAULT_CSS = "ReprintPrompt { align: center middle; } #choices { height: auto; }"
    AUTO_FOCUS = "#choices"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel"), id="reprint.cancel")
    ]

    def __init__(self, offer: ReprintOffer, note: str = "") -> None:
        super().__init__()
        self.offer = offer
        self.note = note  # beside an open order: that it stays on the desk as it is

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            question = describe_offer(self.offer)
            yield PlainLabel(question + ("\n" + self.note if self.note else ""), id="question")
            yield PlainOptionList(
                *[Option(_(CHOICE_TEXT[c]), id=c.value) for c in self.offer.choices()],
                id="choices",
            )
            yield PlainLabel(_("↑↓ choose · Enter: print · Esc: cancel"), id="keys")

    @on(OptionList.OptionSelected, "#choices")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(Reprint(str(event.option.id)))

    def action_cancel(self) -> None:
        self.dismiss(None)
