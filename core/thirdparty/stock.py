"""A provider's stock count: the on-hand quantity of the provider's own bin, SKU by SKU.

Each provider has one bin, `MAIN` in the warehouse `3pl:<provider>`, so the goods at the provider
count towards what is offered on Amazon but never mix with the bins at the own desk. A count sets
the bin to the reported quantity through a stock movement of the difference (reason `3pl_count`,
actor `3pl:<provider>`, reference the file's name); unchanged levels leave no movement. The
listings of every article whose count changed are flagged for a stock push. A SKU that names no
article rejects the whole file, before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tortoise.backends.base.client import BaseDBAsyncClient

from core.persistence.models import (
    ArticleRow,
    BinRow,
    ListingRow,
    StockLevelRow,
    StockMovementRow,
    WarehouseRow,
)
from core.services.completion import PROVIDER_WAREHOUSE_PREFIX
from core.services.intake import flag_listings
from core.thirdparty.files import BadFile

REASON = "3pl_count"
BIN_CODE = "MAIN"


def warehouse_name(provider: str) -> str:
    return f"{PROVIDER_WAREHOUSE_PREFIX}{provider}"


@dataclass
class StockCounted:
    """What a count changed: SKU → (on hand before, on hand now), only where it differed."""

    changed: dict[str, tuple[int, int]] = field(default_factory=dict)


async def provider_bin(provider: str, conn: BaseDBAsyncClient) -> int:
    """The id of the provider's bin, created on first use."""
    warehouse, _ = await WarehouseRow.get_or_create(name=warehouse_name(provider), using_db=conn)
    bin_row, _ = await BinRow.get_or_create(warehouse_id=warehouse.id, code=BIN_CODE, using_db=conn)
    return bin_row.id


async def _articles(skus: set[str], conn: BaseDBAsyncClient) -> dict[str, int]:
    """Article id per reported SKU: the article's own SKU, else a listing's seller SKU.

    BadFile when a SKU names no article, or (through listings) more than one.
    """
    found = {
        r.sku: r.id for r in await ArticleRow.filter(sku__in=skus).only("id", "sku").using_db(conn)
    }
    via_listing: dict[str, set[int]] = {}
    for r in (
        await ListingRow.filter(seller_sku__in=skus - set(found))
        .only("seller_sku", "article_id")
        .using_db(conn)
    ):
        via_listing.setdefault(r.seller_sku, set()).add(r.article_id)
    ambiguous = sorted(s for s, ids in via_listing.items() if len(ids) > 1)
    found |= {s: next(iter(ids)) for s, ids in via_listing.items() if len(ids) == 1}
    unknown = sorted(skus - set(found) - set(ambiguous))
    by_article: dict[int, list[str]] = {}
    for sku, article_id in found.items():
        by_article.setdefault(article_id, []).append(sku)
    twice = [sorted(s) for s in by_article.values() if len(s) > 1]
    if unknown or ambiguous or twice:
        parts = []
        if unknown:
            parts.append(f"unknown SKU {', '.join(unknown)} (no article or listing has it)")
        if ambiguous:
            parts.append(f"SKU {', '.join(ambiguous)} is the seller SKU of more than one article")
        parts += [f"SKUs {' and '.join(s)} name the same article" for s in sorted(twice)]
        raise BadFile(
            "The stock file cannot be applied: "
            + "; ".join(parts)
            + ". Nothing of it was applied — create the article, or correct the SKU."
        )
    return found


async def apply_stock(
    levels: Mapping[str, int], provider: str, name: str, conn: BaseDBAsyncClient
) -> StockCounted:
    """Set the provider's bin to `levels` (SKU → on hand) inside the caller's transaction."""
    articles = await _articles(set(levels), conn)
    bin_id = await provider_bin(provider, conn)
    ids = sorted(set(articles.values()))
    current = {
        r.article_id: r
        for r in await StockLevelRow.filter(bin_id=bin_id, article_id__in=ids)
        .order_by("id")
        .select_for_update()
        .using_db(conn)
    }
    result = StockCounted()
    touched: set[int] = set()
    for sku in sorted(levels):
        article_id, counted = articles[sku], levels[sku]
        row = current.get(article_id)
        if row is None:
            row = await StockLevelRow.create(
                article_id=article_id, bin_id=bin_id, on_hand=0, using_db=conn
            )
            current[article_id] = row
        before = row.on_hand
        if counted == before:
            continue
        await StockLevelRow.filter(id=row.id).using_db(conn).update(on_hand=counted)
        row.on_hand = counted
        await StockMovementRow.create(
            article_id=article_id,
            bin_id=bin_id,
            quantity=counted - before,
            reason=REASON,
            reference=name[:128],
            actor=warehouse_name(provider)[:64],
            using_db=conn,
        )
        result.changed[sku] = (before, counted)
        touched.add(article_id)
    await flag_listings(touched, conn)
    return result
