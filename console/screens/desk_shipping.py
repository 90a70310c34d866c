"""Shipping at the packing desk: what is packed leaves, whole or (with a supervisor) partly, and the
desk follows its label and papers until they are out.

Completion is one transaction in core (`complete`); after the last scan the undo window
(desk_window.py) comes first. While an order closes, `mode` is "closing" and later scans wait.
"""

from __future__ import annotations

from textual import work

from console.i18n import _
from console.screens.base import describe
from console.screens.desk_base import DeskScreen
from console.screens.partial_prompt import PartialPrompt
from console.widgets.plain import shown
from console.widgets.ship_countdown import ShipCountdown
from console.widgets.shipment_progress import ShipmentProgress
from core.domain.errors import DomainError
from core.domain.packing import PackingSession
from core.domain.ship_summary import ShipmentSummary
from core.domain.undo_window import opens
from core.services.desk.views import ClaimGone, PackTarget


class ShippingAtDesk(DeskScreen):
    """A part of PackingScreen (console/screens/desk_base.py)."""

    def finish(self, partial: bool, *, after_last_scan: bool = False) -> None:
        """Ship what is packed; after the last scan, only once the undo window has passed."""
        assert self.session is not None and self.target is not None
        try:
            self.session.finish(partial=partial)
        except DomainError as exc:
            self.say(str(exc), "error")
            return
        seconds = self.backend.settings.desk.undo_seconds
        if after_last_scan and opens(seconds):
            self.mode = "confirming"
            self.query_one("#countdown", ShipCountdown).open(
                ShipmentSummary.of(self.session), seconds, self._first_scan_claims
            )
            self.say(_("All items packed — shipping in a moment."), "ok")
            return
        self._ship(partial)

    def _ship(self, partial: bool) -> None:
        assert self.session is not None and self.target is not None
        packages = self.session.finish(partial=partial)
        weights = self.parcels.for_completion(self.session.progress()) if self.parcels else None
        self.mode = "closing"
        self.complete_order(self.target, self.session, packages, partial, weights)

    @work(group="complete", exit_on_error=False)
    async def complete_order(
        self,
        target: PackTarget,
        session: PackingSession,
        packages: list[dict[int, int]],
        partial: bool,
        weights_g: list[int] | None = None,
    ) -> None:
        try:
            report = await self.backend.complete(
                target.order_id,
                packages,
                self.station.packer_name,
                partial=partial,
                weights_g=weights_g,
            )
        except ClaimGone as gone:  # taken over at another desk: nothing ships from here
            self.claim_gone(gone)
            self.mode = "idle"
            return
        except Exception as exc:
            self.say(
                _("Order {order} was not shipped: {reason}").format(
                    order=shown(target.external_id, 40), reason=describe(exc)
                ),
                "error",
            )
            self.mode = "idle"
            return
        self.session, self.target = None, None
        self.last_shipped = report
        self._show_order()
        self.say(
            _(
                "✓ {order} {status} — papers and label are on their way. Scan the next order."
            ).format(order=shown(report.external_id, 40), status=_(report.status)),
            "done",
        )
        self.mode = "idle"
        self._progress_done = False
        self.refresh_progress()

    @work(group="progress", exclusive=True, exit_on_error=False)
    async def refresh_progress(self) -> None:
        if self.last_shipped is None:
            return
        jobs = await self.backend.progress(self.last_shipped.order_id)
        report = self.last_shipped
        self._progress_done = self.query_one("#progress", ShipmentProgress).show(
            report.external_id, report.status, jobs
        )

    def refresh_data(self) -> None:
        if not self._progress_done:
            self.refresh_progress()

    def action_complete(self) -> None:
        if self.mode == "confirming":
            self.ship_now()
        elif self._need_order():
            self.finish(partial=False)

    def action_partial(self) -> None:
        if not self._in_window() and self._need_order():
            self.with_supervisor(lambda _sup: self.confirm_partial())

    def confirm_partial(self) -> None:
        """Show what ships now and what stays; ship only once that is confirmed (F5)."""
        if self.session is None:
            return
        try:
            self.session.finish(partial=True)
        except DomainError as exc:
            self.say(str(exc), "error")
            return
        summary = ShipmentSummary.of(self.session)
        if not summary.partial:  # everything is packed: an ordinary shipment
            self.finish(partial=False)
            return
        session = self.session

        def confirmed(ship: bool | None) -> None:
            if ship and self.session is session:
                self.finish(partial=True)
            elif not ship:
                self.say(_("Nothing shipped — carry on packing."), "info")

        self.app.push_screen(PartialPrompt(summary), confirmed)
