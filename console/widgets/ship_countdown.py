"""The undo window on screen: what is about to ship, and how long the packer can still stop it.

The widget only shows and ticks; what a stop or a scan means is decided in
`core/domain/undo_window.py`. The tick is a Textual interval that reads the App's clock, so the
screen never waits on it and tests move a clock instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from textual.message import Message
from textual.timer import Timer

from console.i18n import _
from console.widgets.plain import Plain, shown
from core.domain.ship_summary import ShipmentSummary
from core.domain.undo_window import UndoWindow

TICK_S = 0.1


class ShipCountdown(Plain):
    """Hidden until a shipment waits; then its lines and the seconds left to stop it."""

    DEFAULT_CSS = """
    ShipCountdown { display: none; height: auto; padding: 0 1; background: $warning 50%; }
    ShipCountdown.-open { display: block; }
    """

    @dataclass
    class Due(Message):
        """The moment has passed: the shipment may start."""

        window: UndoWindow

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", **kwargs)
        self.window: UndoWindow | None = None
        self.summary: ShipmentSummary | None = None
        self._timer: Timer | None = None
        self._shown_left = -1

    @property
    def clock(self) -> Callable[[], float]:
        return getattr(self.app, "clock", time.monotonic)

    def open(self, summary: ShipmentSummary, seconds: float, claimed_by_last_scan: bool) -> None:
        self.window = UndoWindow(seconds, self.clock(), claimed_by_last_scan)
        self.summary = summary
        self._shown_left = -1
        self.add_class("-open")
        self._show()
        self._timer = self.set_interval(TICK_S, self._tick)

    def close(self) -> UndoWindow | None:
        """Stop the countdown (shipping now or stopped); returns the window that was open."""
        window, self.window = self.window, None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.remove_class("-open")
        return window

    def _tick(self) -> None:
        if self.window is None:
            return
        if self.window.due(self.clock()):
            window = self.close()
            if window is not None:
                self.post_message(self.Due(window))
            return
        self._show()

    def _show(self) -> None:
        if self.window is None or self.summary is None:
            return
        left = self.window.seconds_left(self.clock())
        if left == self._shown_left:
            return
        self._shown_left = left
        s = self.summary
        items = ", ".join(f"{ln.ships}× {shown(ln.title, 40)}" for ln in s.ships_now)
        lines = [
            _("About to ship {order}: {items} in {boxes} box(es).").format(
                order=shown(s.order_ref, 40), items=items, boxes=s.boxes
            ),
            _("Ships in {n} s — Esc or Backspace stops it; the next scan ships it now.").format(
                n=left
            ),
        ]
        if s.stays:
            stays = ", ".join(f"{ln.stays}× {shown(ln.title, 40)}" for ln in s.stays)
            lines.insert(1, _("Stays for later: {items}.").format(items=stays))
        self.update("\n".join(lines))

    @property
    def text(self) -> str:
        return str(self.render())
