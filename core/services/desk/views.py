"""What the desk hands the console: plain dataclasses, no ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.domain.packing import ExpectedLine
from core.errors import ConflictError


@dataclass(frozen=True)
class PackerInfo:
    """Who is signed in at the desk."""

    id: int
    name: str
    badge: str
    role: str
    language: str = ""
    has_pin: bool = False

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


@dataclass
class PackTarget:
    """An order claimed for this desk, with the lines still to pack."""

    order_id: int
    external_id: str
    account: str
    marketplace_id: str
    is_prime: bool
    latest_ship_at: datetime | None
    lines: list[ExpectedLine]
    first_scan: str | None = None  # the article scan that found a single-item order
    resumed: bool = False
    progress: list[dict[int, int]] | None = None  # boxes stored with this desk's claim
    weighed: dict[int, int] = field(default_factory=dict)  # box index → grams the scale said
    resumed_from: str = ""  # who had the order on this desk before (a sign-out, a switch)


@dataclass
class JobProgress:
    """One thing that happens after completion: papers, label, print, confirmation."""

    kind: str
    status: str
    error: str = ""


@dataclass
class CompletionReport:
    """What a completion shipped: the order's new status and the numbers of its documents."""

    order_id: int
    external_id: str
    status: str
    documents: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HeldElsewhere:
    """An order claimed at another desk: where, by whom, and how much of it lies packed there."""

    order_id: int
    external_id: str
    station: str
    packer: str
    since: datetime | None
    items_packed: int  # stored with that desk's claim (its goods lie there)
    items_expected: int


class ClaimedElsewhere(ConflictError):
    """The scanned order is being packed at another desk; a supervisor may take it over."""

    def __init__(self, held: HeldElsewhere) -> None:
        since = held.since.strftime("%H:%M") if held.since else "a moment ago"
        super().__init__(
            f"Order {held.external_id} is being packed at {held.station} since {since} — "
            "take the next order."
        )
        self.held = held


class ClaimGone(ConflictError):
    """This desk's order is no longer claimed here: taken over by another desk, or closed.

    Raised by whatever the desk tries next with it (a save, completion, put-back, hold), so the
    desk clears the order and tells the packer where it went: the goods they packed belong there.
    """

    def __init__(self, order_id: int, external_id: str, now_at: str, status: str) -> None:
        self.order_id, self.external_id = order_id, external_id
        self.now_at = now_at  # the desk that claims it now; "" when no desk does
        self.status = status
        if now_at:
            text = f"{external_id} was taken over by {now_at} — nothing was saved or shipped here."
        else:
            text = (
                f"{external_id} is no longer on this desk (it is {status.replace('_', ' ')}) — "
                "nothing was saved or shipped here."
            )
        super().__init__(text)
