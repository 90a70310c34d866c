"""The packing queue pages by key: every page is right and costs the same at any depth.

Before, deep pages used OFFSET: the database read and dropped every row before the page (14–21 s at
offset 100,000).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from core.persistence.models import OrderRow
from core.services.intake import upsert_orders
from core.services.queries import packing_queue
from core.services.queue_keys import QueueKey
from tests.support.factories import make_account, make_orders


async def _all_pages(size: int) -> list[int]:
    seen: list[int] = []
    key = None
    while True:
        page = await packing_queue(limit=size, after=key)
        seen += [o.id for o in page]
        if len(page) < size:
            return seen
        key = QueueKey.of(page[-1])


async def test_pages_by_key_cover_the_queue_once_in_order(db, box):
    acc = await make_account()
    await upsert_orders(acc, make_orders(230, acc, seed=3, lines_per_order=1), box)
    # Ties on purpose: many orders share a ship-by date and a purchase time; some have none.
    same = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    ids = [o.id for o in await OrderRow.filter(channel="MFN").order_by("id")]
    await OrderRow.filter(id__in=ids[:60]).update(latest_ship_at=same, purchased_at=same)
    await OrderRow.filter(id__in=ids[60:75]).update(latest_ship_at=None)
    await OrderRow.filter(id__in=ids[::7]).update(is_prime=True)
    everything = [o.id for o in await packing_queue(limit=10_000)]
    for size in (7, 50):
        assert await _all_pages(size) == everything


@pytest.mark.slow
async def test_a_deep_page_costs_what_the_first_costs(db, box):
    acc = await make_account()
    for seed in range(4):
        await upsert_orders(acc, make_orders(5_000, acc, seed=10 + seed, lines_per_order=1), box)
    rows = await packing_queue(limit=20_000)
    deep = QueueKey.of(rows[-60])

    async def timed(**kw: object) -> float:
        start = time.perf_counter()
        await packing_queue(limit=50, **kw)  # type: ignore[arg-type]
        return time.perf_counter() - start

    first = min([await timed() for _ in range(5)])
    deepest = min([await timed(after=deep) for _ in range(5)])
    by_offset = min([await timed(offset=len(rows) - 60) for _ in range(2)])
    # The keyed deep page stays near the first page; OFFSET at the same depth does not.
    assert deepest < 3 * first + 0.005, (first, deepest)
    assert by_offset > 5 * deepest, (by_offset, deepest)
