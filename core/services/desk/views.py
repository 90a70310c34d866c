"""What the desk hands the console: plain dataclasses, no ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.domain.packing import ExpectedLine


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
