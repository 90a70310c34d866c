"""Order lists, the packing queue and an order's documents and packages (console and CLI)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q

from core.domain.catalog import normalize_code
from core.domain.orders import OrderStatus
from core.persistence.columns import fits
from core.persistence.models import (
    AccountRow,
    BarcodeRow,
    DocumentRow,
    ListingRow,
    OrderLineRow,
    OrderRow,
    PackageRow,
    ShipmentRow,
)
from core.security import SecretBox, blind_words
from core.services.queue_keys import QueueKey, page_parts

# The queue's order in SQL; `_urgency` is the same order in Python (ship-by dates missing: last).
QUEUE_ORDER = ("latest_ship_at", "-is_prime", "purchased_at", "id")


@dataclass(frozen=True)
class OrderSummary:
    """One row of an order list. Stable: `--json` prints exactly these fields."""

    id: int
    account: str
    external_id: str
    marketplace_id: str
    channel: str
    process: str
    status: str
    channel_status: str
    purchased_at: datetime
    latest_ship_at: datetime | None
    is_prime: bool
    is_business: bool
    currency: str
    total: Decimal
    items: int
    claimed_by: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "account": self.account,
            "external_id": self.external_id,
            "marketplace_id": self.marketplace_id,
            "channel": self.channel,
            "process": self.process,
            "status": self.status,
            "channel_status": self.channel_status,
            "purchased_at": self.purchased_at.isoformat(),
            "latest_ship_at": self.latest_ship_at.isoformat() if self.latest_ship_at else None,
            "is_prime": self.is_prime,
            "is_business": self.is_business,
            "currency": self.currency,
            "total": str(self.total),
            "items": self.items,
            "claimed_by": self.claimed_by,
        }


def search_filter(term: str, box: SecretBox | None, skus: Iterable[str] = ()) -> Q:
    """Order id (any part), exact SKU, every word of a line's title, or every word of a buyer's
    name (via the blind index); `skus`: those of an article whose barcode `term` is."""
    term = term.strip()
    found = Q(external_id__icontains=term)
    if fits(OrderLineRow, "sku", term):  # a longer term is no SKU
        found |= Q(lines__sku=term)
    if skus:
        found |= Q(lines__sku__in=sorted(skus))
    title_words = term.split()
    if title_words and fits(OrderLineRow, "title", term):
        by_title = Q()
        for word in title_words:
            by_title &= Q(lines__title__icontains=word)
        found |= by_title
    words = blind_words(term) if box is not None else []
    if box is not None and words:
        by_name = Q()
        for word in words:
            by_name &= Q(buyer_tokens__contains=f" {box.blind_token(word)} ")
        found |= by_name
    return found


async def barcode_skus(term: str) -> set[str]:
    """The SKUs (own and listed) of the article whose barcode `term` is; empty if none is."""
    code = normalize_code(term)
    if not code or not fits(BarcodeRow, "code", code):
        return set()
    barcode = await BarcodeRow.filter(code=code).prefetch_related("article").first()
    if barcode is None:
        return set()
    listed = await ListingRow.filter(article_id=barcode.article_id).values_list(
        "seller_sku", flat=True
    )
    return {barcode.article.sku, *(str(s) for s in listed)}


async def order_search(term: str, box: SecretBox | None) -> Q:
    """What a search term finds: `search_filter` with a scanned barcode's SKUs looked up first."""
    return search_filter(term, box, await barcode_skus(term))


async def _accounts() -> dict[int, str]:
    return {a.id: a.name for a in await AccountRow.all().only("id", "name")}


def summary_of(row: OrderRow, accounts: dict[int, str]) -> OrderSummary:
    return OrderSummary(
        id=row.id,
        account=accounts.get(row.account_id, ""),
        external_id=row.external_id,
        marketplace_id=row.marketplace_id,
        channel=row.channel,
        process=row.process,
        status=row.status,
        channel_status=row.channel_status,
        purchased_at=row.purchased_at,
        latest_ship_at=row.latest_ship_at,
        is_prime=row.is_prime,
        is_business=row.is_business,
        currency=row.currency,
        total=Decimal(row.total),
        items=row.item_count,
        claimed_by=row.claimed_by,
    )


async def list_orders(
    *,
    status: str | None = None,
    channel: str | None = None,
    account: str | None = None,
    search: str | None = None,
    box: SecretBox | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[OrderSummary]:
    """Orders, newest first, filtered by status, channel and account name.

    `search` matches the order id, a SKU, or — given the secret box — the buyer's name.
    """
    accounts = await _accounts()
    query = OrderRow.all()
    if status:
        query = query.filter(status=status)
    if channel:
        query = query.filter(channel=channel.upper())
    if account:
        ids = [i for i, name in accounts.items() if name == account]
        query = query.filter(account_id__in=ids)
    if search:
        query = query.filter(await order_search(search, box)).distinct()
    rows = await query.order_by("-purchased_at", "-id").offset(offset).limit(limit)
    return [summary_of(r, accounts) for r in rows]


async def summaries(rows: list[OrderRow]) -> list[OrderSummary]:
    """Order rows as list rows, with their account names."""
    accounts = await _accounts()
    return [summary_of(r, accounts) for r in rows]


def _urgency(row: OrderRow) -> tuple[datetime, bool, datetime, int]:
    far = datetime.max.replace(tzinfo=row.purchased_at.tzinfo)
    return (row.latest_ship_at or far, not row.is_prime, row.purchased_at, row.id)


async def packing_queue(
    limit: int = 50, offset: int = 0, after: QueueKey | None = None
) -> list[OrderSummary]:
    """Open MFN orders, most urgent first: earliest ship-by date, Prime first, then the oldest.

    One indexed scan per queue status, merged here: a single query with `status IN (…)` makes
    the database sort every open order to find the first fifty. Page on with `after` (the last
    row's `QueueKey`): constant time at any depth. `offset` remains for small jumps only.
    """
    accounts = await _accounts()
    rows: list[OrderRow] = []
    for status in (OrderStatus.OPEN.value, OrderStatus.PARTIALLY_SHIPPED.value):
        for part in page_parts(after):
            rows += (
                await OrderRow.filter(part, status=status, process="ship")
                .order_by(*QUEUE_ORDER)
                .limit(offset + limit)
            )
    rows.sort(key=_urgency)
    return [summary_of(r, accounts) for r in rows[offset : offset + limit]]


async def order_extras(order_id: int) -> dict[str, Any]:
    """Documents and packages of an order, for `orders show` and the detail screen."""
    docs = await DocumentRow.filter(order_id=order_id).order_by("issued_at", "id")
    shipments = await ShipmentRow.filter(order_id=order_id).order_by("id")
    packages = await PackageRow.filter(shipment__order_id=order_id).prefetch_related("lines")
    return {
        "documents": [
            {"id": d.id, "kind": d.kind, "number": d.number, "issued_at": d.issued_at.isoformat()}
            for d in docs
        ],
        "shipments": [
            {
                "id": s.id,
                "station": s.station,
                "packer": s.packer,
                "created_at": s.created_at.isoformat(),
                "packages": [
                    {
                        "id": p.id,
                        "reference": p.reference,
                        "carrier": p.carrier_code or p.carrier_name,
                        "tracking_number": p.tracking_number,
                        "lines": [
                            {"order_line_id": pl.order_line_id, "quantity": pl.quantity}
                            for pl in p.lines
                        ],
                    }
                    for p in packages
                    if p.shipment_id == s.id
                ],
            }
            for s in shipments
        ],
    }
