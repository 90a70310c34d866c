"""MFN stock to Amazon: listings flagged `stock_dirty` get the article's available quantity.

Each push ends with Amazon's word on it, per SKU: a patch is answered at once; a feed's SKUs wait
(`sent`) until its processing report is read at the next push (`read_stock_feeds`). Only then is a
listing `pushed`, or `rejected` with Amazon's code and message.

The flag is cleared only where the quantity pushed is still the quantity available afterwards, so
a change that lands while a push is on its way is pushed again next time, and a process that dies
mid-push simply pushes again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from tortoise.functions import Sum

from core.channels.amazon.client import InvalidInputError, NotFoundError
from core.channels.amazon.connector import AmazonConnector
from core.channels.amazon.feed_results import FeedOutcome
from core.persistence.models import ListingRow, StockLevelRow, StockReservationRow
from core.ports import StockAnswer

log = logging.getLogger(__name__)


SENT, PUSHED, REJECTED = "sent", "pushed", "rejected"  # ListingRow.push_state


@dataclass
class StockPushResult:
    listings: int = 0  # pushed: Amazon took the quantity
    marketplaces: int = 0
    rejected: int = 0  # Amazon refused (code and message on the listing)
    waiting: int = 0  # in a feed whose processing report is not out yet


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


async def _product_types(connector: AmazonConnector, rows: list[ListingRow]) -> dict[str, str]:
    """Each listing's product type; one not known yet is asked of Amazon and kept."""
    types: dict[str, str] = {}
    for row in rows:
        kind = row.product_type
        if not kind:
            try:
                kind = await connector.product_type(row.seller_sku, row.marketplace_id)
            except (InvalidInputError, NotFoundError):
                kind = ""  # the patch then carries Amazon's generic type and Amazon's answer tells
            if kind:
                await ListingRow.filter(id=row.id).update(product_type=kind[:64])
        types[row.seller_sku] = kind
    return types


async def read_stock_feeds(connector: AmazonConnector) -> StockPushResult:
    """Follow every stock feed still awaiting its answer; apply Amazon's verdict per SKU."""
    result = StockPushResult()
    waiting = await ListingRow.filter(account_id=connector.account_id, push_state=SENT).only(
        "id", "seller_sku", "push_feed_id", "quantity_sent"
    )
    by_feed: dict[str, list[ListingRow]] = defaultdict(list)
    for row in waiting:
        by_feed[row.push_feed_id].append(row)
    for feed_id, rows in by_feed.items():
        rows.sort(key=lambda r: r.seller_sku)  # message order of the feed
        try:
            outcome = await connector.stock_feed_outcome(feed_id, [r.seller_sku for r in rows])
        except NotFoundError:  # Amazon no longer knows the feed: push again
            outcome = FeedOutcome("CANCELLED")
        if outcome is None:
            result.waiting += len(rows)
            continue
        for row in rows:
            issue = outcome.rejected.get(row.seller_sku) or outcome.feed_issue
            if outcome.status == "CANCELLED":  # never processed: pushing again can help
                await _record(row.id, "", ("", ""), dirty=True)
            elif issue is not None:
                await _record(row.id, REJECTED, issue)
                result.rejected += 1
                log.warning(
                    "account %s: Amazon rejected stock of %s: [%s] %s",
                    connector.account.name,
                    row.seller_sku,
                    *issue,
                )
            else:
                await _record(row.id, PUSHED, ("", ""), pushed=row.quantity_sent)
                result.listings += 1
    return result


async def _record(
    listing_id: int,
    state: str,
    issue: tuple[str, str],
    *,
    pushed: int | None = None,
    dirty: bool | None = None,
    **more: object,
) -> None:
    changes: dict[str, object] = {
        "push_state": state,
        "push_code": issue[0][:64],
        "push_message": issue[1][:1000],
        **more,
    }
    if state != SENT:
        changes["push_feed_id"] = ""
    if pushed is not None:
        changes["quantity_pushed"] = pushed
    if dirty is not None:
        changes["stock_dirty"] = dirty
    await ListingRow.filter(id=listing_id).update(**changes)


async def push_dirty_stock(connector: AmazonConnector) -> StockPushResult:
    """Read the answers to earlier feeds, then push the available quantity of every dirty MFN
    listing of the connector's account.

    A SKU Amazon rejects is shown with Amazon's code and message and not pushed again until its
    stock changes (the same push would be rejected the same way).
    """
    result = await read_stock_feeds(connector)
    dirty = await ListingRow.filter(
        account_id=connector.account_id, stock_dirty=True, channel="MFN"
    ).only("id", "article_id", "marketplace_id", "seller_sku", "product_type")
    if not dirty:
        return result
    quantities = await available({r.article_id for r in dirty})
    by_market: dict[str, list[ListingRow]] = defaultdict(list)
    for row in dirty:
        by_market[row.marketplace_id].append(row)
    answers: dict[str, StockAnswer] = {}
    for marketplace_id, rows in by_market.items():
        types = await _product_types(connector, rows)
        skus = {r.seller_sku: quantities[r.article_id] for r in rows}
        answers[marketplace_id] = await connector.push_stock(skus, marketplace_id, types)
    after = await available({r.article_id for r in dirty})
    for row in dirty:
        sent = quantities[row.article_id]
        answer = answers[row.marketplace_id]
        # Still dirty if the stock moved while the push was on its way: it goes again next time.
        settled = {"stock_dirty": False} if after[row.article_id] == sent else {}
        sku = row.seller_sku
        if sku in answer.accepted:
            await _record(row.id, PUSHED, ("", ""), pushed=sent, quantity_sent=sent, **settled)
            result.listings += 1
        elif sku in answer.rejected:
            await _record(row.id, REJECTED, answer.rejected[sku], quantity_sent=sent, **settled)
            result.rejected += 1
        elif sku in answer.sent:
            await _record(
                row.id, SENT, ("", ""), quantity_sent=sent, push_feed_id=answer.sent[sku], **settled
            )
            result.waiting += 1
    log.info(
        "account %s: stock pushed for %d listings, %d rejected, %d awaiting Amazon's answer",
        connector.account.name,
        result.listings,
        result.rejected,
        result.waiting,
    )
    result.marketplaces = len(by_market)
    return result
