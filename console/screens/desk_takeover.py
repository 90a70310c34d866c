"""Taking over an order left at another desk: the packer sees where it is, a supervisor's PIN moves it.

An order with scanned progress never expires for another desk (core/services/claim.py): its goods
lie packed there. Scanning it at this desk says where it is and what was packed, and offers the
takeover. The PIN is asked every time, even when a supervisor unlocked this sign-in before
(`with_supervisor` would reuse that): one scan alone must never move another desk's order. The
counts stay behind with the goods (core's `StationDesk.take_over`), and the packer is told so.
"""

from __future__ import annotations

from textual import work

from console.i18n import _
from console.screens.base import describe
from console.screens.desk_base import DeskScreen
from console.screens.pin_prompt import PinPrompt
from console.widgets.plain import shown
from core.services.desk.views import HeldElsewhere, PackerInfo


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
