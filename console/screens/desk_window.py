"""The undo window at the packing desk: the moment after the last item in which a shipment stops.

What a scan or a stop means is `core/domain/undo_window.py`'s; the countdown is
`console/widgets/ship_countdown.py`. While the window is open the screen's mode is "confirming".
"""

from __future__ import annotations

from console.i18n import _
from console.scanning import DecodedScan
from console.screens.desk_base import DeskScreen
from console.widgets.order_lines import OrderLines
from console.widgets.plain import shown
from console.widgets.ship_countdown import ShipCountdown
from core.domain.undo_window import NextScan, Stop


class UndoWindowAtDesk(DeskScreen):
    """A part of PackingScreen (console/screens/desk_base.py)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop_shipment":
            return self.mode == "confirming"
        return True

    def on_ship_countdown_due(self, message: ShipCountdown.Due) -> None:
        message.stop()
        if self.mode == "confirming" and self.session is not None:
            self._ship(partial=False)

    def scan_in_window(self, scan: DecodedScan) -> None:
        """A scan while a shipment waits: the cancel code stops it, anything else ships it now."""
        window = self.query_one("#countdown", ShipCountdown).window
        cancel = frozenset({self.backend.settings.desk.cancel_code})  # on the desk sheet
        if window is not None and window.next_scan(scan.code, cancel) is NextScan.STOP:
            self.action_stop_shipment()
            return
        self._pending.append(scan)  # answered once this order has shipped
        self.ship_now()

    def ship_now(self) -> None:
        self.query_one("#countdown", ShipCountdown).close()
        if self.mode == "confirming" and self.session is not None:
            self._ship(partial=False)

    def action_stop_shipment(self) -> None:
        window = self.query_one("#countdown", ShipCountdown).close()
        if self.mode != "confirming" or window is None or self.target is None:
            return
        target = self.target
        if window.stop is Stop.PUT_BACK:
            self.mode = "closing"  # scans wait until the order is back in the queue
            self.put_back(target, stopped=True)
            return
        self.mode = "idle"
        if self.session is not None:
            self.session.undo()
            self.query_one("#lines", OrderLines).show(self.session)
            self._show_order()
            self.progress_changed()
        self.say(
            _(
                "Stopped — nothing was shipped. The last scan was taken back; {order} stays "
                "on the desk."
            ).format(order=shown(target.external_id, 40)),
            "warn",
        )

    def _in_window(self) -> bool:
        """While a shipment waits, only stop, ship now, hold and put back make sense."""
        if self.mode == "confirming":
            self.say(_("Esc stops the shipment; F5 ships it now."), "warn")
            return True
        return False
