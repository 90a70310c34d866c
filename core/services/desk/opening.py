"""What a scan names, before anything is claimed: an order, a document, or an article.

An order id or a document number (delivery note, invoice) names one order. An article names the
single-item orders waiting for it, most urgent first: that is what makes one scan ship an order.
While an order lies open on the desk, a scan that is none of its articles may still name something
(`beside`): a shipment that left (reprint it; the open order stays as it is) or another order
still to pack (finish or put back the open one first) — never silently "a wrong article".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.domain.catalog import normalize_code
from core.domain.orders import OrderStatus
from core.persistence.columns import fits
from core.persistence.models import (
    ArticleRow,
    BarcodeRow,
    DocumentRow,
    ListingRow,
    OrderLineRow,
    OrderRow,
)
from core.services import claim, reprint
from core.services.desk.progress import decode_progress
from core.services.desk.views import ClaimGone, HeldElsewhere
from core.services.queries import QUEUE_ORDER
from core.services.reprint import ReprintOffer


@dataclass(frozen=True)
class ArticleOrders:
    """The article a scan named and the single-item orders that wait for it, most urgent first."""

    title: str
    order_ids: list[int]


async def order_named(code: str) -> int | None:
    """The order whose Amazon order id or document number this is."""
    if fits(OrderRow, "external_id", code):
        row = await OrderRow.filter(external_id=code).only("id").first()
        if row is not None:
            return row.id
    if not fits(DocumentRow, "number", code):
        return None
    doc = await DocumentRow.filter(number=code).only("id", "order_id").first()
    return doc.order_id if doc is not None else None


async def single_item_orders(code: str, limit: int = 5) -> ArticleOrders | None:
    """None when the code names no article (barcode, FNSKU or SKU, also by its seller SKUs)."""
    normalized, sku = normalize_code(code), code.strip()
    barcode = (
        await BarcodeRow.filter(code=normalized).first()
        if fits(BarcodeRow, "code", normalized)
        else None
    )
    article = (
        await ArticleRow.get_or_none(id=barcode.article_id)
        if barcode
        else await ArticleRow.filter(sku=sku).first()
        if fits(ArticleRow, "sku", sku)
        else None
    )
    if article is None:
        return None
    skus = {article.sku} | {
        s for (s,) in await ListingRow.filter(article_id=article.id).values_list("seller_sku")
    }
    rows = (
        await OrderRow.filter(
            status__in=list(claim.PACKABLE), process="ship", item_count=1, lines__sku__in=skus
        )
        .order_by(*QUEUE_ORDER)
        .limit(limit)
        .values_list("id")
    )
    return ArticleOrders(article.title, [int(i) for (i,) in rows])


async def claimed_here(station: str) -> int | None:
    """The order this station was packing when its console stopped (a crash, a dropped link)."""
    row = await OrderRow.filter(status="packing", claimed_by=station).only("id").first()
    return row.id if row is not None else None


async def held_elsewhere(order_id: int, station: str) -> HeldElsewhere | None:
    """Who holds the order at another desk, with what they scanned; None if no other desk does."""
    row = await OrderRow.get_or_none(id=order_id)
    if row is None or row.status != OrderStatus.PACKING.value or row.claimed_by == station:
        return None
    stored = decode_progress(row.pack_progress) if row.pack_progress else None
    lines = await OrderLineRow.filter(order_id=order_id).values_list("quantity", "quantity_shipped")
    return HeldElsewhere(
        order_id,
        row.external_id,
        row.claimed_by,
        row.claimed_packer,
        row.claimed_at,
        stored.items_packed if stored else 0,
        sum(int(q) - int(s) for q, s in lines),
    )


async def claim_gone(order_id: int, station: str) -> ClaimGone | None:
    """Why `station` no longer claims the order (who does now), or None while it still does."""
    row = await OrderRow.get_or_none(id=order_id).only("id", "external_id", "status", "claimed_by")
    if row is None:
        return ClaimGone(order_id, str(order_id), "", "deleted")
    if row.status == OrderStatus.PACKING.value:
        if row.claimed_by == station:
            return None
        return ClaimGone(order_id, row.external_id, row.claimed_by, row.status)
    return ClaimGone(order_id, row.external_id, "", row.status)


async def claimed_by(order_id: int) -> tuple[str, str, str, str]:
    """(external id, status, claiming station, claiming packer) of one order."""
    row = await OrderRow.get(id=order_id).only(
        "id", "external_id", "status", "claimed_by", "claimed_packer"
    )
    return row.external_id, row.status, row.claimed_by, row.claimed_packer


class Beside(StrEnum):
    """What a scan names while another order lies open on the desk."""

    REPRINT = "reprint"  # a shipment that left: its label and papers can be printed again
    ORDER = "order"  # another order still to pack (its id; a claim would need the desk free)
    NOTHING = "nothing"  # not known here: the desk answers it as an unknown article


@dataclass(frozen=True)
class ScanBeside:
    kind: Beside
    external_id: str = ""  # the other order's Amazon id (ORDER)
    offer: ReprintOffer | None = None  # REPRINT


async def beside(codes: list[str], on_desk: int) -> ScanBeside:
    """What `codes` (a scan and its keyboard-layout readings) name beside the order `on_desk`.

    An order id still to pack names that order (its remainder, if part of it left); a paper or
    tracking number, or the id of an order that left, names the shipment to reprint.
    """
    for code in codes:
        row = (
            await OrderRow.filter(external_id=code).only("id", "external_id", "status").first()
            if fits(OrderRow, "external_id", code)
            else None
        )
        if (
            row is not None
            and row.id != on_desk
            and row.status in (*claim.PACKABLE, OrderStatus.PACKING.value)
        ):
            return ScanBeside(Beside.ORDER, row.external_id)
        offer = await reprint.find_offer(code)
        if offer is not None:
            return ScanBeside(Beside.REPRINT, offer.external_id, offer)
    return ScanBeside(Beside.NOTHING)
