"""Reprint at the packing desk: a scan that names a shipment that left offers its label and papers.

The decisions (what a scan names, who may reprint, what is printed) are in
`core/services/reprint.py`; this mixin only asks the packer and, where the setting wants it, a
supervisor's PIN (the same prompt as everywhere).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from console.i18n import _
from console.screens.reprint_prompt import ReprintPrompt
from console.widgets.plain import shown
from core.services.reprint import Reprint, ReprintOffer, needs_supervisor

if TYPE_CHECKING:
    from console.screens.packing import PackingScreen


class ReprintAtDesk:
    """Mixed into PackingScreen."""

    async def reprint_offer(self: PackingScreen, code: str) -> ReprintOffer | None:
        try:
            return await self.backend.reprint_offer(code)
        except Exception:
            return None  # the scan's own answer (not found …) is what the packer needs then

    def offer_reprint(self: PackingScreen, offer: ReprintOffer) -> None:
        if not offer.choices():
            self.say(
                _("{order} has left the desk; it has no label or papers to print yet.").format(
                    order=shown(offer.external_id, 40)
                ),
                "warn",
            )
            return
        self.say(_("{order} has left — reprint?").format(order=shown(offer.external_id, 40)))

        def chosen(what: Reprint | None) -> None:
            if what is None:
                self.say(_("Nothing reprinted."), "info")
                return
            packer = self.station_app.packer
            role = packer.role if packer else ""
            if needs_supervisor(role, self.backend.settings.desk.packers_may_reprint):
                self.station_app.with_supervisor(lambda sup: self.reprint(offer, what, sup.name))
            else:
                self.reprint(offer, what, self.station_app.packer_name)

        self.app.push_screen(ReprintPrompt(offer), chosen)

    @work(group="reprint", exit_on_error=False)
    async def reprint(self: PackingScreen, offer: ReprintOffer, what: Reprint, actor: str) -> None:
        jobs = await self.backend.reprint_shipment(offer, what, actor)
        self.say(
            _("{n} copy/copies of {order} sent to the printer.").format(
                n=len(jobs), order=shown(offer.external_id, 40)
            ),
            "done",
        )
