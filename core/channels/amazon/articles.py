"""Articles both ways: Amazon listings → articles/barcodes/listings, and an article → a listing.

Pulling reads `searchListingsItems` (or the merchant listings report for a whole catalogue); it
creates what is missing and never deletes. Pushing sends one article with `putListingsItem`.
"""

from __future__ import annotations

import csv
import itertools
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from core.channels.amazon.client import catalog, documents
from core.channels.amazon.client.report_files import report_text
from core.channels.amazon.connector import AmazonConnector
from core.domain.catalog import BarcodeKind, classify, normalize_code
from core.errors import NotFound
from core.persistence.models import ArticleRow, BarcodeRow, ListingRow
from core.persistence.repositories import load_article

log = logging.getLogger(__name__)
BATCH = 1000  # listings stored per transaction while a report is read


@dataclass
class PulledListing:
    """What Packdesk keeps of one Amazon listing."""

    sku: str
    marketplace_id: str
    title: str
    asin: str = ""
    fnsku: str = ""
    ean: str = ""
    channel: str = "MFN"
    product_type: str = ""


@dataclass
class PullResult:
    articles_created: int = 0
    listings_created: int = 0
    listings_seen: int = 0


def _first_value(attributes: dict[str, Any], name: str) -> Any:
    values = attributes.get(name) or []
    return values[0].get("value") if values and isinstance(values[0], dict) else None


def listing_from_item(item: dict[str, Any], marketplace_id: str) -> PulledListing:
    """A `searchListingsItems`/`getListingsItem` item (summaries, attributes, fulfillmentAvailability)."""
    summaries = [
        s for s in item.get("summaries") or [] if s.get("marketplaceId") in (marketplace_id, None)
    ] or (item.get("summaries") or [{}])
    summary = summaries[0]
    attributes = item.get("attributes") or {}
    ean = ""
    for ident in attributes.get("externally_assigned_product_identifier") or []:
        if str(ident.get("type", "")).lower() in {"ean", "gtin", "upc"}:
            ean = str(ident.get("value", ""))
    channels = {
        str(f.get("fulfillmentChannelCode", "")) for f in item.get("fulfillmentAvailability") or []
    }
    afn = any(c.startswith("AMAZON") for c in channels) and "DEFAULT" not in channels
    return PulledListing(
        sku=str(item.get("sku", "")),
        marketplace_id=marketplace_id,
        title=str(
            summary.get("itemName") or _first_value(attributes, "item_name") or item.get("sku", "")
        ),
        asin=str(summary.get("asin", "")),
        fnsku=str(summary.get("fnSku", "")),
        ean=ean,
        channel="AFN" if afn else "MFN",
        product_type=str(summary.get("productType", "")),
    )


def listings_from_report(lines: Iterable[str], marketplace_id: str) -> Iterator[PulledListing]:
    """GET_MERCHANT_LISTINGS_ALL_DATA (tab separated, parsed by header name), row by row."""
    for row in csv.DictReader(lines, delimiter="\t"):
        id_type = (row.get("product-id-type") or "").strip()
        product_id = (row.get("product-id") or "").strip()
        channel = (row.get("fulfillment-channel") or "DEFAULT").strip().upper()
        sku = (row.get("seller-sku") or "").strip()
        if not sku:
            continue
        yield PulledListing(
            sku=sku,
            marketplace_id=marketplace_id,
            title=(row.get("item-name") or "").strip(),
            asin=(row.get("asin1") or "").strip(),
            ean=product_id
            if id_type in {"4", "3"} or classify(product_id) is not BarcodeKind.OWN
            else "",
            channel="AFN" if channel.startswith("AMAZON") else "MFN",
        )


async def pull_listings(connector: AmazonConnector, *, use_report: bool = False) -> PullResult:
    """Every listing of every marketplace of the account into articles and listings."""
    result = PullResult()
    for marketplace_id in connector.account.marketplace_ids:
        if use_report:
            document_id = await documents.run_report(
                connector.client,
                "GET_MERCHANT_LISTINGS_ALL_DATA",
                [marketplace_id],
                options={"preferredReportDocumentLocale": "en_US"},
            )
            if document_id is None:
                continue
            # streamed to disk and stored in batches: a catalogue's size never becomes memory
            async with report_text(connector.client, document_id) as text:
                rows = listings_from_report(text, marketplace_id)
                while batch := list(itertools.islice(rows, BATCH)):
                    await _store(connector.account_id, batch, result)
        else:
            pulled = [
                listing_from_item(item, marketplace_id)
                async for item in catalog.search_listings(
                    connector.client, connector.account.seller_id, marketplace_id
                )
            ]
            await _store(connector.account_id, pulled, result)
    return result


async def _store(account_id: int, pulled: list[PulledListing], result: PullResult) -> None:
    result.listings_seen += len(pulled)
    created = await store_listings(account_id, pulled)
    result.articles_created += created[0]
    result.listings_created += created[1]


async def pull_one(connector: AmazonConnector, sku: str, marketplace_id: str) -> PulledListing:
    """One listing by SKU into an article (the "pull this article" button)."""
    item = await catalog.get_listing(
        connector.client, connector.account.seller_id, sku, marketplace_id
    )
    pulled = listing_from_item(item, marketplace_id)
    await store_listings(connector.account_id, [pulled])
    return pulled


async def store_listings(account_id: int, pulled: list[PulledListing]) -> tuple[int, int]:
    """Create missing articles, barcodes and listings; returns (articles, listings) created."""
    if not pulled:
        return 0, 0
    articles_created = listings_created = 0
    async with in_transaction() as conn:
        known = {
            a.sku: a
            for a in await ArticleRow.filter(sku__in={p.sku for p in pulled}).using_db(conn)
        }
        wanted = {normalize_code(c) for p in pulled for c in (p.ean, p.fnsku) if c} - {""}
        codes: set[str] = {
            str(c)
            for c in await BarcodeRow.filter(code__in=wanted)
            .using_db(conn)
            .values_list("code", flat=True)
        }
        listed = {
            (r.marketplace_id, r.seller_sku)
            for r in await ListingRow.filter(
                account_id=account_id, seller_sku__in={p.sku for p in pulled}
            ).using_db(conn)
        }
        for p in pulled:
            article = known.get(p.sku)
            if article is None:
                article = await ArticleRow.create(
                    sku=p.sku, title=p.title[:500] or p.sku, using_db=conn
                )
                known[p.sku] = article
                articles_created += 1
            for code, kind in ((p.ean, None), (p.fnsku, BarcodeKind.FNSKU)):
                norm = normalize_code(code) if code else ""
                if norm and norm not in codes:
                    await BarcodeRow.create(
                        article_id=article.id,
                        code=norm,
                        kind=(kind or classify(norm)).value,
                        using_db=conn,
                    )
                    codes.add(norm)
            if (p.marketplace_id, p.sku) not in listed:
                await ListingRow.create(
                    article_id=article.id,
                    account_id=account_id,
                    marketplace_id=p.marketplace_id,
                    seller_sku=p.sku,
                    asin=p.asin,
                    channel=p.channel,
                    stock_dirty=p.channel == "MFN",
                    product_type=p.product_type[:64],
                    using_db=conn,
                )
                listed.add((p.marketplace_id, p.sku))
                listings_created += 1
            else:
                same = ListingRow.filter(
                    account_id=account_id, marketplace_id=p.marketplace_id, seller_sku=p.sku
                ).using_db(conn)
                if p.asin:
                    await same.filter(asin="").update(asin=p.asin)
                if p.product_type:  # Amazon's word on the product type wins over ours
                    await same.update(product_type=p.product_type[:64])
    return articles_created, listings_created


async def push_article(
    connector: AmazonConnector,
    article_id: int,
    marketplace_id: str,
    *,
    price: str | None = None,
    quantity: int | None = None,
    product_type: str | None = None,
) -> dict[str, Any]:
    """Offer an article on Amazon (`putListingsItem`) and record the listing."""
    article = await load_article(article_id)
    if article.id is None:
        raise NotFound(f"No article with id {article_id}.")
    language = "en_US"
    attributes: dict[str, Any] = {
        "item_name": [
            {"value": article.title, "language_tag": language, "marketplace_id": marketplace_id}
        ],
        "condition_type": [{"value": "new_new", "marketplace_id": marketplace_id}],
    }
    gtin = next(
        (b.code for b in article.barcodes if b.kind in (BarcodeKind.EAN, BarcodeKind.UPC)), ""
    )
    if gtin:
        attributes["externally_assigned_product_identifier"] = [
            {"type": "ean", "value": gtin, "marketplace_id": marketplace_id}
        ]
    if quantity is not None:
        attributes["fulfillment_availability"] = [
            {"fulfillment_channel_code": "DEFAULT", "quantity": max(0, quantity)}
        ]
    if price is not None:
        attributes["purchasable_offer"] = [
            {
                "marketplace_id": marketplace_id,
                "currency": "EUR",
                "our_price": [{"schedule": [{"value_with_tax": float(price)}]}],
            }
        ]
    known = await ListingRow.filter(
        account_id=connector.account_id, seller_sku=article.sku, product_type__not=""
    ).first()
    kind = product_type or (known.product_type if known else connector.options.product_type)
    answer = await catalog.put_listing(
        connector.client, connector.account.seller_id, article.sku, marketplace_id, kind, attributes
    )
    asin = next((str(i.get("asin", "")) for i in answer.get("identifiers") or []), "")
    await ListingRow.get_or_create(
        account_id=connector.account_id,
        marketplace_id=marketplace_id,
        seller_sku=article.sku,
        defaults={
            "article_id": article.id,
            "asin": asin,
            "channel": "MFN",
            "stock_dirty": quantity is None,
            "product_type": kind[:64],
        },
    )
    log.info("article %s pushed to Amazon: %s", article.sku, answer.get("status", ""))
    return answer
