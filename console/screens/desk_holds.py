"""Holds at the packing desk: F7 asks for a reason; a scanned reason barcode holds at once.

The reasons, how one is picked and what is recorded are `core/services/holds.py`'s; this mixin
only asks and answers.
"""

from __future__ import annotations

from textual import work

from console.i18n import _
from console.screens.desk_base import DeskScreen
from console.screens.hold_prompt import HoldPrompt
from console.widgets.plain import shown
from console.widgets.ship_countdown import ShipCountdown
from core.services.desk.views import ClaimGone, PackTarget
from core.services.holds import HoldReason, reasons, scanned_reason


class HoldsAtDesk(DeskScreen):
    """A part of PackingScreen (console/screens/desk_base.py)."""

    def hold_reasons(self) -> list[HoldReason]:
        desk = self.backend.settings.desk
        return reasons(desk.hold_reasons, desk.hold_code_prefix)

    def scanned_hold(self, code: str) -> bool:
        """True when `code` was a reason barcode from the desk sheet (and was answered)."""
        reason = scanned_reason(code, self.hold_reasons())
        if reason is None:
            return False
        if self.mode == "confirming":  # a hold stops the shipment first
            self.query_one("#countdown", ShipCountdown).close()
            self.mode = "idle"
        if self.target is None:
            self.say(_("Scan the order first, then the hold reason."), "warn")
        else:
            self.hold_order(self.target, reason)
        return True

    def action_hold(self) -> None:
        if self.mode == "confirming":  # a hold stops the shipment first
            self.query_one("#countdown", ShipCountdown).close()
            self.mode = "idle"
        if self._need_order() and self.target is not None:
            target = self.target

            def held(reason: HoldReason | None) -> None:
                if reason is not None:
                    self.hold_order(target, reason)

            question = _("Why does {order} go on hold?").format(order=shown(target.external_id, 40))
            self.app.push_screen(HoldPrompt(question, self.hold_reasons()), held)

    @work(group="order", exit_on_error=False)
    async def hold_order(self, target: PackTarget, reason: HoldReason) -> None:
        try:
            await self.backend.hold_for(target.order_id, reason, self.station.packer_name)
        except ClaimGone as gone:  # taken over at another desk: not this desk's to hold
            self.claim_gone(gone)
            return
        if self.target is target:
            self.session, self.target = None, None
            self._show_order()
        self.say(
            _("{order} is on hold: {reason}. A supervisor releases it.").format(
                order=shown(target.external_id, 40), reason=shown(reason.text, 120)
            ),
            "warn",
        )
