"""Opening at the packing desk: an order comes onto the desk — scanned, picked in the queue, or
resumed where the last packer left it — and the scan that claimed it is packed at once.

What a scan opens and who may claim it are core's (`core/services/desk/`); this part answers and
puts the claimed order on the desk. While an order opens, `mode` is "opening" and later scans wait.
"""

from __future__ import annotations

from textual import work

from console.i18n import _
from console.scanning import DecodedScan, ScanKind
from console.screens.base import describe
from console.screens.desk_base import DeskScreen
from console.widgets.order_lines import OrderLines
from console.widgets.plain import shown
from core.domain.errors import DomainError
from core.domain.packing import PackingSession
from core.errors import NotFound
from core.services.desk.views import ClaimedElsewhere, HeldElsewhere, PackTarget


class OpeningAtDesk(DeskScreen):
    """A part of PackingScreen (console/screens/desk_base.py)."""

    @work(group="order", exit_on_error=False)
    async def resume_claim(self) -> None:
        packer = self.station.packer_name
        leaving = self.station.leaving
        if leaving is not None:  # the last packer's sign-out is still storing this desk's order
            await leaving.wait()
        target = await self.backend.resume(packer)
        if target is not None and self.session is None and self.mode == "idle":
            self._start(target)
            if self.session is None:
                return
            if target.resumed_from:
                self.say(
                    _("Resumed {order} ({who} had packed {done} of {n})").format(
                        order=shown(target.external_id, 40),
                        who=shown(target.resumed_from, 30),
                        done=self.session.items_packed,
                        n=self.session.items_expected,
                    ),
                    "warn",
                )
                return
            self.say(
                _(
                    "Order {order} was still on this desk — {done} of {n} item(s) already "
                    "scanned; carry on scanning."
                ).format(
                    order=shown(target.external_id, 40),
                    done=self.session.items_packed,
                    n=self.session.items_expected,
                ),
                "warn",
            )

    @work(group="order", exit_on_error=False)
    async def open_order(self, scan: DecodedScan) -> None:
        try:
            target = await self.backend.open_order(
                scan.code, self.station.packer_name, scan.alternates
            )
        except ClaimedElsewhere as exc:
            self.mode = "idle"
            self.open_held_elsewhere(exc.held)
            return
        except Exception as exc:
            offer = await self.reprint_offer(scan.code)  # a shipment that left: offer a reprint
            if offer is not None:
                self.mode = "idle"
                self.offer_reprint(offer)
                return
            if isinstance(exc, NotFound):
                self.first_scan.not_found(scan.code)
            self.mode = "idle"
            self.say(describe(exc), "error")
            return
        self.mode = "idle"
        self._start(target)

    def open_held_elsewhere(self, held: HeldElsewhere) -> None:
        """An order left at another desk, scanned here or picked in the queue: a supervisor may
        take it over (desk_takeover.py) — once this desk's own order is done."""
        if self.session is not None:
            self.say(_("Finish this order first: F5 ship, F7 hold or F8 put back."), "error")
            return
        self.offer_takeover(held)

    def open_target(self, target: PackTarget) -> None:
        """An order claimed elsewhere on this desk (the queue)."""
        if self.session is not None and self.target and self.target.order_id != target.order_id:
            self.say(_("Finish this order first: F5 ship, F7 hold or F8 put back."), "error")
            return
        self._start(target)

    def _start(self, target: PackTarget) -> None:
        try:
            self.session = PackingSession(target.external_id, target.lines, self.known)
        except DomainError as exc:
            self.say(str(exc), "error")
            return
        self.target = target
        self.quantity = 1
        self.parcels = None
        self.load_parcels(target)
        restored = bool(target.progress) and self.session.restore(target.progress or [])
        self._show_order()
        self.query_one("#lines", OrderLines).show(self.session)
        note = _("Order {order}: scan its {n} item(s).").format(
            order=shown(target.external_id, 40), n=self.session.items_expected
        )
        if restored:
            note = _(
                "Order {order}: {done} of {n} item(s) were already scanned — carry on."
            ).format(
                order=shown(target.external_id, 40),
                done=self.session.items_packed,
                n=self.session.items_expected,
            )
        self.say(note, "info")
        if target.first_scan:
            self._first_scan_claims = True
            try:
                self.pack(DecodedScan(target.first_scan, target.first_scan, ScanKind.TEXT))
            finally:
                self._first_scan_claims = False
