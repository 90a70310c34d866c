"""What a claimed order looks like on the desk: its open lines and every code that names each item."""

from __future__ import annotations

from core.domain.catalog import normalize_code
from core.domain.packing import ExpectedLine
from core.persistence.models import (
    ArticleRow,
    BarcodeRow,
    ListingRow,
    OrderLineRow,
    OrderRow,
    StockReservationRow,
)
from core.services.desk.views import PackTarget


async def known_codes() -> set[str]:
    """Every code that names an article, to tell a wrong item from an unknown code."""
    codes = {c for (c,) in await BarcodeRow.all().values_list("code")}
    codes |= {normalize_code(s) for (s,) in await ArticleRow.all().values_list("sku")}
    return codes


async def pack_target(order_id: int, first_scan: str | None, resumed: bool) -> PackTarget:
    """The order's lines still to pack (ordered minus shipped), each with its article's codes."""
    row = await OrderRow.get(id=order_id).prefetch_related("account")
    lines = [
        ln
        for ln in await OrderLineRow.filter(order_id=order_id).order_by("id")
        if ln.quantity > ln.quantity_shipped
    ]
    articles = await _articles_for(row.account_id, lines)
    codes: dict[int, set[str]] = {}
    if articles:
        for b in await BarcodeRow.filter(article_id__in=set(articles.values())):
            codes.setdefault(b.article_id, set()).add(b.code)
        for a in await ArticleRow.filter(id__in=set(articles.values())).only("id", "sku"):
            codes.setdefault(a.id, set()).add(a.sku)
    expected = [
        ExpectedLine.of(
            ln.id,
            ln.sku,
            ln.title,
            ln.quantity - ln.quantity_shipped,
            codes.get(articles.get(ln.id, -1), set()),
        )
        for ln in lines
    ]
    return PackTarget(
        order_id=order_id,
        external_id=row.external_id,
        account=row.account.name,
        marketplace_id=row.marketplace_id,
        is_prime=row.is_prime,
        latest_ship_at=row.latest_ship_at,
        lines=expected,
        first_scan=first_scan,
        resumed=resumed,
    )


async def _articles_for(account_id: int, lines: list[OrderLineRow]) -> dict[int, int]:
    """Order line id -> article id, by reservation, listing or equal SKU."""
    found = {
        r.order_line_id: r.article_id
        for r in await StockReservationRow.filter(order_line_id__in=[ln.id for ln in lines])
    }
    missing = [ln for ln in lines if ln.id not in found]
    if missing:
        skus = {ln.sku for ln in missing}
        by_listing = {
            r.seller_sku: r.article_id
            for r in await ListingRow.filter(account_id=account_id, seller_sku__in=skus)
        }
        by_sku = {a.sku: a.id for a in await ArticleRow.filter(sku__in=skus).only("id", "sku")}
        for ln in missing:
            article = by_listing.get(ln.sku) or by_sku.get(ln.sku)
            if article:
                found[ln.id] = article
    return found
