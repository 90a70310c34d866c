"""Taking over an order left at another desk: the packer sees where it is, a supervisor's PIN moves it.

An order with scanned progress never expires for another desk (core/services/claim.py): its goods
lie packed there. Scanning it at this desk says where it is and what was packed, and offers the
takeover. The PIN is asked every time, even when a supervisor unlocked this sign-in before
(`with_supervisor` would reuse that): one scan alone must never move another desk's order. The
counts stay behind with the goods (core's `StationDesk.take_over`), and the packer is told so.

The desk that lost the order learns it from the next thing it tries with it (a scan's save,
completion, put-back, hold: core raises `ClaimGone`). It clears the order at once and tells its
packer where the goods they packed must go; nothing of it is saved or shipped there.
"""

from __future__ import annotations

from textual import work

from console.i18n import _
from console.screens.base import describe
from console.screens.desk_base import DeskScreen
from console.screens.pin_prompt import PinPrompt
from console.widgets.plain import shown
from console.widgets.ship_countdown import ShipCountdown
from core.services.desk.views import ClaimGone, HeldElsewhere, PackerInfo


class TakeoverAtDesk(DeskScreen):
    """A part of PackingScreen (console/screens/desk_base.py)."""

    def offer_takeover(self, held: HeldElsewhere) -> None:
        names = {
            "order": shown(held.external_id, 40),
            "desk": shown(held.station, 30),
            "who": shown(held.packer or "?", 30),
            "done": held.items_packed,
            "n": held.items_expected,
        }
        if held.items_packed:
            where = _("{order} is at {desk} ({who} had packed {done} of {n}).").format(**names)
        else:
            where = _("{order} is at {desk} ({who} is packing it, nothing scanned yet).").format(
                **names
            )
        asked = _("Supervisor PIN to take it over — Esc leaves it there.")
        self.say(f"{where} {asked}", "warn")

        def entered(supervisor: PackerInfo | None) -> None:
            if supervisor is None:
                self.say(_("{order} stays at {desk} as it is.").format(**names), "info")
            elif self.session is None:
                self.take_over(held, supervisor)
            else:
                self.say(_("Finish this order first: F5 ship, F7 hold or F8 put back."), "error")

        self.app.push_screen(
            PinPrompt(self.backend, self.station.packer_name, f"{where}\n{asked}"), entered
        )

    @work(group="order", exit_on_error=False)
    async def take_over(self, held: HeldElsewhere, supervisor: PackerInfo) -> None:
        self.mode = "opening"  # scans wait until the order is on this desk
        try:
            target = await self.backend.take_over(
                held.order_id, self.station.packer_name, supervisor.name
            )
        except Exception as exc:
            self.mode = "idle"
            self.say(describe(exc), "error")
            return
        self.mode = "idle"
        self._start(target)
        if self.session is None:
            return
        names = {
            "order": shown(held.external_id, 40),
            "desk": shown(held.station, 30),
            "who": shown(held.packer or "?", 30),
            "sup": shown(supervisor.name, 30),
            "done": held.items_packed,
            "n": self.session.items_expected,
        }
        text = _("Took over {order} from {desk} ({sup}'s PIN).").format(**names)
        if held.items_packed:
            text += " " + _(
                "{who}'s {done} packed item(s) are at {desk}: bring them over and scan all {n} here."
            ).format(**names)
        self.say(text, "warn")

    def claim_gone(self, gone: ClaimGone) -> None:
        if self.target is None or self.target.order_id != gone.order_id:
            return  # already cleared: a save and a completion can both find it gone
        packed = self.session.items_packed if self.session is not None else 0
        if self.mode == "confirming":  # nothing ships from a desk that lost its order
            self.query_one("#countdown", ShipCountdown).close()
            self.mode = "idle"
        # "closing" is ended by the completion worker, which finds the claim gone as well
        self.session, self.target, self.parcels = None, None, None
        self.first_scan.lost(gone.external_id)  # the next article scan was meant for it
        self._show_order()
        names = {
            "order": shown(gone.external_id, 40),
            "desk": shown(gone.now_at, 30),
            "status": _(gone.status).replace("_", " "),  # on_hold → on hold / gesperrt
            "n": packed,
        }
        if gone.now_at:
            text = _("{order} was taken over by {desk}").format(**names) + " — "
            if packed:
                text += _("put the {n} item(s) you packed aside for {desk}.").format(**names)
            else:
                text += _("nothing of it was packed here.")
        else:
            text = _("{order} is no longer on this desk ({status})").format(**names) + " — "
            if packed:
                text += _("put the {n} item(s) you packed aside and tell a supervisor.").format(
                    **names
                )
            else:
                text += _("nothing of it was packed here.")
        self.say(text + " " + _("Scan the next order."), "error")
