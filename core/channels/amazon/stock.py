"""MFN stock to Amazon: listings flagged `stock_dirty` get the article's available quantity.

The flag is cleared only where the quantity pushed is still the quantity available afterwards, so
a change that lands while a push is on its way is pushed again next time, and a process that dies
mid-push simply pushes again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from tortoise.functions import Sum

from core.channels.amazon.connector import AmazonConnector
from core.persistence.models import ListingRow, StockLevelRow, StockReservationRow

log = logging.getLogger(__name__)


@dataclass
class StockPushResult:
    listings: int = 0
    marketplaces: int = 0


async def available(article_ids: set[int]) -> dict[int, int]:
    """On hand minus reserved, per article (never below zero)."""
    if not article_ids:
        return {}
    on_hand = {
        r["article_id"]: int(r["total"] or 0)
        for r in await StockLevelRow.filter(article_id__in=article_ids)
        .annotate(total=Sum("on_hand"))
        .group_by("article_id")
        .values("article_id", "total")
    }
    held = {
        r["article_id"]: int(r["total"] or 0)
        for r in await StockReservationRow.filter(article_id__in=article_ids)
        .annotate(total=Sum("quantity"))
        .group_by("article_id")
        .values("article_id", "total")
    }
    return {a: max(0, on_hand.get(a, 0) - held.get(a, 0)) for a in article_ids}


async def push_dirty_stock(connector: AmazonConnector) -> StockPushResult:
    """Push the available quantity of every dirty MFN listing of the connector's account."""
    dirty = await ListingRow.filter(
        account_id=connector.account_id, stock_dirty=True, channel="MFN"
    ).only("id", "article_id", "marketplace_id", "seller_sku")
    if not dirty:
        return StockPushResult()
    quantities = await available({r.article_id for r in dirty})
    by_market: dict[str, dict[str, int]] = defaultdict(dict)
    for row in dirty:
        by_market[row.marketplace_id][row.seller_sku] = quantities[row.article_id]
    for marketplace_id, skus in by_market.items():
        await connector.push_stock(skus, marketplace_id)
    after = await available({r.article_id for r in dirty})
    for row in dirty:
        pushed = quantities[row.article_id]
        still = after[row.article_id] == pushed
        await ListingRow.filter(id=row.id).update(
            quantity_pushed=pushed, **({"stock_dirty": False} if still else {})
        )
    log.info("account %s: stock pushed for %d listings", connector.account.name, len(dirty))
    return StockPushResult(listings=len(dirty), marketplaces=len(by_market))
