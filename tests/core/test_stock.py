"""Stock changed by people: adjustments with a reason, barcodes assigned by scanning."""

from __future__ import annotations

import pytest

from core.errors import ConflictError, UserInputError
from core.persistence.models import AuditEventRow, BarcodeRow, ListingRow, StockMovementRow
from core.services import stock
from tests.support.factories import make_account, make_article


async def test_adjust_books_a_movement_flags_listings_and_is_audited(db):
    acc = await make_account()
    article_id = await make_article("MUG", 1, account_id=acc, on_hand=10)
    assert await stock.adjust(article_id, -3, "broken in the shelf", "anna", station="d1") == 7
    [move] = await StockMovementRow.filter(reason="adjustment")
    assert (move.quantity, move.reference, move.actor) == (-3, "broken in the shelf", "anna")
    assert await ListingRow.filter(stock_dirty=True).count() == 1
    assert await AuditEventRow.filter(action="stock.adjusted").count() == 1
    with pytest.raises(UserInputError, match="Say why"):
        await stock.adjust(article_id, 1, " ", "anna")


async def test_a_barcode_belongs_to_one_article(db):
    first = await make_article("A", 1)
    second = await make_article("B", 2)
    assert await stock.assign_barcode(first, "4006381333931", "anna") == "4006381333931"
    with pytest.raises(ConflictError, match="already belongs to A"):
        await stock.assign_barcode(second, "4006381333931", "anna")
    assert await BarcodeRow.filter(code="4006381333931").count() == 1
