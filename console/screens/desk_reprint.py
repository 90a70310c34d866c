"""Reprint at the packing desk: a scan that names a shipment that left offers its label and papers.

At an empty desk, and beside an open order: there a scan that is none of the order's articles is
looked up (`core/services/desk/opening.py` decides what it names) while later scans wait; a
shipment is offered for reprint and the open order keeps every scan, another order is answered
"finish or put back … first", and only what names nothing is "not a known article". The decisions
(who may reprint, what is printed) are `core/services/reprint.py`'s; this mixin only asks the
packer and, where the setting wants it, a supervisor's PIN.
"""

from __future__ import annotations

from textual import work

from console.i18n import _
from console.scanning import DecodedScan
from console.screens.base import describe
from console.screens.desk_base import DeskScreen
from console.screens.reprint_prompt import ReprintPrompt
from console.widgets.plain import shown
from core.services.desk.opening import Beside
from core.services.reprint import Reprint, ReprintOffer, needs_supervisor


class ReprintAtDesk(DeskScreen):
    """A part of PackingScreen (console/screens/desk_base.py)."""

    async def reprint_offer(self, code: str) -> ReprintOffer | None:
        try:
            return await self.backend.reprint_offer(code)
        except Exception:
            return None  # the scan's own answer (not found …) is what the packer needs then

    def offer_reprint(self, offer: ReprintOffer) -> None:
        if not offer.choices():
            self.say(
                _("{order} has left the desk; it has no label or papers to print yet.").format(
                    order=shown(offer.external_id, 40)
                ),
                "warn",
            )
            return
        self.say(
            _("{order} has left — reprint?").format(order=shown(offer.external_id, 40))
            + self.open_order_stays()
        )

        def chosen(what: Reprint | None) -> None:
            if what is None:
                self.say(_("Nothing reprinted.") + self.open_order_stays(), "info")
                return
            packer = self.station.packer
            role = packer.role if packer else ""
            if needs_supervisor(role, self.backend.settings.desk.packers_may_reprint):
                self.with_supervisor(lambda sup: self.reprint(offer, what, sup.name))
            else:
                self.reprint(offer, what, self.station.packer_name)

        self.app.push_screen(ReprintPrompt(offer, self.open_order_stays().strip()), chosen)

    def open_order_stays(self) -> str:
        """What an offer adds while an order is open ("302-… stays on the desk (1/3).")."""
        if self.target is None or self.session is None:
            return ""
        return " " + _("{order} stays on the desk ({done}/{n}).").format(
            order=shown(self.target.external_id, 40),
            done=self.session.items_packed,
            n=self.session.items_expected,
        )

    def look_beside(self, scan: DecodedScan) -> None:
        """A scan that is none of the open order's articles: ask what it names (scans wait)."""
        assert self.target is not None
        self.mode = "opening"
        self.say(_("Looking up {code} …").format(code=shown(scan.code, 40)), "info")
        self._look_beside(scan, self.target.order_id)

    @work(group="order", exit_on_error=False)
    async def _look_beside(self, scan: DecodedScan, on_desk: int) -> None:
        try:
            found = await self.backend.beside(scan.code, on_desk, scan.alternates)
        except Exception as exc:
            self.mode = "idle"
            self.say(describe(exc), "error")
            return
        self.mode = "idle"
        if found.kind is Beside.REPRINT and found.offer is not None:
            self.offer_reprint(found.offer)
        elif found.kind is Beside.ORDER and self.target is not None:
            self.say(
                _(
                    "{other} is another order — finish or put back {order} first "
                    "(F5 ship, F7 hold, F8 put back)."
                ).format(
                    other=shown(found.external_id, 40), order=shown(self.target.external_id, 40)
                ),
                "error",
            )
        else:
            self.say(
                _("{code} is not a known article — check the label or assign the barcode.").format(
                    code=shown(scan.code, 24)
                ),
                "error",
            )

    @work(group="reprint", exit_on_error=False)
    async def reprint(self, offer: ReprintOffer, what: Reprint, actor: str) -> None:
        jobs = await self.backend.reprint_shipment(offer, what, actor)
        self.say(
            _("{n} copy/copies of {order} sent to the printer.").format(
                n=len(jobs), order=shown(offer.external_id, 40)
            ),
            "done",
        )
