"""Searching orders with a term longer than any SKU (a long scan or paste) finds nothing, calmly."""

from __future__ import annotations

from core.services.intake import upsert_orders
from core.services.queries import list_orders
from core.services.queries.queue import QueueFilter, desk_queue
from tests.support.factories import make_account, make_order


async def test_a_term_longer_than_a_sku_is_no_error(db, box):
    # `lines__sku=term` was validated against the column's 128 characters: a 150-character search
    # raised ValidationError, and the queue said "Something went wrong" instead of "nothing".
    acc = await make_account("amazon-de")
    await upsert_orders(acc, [make_order("302-0000001-0000001", account_id=acc)], box)
    term = "A" * 150
    assert await list_orders(search=term, box=box) == []
    assert await desk_queue(QueueFilter(search=term), box) == []
    assert len(await list_orders(search="302-0000001", box=box)) == 1
