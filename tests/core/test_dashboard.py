"""The shift dashboard counts what a person must act on."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from core.persistence.models import OrderRow, OutboxJobRow
from core.services.intake import upsert_orders
from core.services.queries.dashboard import dashboard
from core.services.queries.queue import Urgency, urgency
from tests.support.factories import make_account, make_order


async def _job(n: int, status: str) -> None:
    await OutboxJobRow.create(
        kind="documents.render",
        key=f"documents.render:{n}",
        payload={"document_id": n},
        status=status,
        due_at=datetime.now(UTC),
    )


async def test_failed_jobs_include_those_waiting_for_configuration(db):
    # A job in needs_config never runs until someone fills in a setting: it is a failure a
    # person must act on, like a dead one. The dashboard counted 1 of these 3.
    await _job(1, "dead")
    await _job(2, "needs_config")
    await _job(3, "needs_config")
    await _job(4, "pending")
    await _job(5, "done")
    await _job(6, "discarded")
    assert (await dashboard()).failed_jobs == 3


async def test_deadline_counts_agree_with_the_queues_colours(db, box):
    # The dashboard counts overdue / due today in the database, the queue colours each row with
    # `urgency`: a supervisor reading "3 due today" must find three yellow rows. Ship-by times
    # sit on both sides of now and of the station's midnight.
    acc = await make_account()
    now = datetime(2026, 12, 1, 22, 30, tzinfo=UTC).astimezone()
    offsets = [-3000, -1, 0, 1, 60, 3600, 5400, 86400]
    orders = [
        make_order(
            f"302-0000000-{i:07d}", account_id=acc, latest_ship_at=now + timedelta(seconds=s)
        )
        for i, s in enumerate(offsets)
    ]
    await upsert_orders(acc, orders, box)
    rows = await OrderRow.filter(account_id=acc)
    colours = Counter(urgency(r.latest_ship_at, now) for r in rows)
    board = await dashboard(now)
    assert (board.overdue, board.due_today, board.later) == (
        colours[Urgency.OVERDUE],
        colours[Urgency.DUE_TODAY],
        colours[Urgency.LATER],
    )
