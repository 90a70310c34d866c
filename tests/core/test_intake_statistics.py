"""A large intake refreshes the planner's statistics on PostgreSQL instead of waiting for autovacuum.

Without it, `order_line` kept an empty table's statistics while it grew, the planner scanned it in
full for every batch, and intake fell from 1,144 to 234 orders/s by 30,000 orders.
"""

from __future__ import annotations

from tortoise import Tortoise

from core.persistence import statistics
from core.services.intake import upsert_orders
from tests.support.factories import make_account, make_orders


async def _estimated_rows(table: str) -> float:
    conn = Tortoise.get_connection("postgres")
    rows = await conn.execute_query_dict(
        "SELECT reltuples FROM pg_class WHERE relname = $1", [table]
    )
    return float(rows[0]["reltuples"])


async def test_large_intake_leaves_fresh_statistics(db, box, monkeypatch):
    monkeypatch.setattr(statistics, "_pending_rows", 0)
    monkeypatch.setattr(statistics, "_written_total", 0)
    acc = await make_account("stats")
    await upsert_orders(acc, make_orders(1000, acc, seed=5), box)
    if not db.startswith("postgres"):
        return  # SQLite plans well without statistics; it gets `PRAGMA optimize` only
    # 1,000 orders with 2 lines each is more than the threshold: the planner knows of them now.
    assert await _estimated_rows("order_line") >= 1500
    assert await _estimated_rows("order") >= 750


async def test_small_intakes_add_up_before_a_refresh(db, box, monkeypatch):
    monkeypatch.setattr(statistics, "_pending_rows", 0)
    monkeypatch.setattr(statistics, "_written_total", 0)
    refreshed: list[int] = []
    real = statistics.wrote_rows

    async def counting(tables, rows):  # type: ignore[no-untyped-def]
        did = await real(tables, rows)
        refreshed.append(int(did))
        return did

    monkeypatch.setattr("core.services.intake.wrote_rows", counting)
    acc = await make_account("small")
    for seed in range(8):
        await upsert_orders(acc, make_orders(100, acc, seed=seed), box)  # 300 rows each
    assert sum(refreshed) == 1 and refreshed.index(1) == 6  # past 2,000 rows at the 7th intake
    await upsert_orders(acc, make_orders(100, acc, seed=0), box)  # unchanged: nothing written
    assert len(refreshed) == 8
