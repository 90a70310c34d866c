"""Stock and barcodes changed by people at a desk: each change one transaction with its audit event."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core.domain.catalog import classify, normalize_code
from core.errors import ConflictError, NotFound, UserInputError
from core.persistence.models import (
    ArticleRow,
    BarcodeRow,
    BinRow,
    StockLevelRow,
    StockMovementRow,
    WarehouseRow,
)
from core.services import audit
from core.services.completion import PROVIDER_WAREHOUSE_PREFIX
from core.services.intake import flag_listings


async def adjust(article_id: int, delta: int, reason: str, actor: str, *, station: str = "") -> int:
    """Book `delta` pieces in or out of the article's main bin; returns the new on-hand."""
    if not reason.strip():
        raise UserInputError("Say why the stock changes (count, damage, found …).")
    if delta == 0:
        raise UserInputError("The change must not be zero.")
    async with in_transaction() as conn:
        article = await ArticleRow.filter(id=article_id).using_db(conn).first()
        if article is None:
            raise NotFound(f"No article with id {article_id}.")
        level = (
            await StockLevelRow.filter(article_id=article_id)
            .exclude(bin__warehouse__name__startswith=PROVIDER_WAREHOUSE_PREFIX)
            .order_by("-on_hand")
            .using_db(conn)
            .first()
        )
        if level is None:
            warehouse, _ = await WarehouseRow.get_or_create(name="main", using_db=conn)
            bin_row, _ = await BinRow.get_or_create(
                warehouse_id=warehouse.id, code="DEFAULT", using_db=conn
            )
            level = await StockLevelRow.create(
                article_id=article_id, bin_id=bin_row.id, using_db=conn
            )
        await StockLevelRow.filter(id=level.id).using_db(conn).update(on_hand=F("on_hand") + delta)
        await StockMovementRow.create(
            article_id=article_id,
            bin_id=level.bin_id,
            quantity=delta,
            reason="adjustment",
            reference=reason.strip()[:128],
            actor=actor,
            using_db=conn,
        )
        await flag_listings({article_id}, conn)
        await audit.record(
            actor,
            "stock.adjusted",
            f"article:{article_id}",
            station=station,
            using_db=conn,
            delta=delta,
            reason=reason.strip(),
        )
        total = sum(
            s.on_hand for s in await StockLevelRow.filter(article_id=article_id).using_db(conn)
        )
    return total


async def assign_barcode(article_id: int, code: str, actor: str, *, station: str = "") -> str:
    """Give an article one more barcode (scanned at the desk); returns the stored form."""
    norm = normalize_code(code)
    if not norm:
        raise UserInputError("Scan the barcode to assign.")
    existing = await BarcodeRow.filter(code=norm).prefetch_related("article").first()
    if existing is not None:
        raise ConflictError(f"{norm} already belongs to {existing.article.sku} — nothing changed.")
    try:
        async with in_transaction() as conn:
            await BarcodeRow.create(
                article_id=article_id, code=norm, kind=classify(norm).value, using_db=conn
            )
            await audit.record(
                actor,
                "article.barcode_assigned",
                f"article:{article_id}",
                station=station,
                using_db=conn,
                code=norm,
            )
    except IntegrityError:
        raise ConflictError(f"{norm} was just assigned elsewhere — nothing changed.") from None
    return norm
