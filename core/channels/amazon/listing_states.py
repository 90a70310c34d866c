"""What Amazon made of each listing's stock: the read model of `packdesk listings list` and the
sync monitor."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tortoise.functions import Count

from core.persistence.models import AccountRow, ListingRow


@dataclass(frozen=True)
class ListingState:
    account: str
    sku: str
    marketplace_id: str
    channel: str
    product_type: str
    quantity_pushed: int | None
    quantity_sent: int | None
    push_state: str  # "" (never pushed), sent, pushed, rejected
    code: str  # Amazon's, for a rejection
    message: str
    waiting_push: bool  # stock changed since: goes out with the next push

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


async def listing_states(
    *, account: str | None = None, rejected_only: bool = False, limit: int | None = None
) -> list[ListingState]:
    """Listings with their last push and Amazon's answer, rejected ones first."""
    names = {a.id: a.name for a in await AccountRow.all().only("id", "name")}
    query = ListingRow.all()
    if account is not None:
        query = query.filter(account_id__in=[i for i, n in names.items() if n == account])
    if rejected_only:
        query = query.filter(push_state="rejected")
    rows = await query.order_by("account_id", "seller_sku", "marketplace_id").limit(limit or 10**9)
    states = [
        ListingState(
            names.get(r.account_id, str(r.account_id)),
            r.seller_sku,
            r.marketplace_id,
            r.channel,
            r.product_type,
            r.quantity_pushed,
            r.quantity_sent,
            r.push_state,
            r.push_code,
            r.push_message,
            r.stock_dirty,
        )
        for r in rows
    ]
    return sorted(states, key=lambda s: s.push_state != "rejected")


async def rejected_counts() -> dict[int, int]:
    """Listings whose last stock push Amazon rejected, per account id."""
    return dict(
        await ListingRow.filter(push_state="rejected")
        .annotate(n=Count("id"))
        .group_by("account_id")
        .values_list("account_id", "n")
    )
