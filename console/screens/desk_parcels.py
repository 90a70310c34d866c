"""Parcels at the packing desk: each box's weight (articles + packaging), and what the scale said.

Type the weight into the scan field and press F10: it becomes the weight of the box being packed,
and goes to the carrier and onto the label instead of the computed one (core/domain/parcels.py).
"""

from __future__ import annotations

from textual import work

from console.i18n import _
from console.screens.desk_base import DeskScreen
from console.widgets.plain import Plain, shown
from console.widgets.scan_field import ScanField
from core.domain.errors import DomainError
from core.domain.parcels import DeskParcels, parse_grams
from core.services.desk.views import PackTarget


def parcels_text(parcels: DeskParcels | None, boxes: list[dict[int, int]]) -> str:
    """One line per box: its weight and where it comes from."""
    if parcels is None:
        return ""
    out = []
    for n, computed, weighed in parcels.shown(boxes):
        if weighed is not None:
            out.append(_("Box {n}: {g} g (weighed)").format(n=n, g=weighed))
        elif computed.known:
            out.append(
                _("Box {n}: {g} g ({goods} g goods + {box} g box)").format(
                    n=n, g=computed.grams, goods=computed.articles_g, box=computed.packaging_g
                )
            )
        else:
            missing = ", ".join(shown(m, 20) for m in computed.missing)
            out.append(
                _("Box {n}: no weight for {skus} — weigh it, type grams, F10").format(
                    n=n, skus=missing
                )
            )
    return " · ".join(out)


class ParcelsAtDesk(DeskScreen):
    """A part of PackingScreen (console/screens/desk_base.py)."""

    @work(group="parcels", exclusive=True, exit_on_error=False)
    async def load_parcels(self, target: PackTarget) -> None:
        parcels = await self.backend.desk_parcels([ln.line_id for ln in target.lines])
        if self.target is target:
            parcels.weighed.update(target.weighed)  # what the scale said before a sign-out
            self.parcels = parcels
            self.show_parcels()

    def show_parcels(self) -> None:
        boxes = self.session.progress() if self.session is not None else []
        self.query_one("#parcels", Plain).update(parcels_text(self.parcels, boxes))

    def action_weight(self) -> None:
        if self._in_window() or not self._need_order() or self.session is None:
            return
        field = self.query_one("#scan", ScanField)
        boxes = self.session.progress()
        filled = [i for i, box in enumerate(boxes) if box]
        if self.parcels is None or not filled:
            self.say(_("Scan an item into the box first, then weigh it."), "warn")
            return
        try:
            grams = parse_grams(field.value)
        except DomainError as exc:
            self.say(str(exc) + " " + _("Type the weight, then press F10."), "warn")
            return
        field.value = ""
        self.parcels.weigh_box(filled[-1], grams)
        self.show_parcels()
        self.progress_changed()  # stored with the claim, like a scan
        self.say(
            _("Box {n} weighs {g} g — that goes to the carrier and onto the label.").format(
                n=len(filled), g=grams
            ),
            "info",
        )
