"""Keyset pagination of the packing queue: every page costs the same, however deep.

`OFFSET 100000` makes the database walk and throw away 100,000 rows (14–21 s at that depth); a page
that starts *after the last row seen* reads only its own rows from the queue index. The queue's
order is (ship-by date, Prime first, purchase time, id) — `id` makes every key unique, so no row is
skipped or shown twice when several share a ship-by date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q


@dataclass(frozen=True)
class QueueKey:
    """Where a queue page ends: the sort key of its last row."""

    latest_ship_at: datetime | None
    is_prime: bool
    purchased_at: datetime
    id: int

    @classmethod
    def of(cls, row: object) -> QueueKey:
        """The key of an order row or an `OrderSummary` (both have the four fields)."""
        return cls(
            row.latest_ship_at,  # type: ignore[attr-defined]
            bool(row.is_prime),  # type: ignore[attr-defined]
            row.purchased_at,  # type: ignore[attr-defined]
            int(row.id),  # type: ignore[attr-defined]
        )


def page_parts(key: QueueKey | None) -> list[Q]:
    """Filters for the rows after `key`, as parts each read in index order, dated rows first.

    Orders without a ship-by date come last. SQL puts NULLs first (SQLite) or last (PostgreSQL),
    so the dated and the undated rows are read apart and merged — each part stops at the page size.
    """
    dated, undated = Q(latest_ship_at__isnull=False), Q(latest_ship_at__isnull=True)
    if key is None:
        return [dated, undated]
    # Within one ship-by date: Prime (True) before the rest, then older first, then by id.
    later_same_date = Q(is_prime=key.is_prime) & (
        Q(purchased_at__gt=key.purchased_at) | (Q(purchased_at=key.purchased_at) & Q(id__gt=key.id))
    )
    if key.is_prime:
        later_same_date |= Q(is_prime=False)
    if key.latest_ship_at is None:
        return [undated & later_same_date]
    later = Q(latest_ship_at__gt=key.latest_ship_at) | (
        Q(latest_ship_at=key.latest_ship_at) & later_same_date
    )
    # `>=` first gives the database an index range to start from; the OR then trims the ties.
    return [Q(latest_ship_at__gte=key.latest_ship_at) & later, undated]
