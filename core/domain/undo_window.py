"""The moment between the last item and the shipment, in which the packer can still stop it.

The one-scan rule makes a stray article scan claim (and ship) an order. So completion waits: after
the last item the desk shows what is about to ship, and until `seconds` have passed or the next
scan arrives, a stop (Esc, Backspace or the scanned cancel code, `desk.cancel_code`) keeps everything on this side of
the door: no label bought, no number used, no confirmation sent. Pure: the clock is handed in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class NextScan(StrEnum):
    """What a scan that arrives while the window is open does."""

    SHIP = "ship"  # the packer moved on: ship now, then answer the scan
    STOP = "stop"  # the cancel code


class Stop(StrEnum):
    """What a stop undoes."""

    PUT_BACK = "put_back"  # the order was claimed by the very scan that completed it: unclaim it
    TAKE_BACK = "take_back"  # the order was on the desk already: take back the last scan


@dataclass(frozen=True)
class UndoWindow:
    """Open from `opened_at` for `seconds` (the desk's `desk.undo_seconds`)."""

    seconds: float
    opened_at: float
    claimed_by_last_scan: bool = False

    def remaining(self, now: float) -> float:
        return max(0.0, self.opened_at + self.seconds - now)

    def due(self, now: float) -> bool:
        """True once the moment has passed: completion starts."""
        return self.remaining(now) <= 0

    def seconds_left(self, now: float) -> int:
        """What the countdown shows: whole seconds, rounded up (3, 2, 1)."""
        return math.ceil(self.remaining(now))

    def next_scan(self, code: str, cancel_codes: frozenset[str]) -> NextScan:
        return NextScan.STOP if code.strip().upper() in cancel_codes else NextScan.SHIP

    @property
    def stop(self) -> Stop:
        return Stop.PUT_BACK if self.claimed_by_last_scan else Stop.TAKE_BACK


def opens(seconds: float) -> bool:
    """0 switches the window off: the last item ships at once, as before."""
    return seconds > 0
