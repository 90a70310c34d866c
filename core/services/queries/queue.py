"""The desk's queue: open orders, most urgent first, filtered by account, market, status, search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tortoise.expressions import Q

from core.channels.amazon.marketplaces import country_of
from core.domain.desk import clean_code
from core.persistence.columns import fits
from core.persistence.models import AccountRow, OrderRow
from core.security import SecretBox
from core.services import claim
from core.services.queries.orders import (
    QUEUE_ORDER,
    OrderSummary,
    order_search,
    packing_queue,
    summaries,
)
from core.services.queue_keys import QueueKey, page_parts


@dataclass
class QueueFilter:
    """What the queue screen's filters ask for; empty asks for every packable order."""

    account: str = ""
    marketplace: str = ""
    status: str = ""
    search: str = ""
    prime_only: bool = False

    @property
    def empty(self) -> bool:
        return not (
            self.account or self.marketplace or self.status or self.search or self.prime_only
        )


class Urgency(StrEnum):
    """How soon an order must leave: the queue makes the first two stand out."""

    OVERDUE = "overdue"
    DUE_TODAY = "due-today"
    LATER = "later"


def urgency(latest_ship_at: datetime | None, now: datetime) -> Urgency:
    """Overdue once its ship-by moment has passed; due today until midnight of `now`'s day.

    `now` is the station's clock in its own time zone (the shift's day ends at local midnight).
    """
    if latest_ship_at is None:
        return Urgency.LATER
    if latest_ship_at < now:
        return Urgency.OVERDUE
    return Urgency.DUE_TODAY if latest_ship_at < end_of_day(now) else Urgency.LATER


def end_of_day(now: datetime) -> datetime:
    """Midnight after `now`, in `now`'s time zone: where "due today" ends."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def market_label(marketplace_id: str) -> str:
    """A marketplace as the packer knows it: its country (DE, FR …), else the id itself."""
    return country_of(marketplace_id) or marketplace_id


async def desk_queue(
    filters: QueueFilter,
    box: SecretBox | None,
    offset: int = 0,
    limit: int = 50,
    after: QueueKey | None = None,
) -> list[OrderSummary]:
    """Open orders, most urgent first, one page at a time (`after`: the last row's key)."""
    if filters.empty:
        return await packing_queue(limit=limit, offset=offset, after=after)
    statuses = [filters.status] if filters.status else list(claim.PACKABLE)
    query = OrderRow.filter(status__in=statuses, process="ship")
    if filters.account:
        query = query.filter(account__name=filters.account)
    if filters.marketplace:
        query = query.filter(marketplace_id=filters.marketplace)
    if filters.prime_only:
        query = query.filter(is_prime=True)
    if filters.search:
        term = clean_code(filters.search).strip()
        found = await order_search(term, box)
        if fits(OrderRow, "claimed_by", term):  # a desk's name: the orders it has claimed
            found |= Q(claimed_by=term)
        query = query.filter(found).distinct()
    rows: list[OrderRow] = []
    for part in page_parts(after):
        rows += await query.filter(part).order_by(*QUEUE_ORDER).offset(offset).limit(limit)
    rows = rows[:limit]  # dated rows come before undated ones: the first `limit` in order
    return await summaries(rows)


async def open_count() -> int:
    """Orders waiting to be packed (open or partly shipped)."""
    return await OrderRow.filter(status__in=["open", "partially_shipped"], process="ship").count()


async def filter_choices() -> dict[str, list[str]]:
    """The accounts and marketplaces the queue can be filtered by."""
    accounts = await AccountRow.all().order_by("name")
    # by the country the queue shows them as (DE, FR, PL …), the order a packer cycles them in
    markets = sorted({m for a in accounts for m in a.marketplace_ids}, key=market_label)
    return {"accounts": [a.name for a in accounts], "marketplaces": markets}
