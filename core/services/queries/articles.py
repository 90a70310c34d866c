"""Articles with their codes and stock, as the articles screen lists them."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q
from tortoise.functions import Sum

from core.domain.catalog import normalize_code
from core.domain.desk import clean_code
from core.persistence.models import ArticleRow, StockLevelRow, StockReservationRow


@dataclass(frozen=True)
class ArticleStock:
    id: int
    sku: str
    title: str
    codes: list[str]
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


async def article_stock(search: str = "", limit: int = 100) -> list[ArticleStock]:
    """Articles by SKU, title words or a scanned code, with on-hand and reserved pieces."""
    query = ArticleRow.all()
    term = clean_code(search).strip()
    if term:
        query = query.filter(
            Q(sku__icontains=term)
            | Q(title__icontains=term)
            | Q(barcodes__code=normalize_code(term))
        ).distinct()
    rows = await query.order_by("sku").limit(limit).prefetch_related("barcodes")
    ids = [r.id for r in rows]
    on_hand = dict(
        await StockLevelRow.filter(article_id__in=ids)
        .annotate(n=Sum("on_hand"))
        .group_by("article_id")
        .values_list("article_id", "n")
    )
    reserved = dict(
        await StockReservationRow.filter(article_id__in=ids)
        .annotate(n=Sum("quantity"))
        .group_by("article_id")
        .values_list("article_id", "n")
    )
    return [
        ArticleStock(
            r.id,
            r.sku,
            r.title,
            sorted(b.code for b in r.barcodes),
            int(on_hand.get(r.id) or 0),
            int(reserved.get(r.id) or 0),
        )
        for r in rows
    ]
