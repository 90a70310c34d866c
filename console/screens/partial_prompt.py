"""Before a partial shipment: what ships now and what stays for later, confirmed with F5."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen

from console.i18n import _
from console.widgets.plain import PlainLabel, shown
from core.domain.ship_summary import ShipmentSummary, SummaryLine


def _listed(lines: tuple[SummaryLine, ...], count: str) -> str:
    return "\n".join(
        f"  {getattr(ln, count)}× {shown(ln.sku, 20)}  {shown(ln.title, 44)}" for ln in lines
    )


class PartialPrompt(ModalScreen[bool]):
    """True to ship what is packed now; False (Esc) to carry on packing.

    F5 confirms, not Enter: a scanner's Enter landing here must not ship anything.
    """

    CSS_PATH = "reason_prompt.tcss"
    DEFAULT_CSS = "PartialPrompt { align: center middle; } #summary { margin-bottom: 1; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "confirm", _("Ship partially"), id="partial.confirm"),
        Binding("escape", "cancel", _("Keep packing"), id="partial.cancel"),
    ]

    def __init__(self, summary: ShipmentSummary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        s = self.summary
        text = "\n".join(
            [
                _("Ships now from {order} ({n} item(s), {boxes} box(es)):").format(
                    order=shown(s.order_ref, 40), n=s.items_shipping, boxes=s.boxes
                ),
                _listed(s.ships_now, "ships"),
                _("Stays for a later shipment ({n} item(s)):").format(n=s.items_staying),
                _listed(s.stays, "stays"),
            ]
        )
        with Vertical(id="dialog"):
            yield PlainLabel(_("Partial shipment"), id="question")
            yield PlainLabel(text, id="summary")
            yield PlainLabel(_("F5: ship partially · Esc: keep packing"), id="keys")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
