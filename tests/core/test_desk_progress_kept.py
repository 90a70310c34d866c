"""Issue 11: an order left on a desk at sign-out keeps its claim, counts, boxes and weights."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.config import CompanySettings, Settings
from core.errors import ConflictError
from core.persistence.models import AuditEventRow, OrderRow, PackerRow
from core.services.claim import claim_order
from core.services.desk.station import StationDesk
from core.services.intake import upsert_orders
from core.services.people import deactivate
from core.services.queries.queue import QueueFilter, desk_queue
from core.services.setup import ensure_basics
from tests.support.factories import make_account, make_article, make_order

COMPANY = CompanySettings(
    name="Muster GmbH", street="Hafenstraße 1", postcode="20457", city="Hamburg",
    vat_id="DE123456789",
)  # fmt: skip


@pytest.fixture
async def desk(db, box) -> tuple[StationDesk, int]:
    await ensure_basics("desk-1")
    for name in ("anna", "ben"):
        await PackerRow.create(name=name, badge=f"P-{name.upper()}", role="packer")
    acc = await make_account("amazon-de")
    await make_article("MUG", 1, account_id=acc, on_hand=20)
    await make_article("TEA", 2, account_id=acc, on_hand=20)
    order = make_order("302-0000001-0000001", account_id=acc, lines=[("MUG", 2), ("TEA", 1)])
    await upsert_orders(acc, [order], box)
    order_id = (await OrderRow.get(external_id="302-0000001-0000001")).id
    return StationDesk(Settings(station="desk-1", company=COMPANY), box), order_id


async def _anna_leaves_two_of_three(one: StationDesk, order_id: int) -> list[dict[int, int]]:
    target = await one.open_by_id(order_id, "anna")
    mug = next(ln.line_id for ln in target.lines if ln.sku == "MUG")
    boxes = [{mug: 2}]
    assert await one.leave_on_desk(order_id, "anna", boxes, {0: 850})
    return boxes


async def test_the_next_packer_at_the_desk_gets_the_order_back_exactly(desk, box):
    one, order_id = desk
    boxes = await _anna_leaves_two_of_three(one, order_id)
    await one.end_session()
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.claimed_by, row.claimed_packer) == ("packing", "desk-1", "anna")
    on_desk = await desk_queue(QueueFilter(status="packing"), box)
    assert [(o.external_id, o.claimed_by) for o in on_desk] == [("302-0000001-0000001", "desk-1")]

    again = await one.resume("ben")
    assert again is not None and again.resumed and again.resumed_from == "anna"
    assert (again.progress, again.weighed) == (boxes, {0: 850})
    assert (await OrderRow.get(id=order_id)).claimed_packer == "ben"
    actions = await AuditEventRow.filter(subject=f"order:{order_id}").order_by("id")
    left = next(a for a in actions if a.action == "order.left_on_desk")
    resumed = next(a for a in actions if a.action == "order.resumed")
    assert (left.actor, left.detail["items_packed"]) == ("anna", 2)
    assert (resumed.actor, resumed.detail["from_packer"], resumed.detail["items_packed"]) == (
        "ben",
        "anna",
        2,
    )
    assert resumed.detail["weighed"] == 1

    same = await one.resume("ben")  # the same packer again (a restart): nobody else's order
    assert same is not None and same.resumed_from == "" and same.weighed == {0: 850}


async def test_deactivating_the_packer_still_releases_the_order_and_forgets_its_progress(desk):
    one, order_id = desk
    await _anna_leaves_two_of_three(one, order_id)
    done = await deactivate("anna", actor="sam")
    assert done.orders_released == [order_id]
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.claimed_by, row.pack_progress) == ("open", "", None)
    assert await one.resume("ben") is None
    fresh = await one.open_by_id(order_id, "ben")
    assert fresh.progress is None and fresh.weighed == {} and fresh.resumed_from == ""


async def test_put_back_clears_the_progress_with_the_claim(desk):
    one, order_id = desk
    await _anna_leaves_two_of_three(one, order_id)
    assert await one.release(order_id, "anna")
    assert (await OrderRow.get(id=order_id)).pack_progress is None
    assert not await one.leave_on_desk(order_id, "anna", [{}])  # no longer this desk's


async def test_an_order_left_on_the_desk_never_goes_stale_for_another_desk(desk):
    """Its goods lie at desk-1: after the claim timeout desk-2 still cannot take it; a supervisor can."""
    one, order_id = desk
    await _anna_leaves_two_of_three(one, order_id)
    later = datetime.now(UTC) + timedelta(hours=3)
    with pytest.raises(ConflictError, match="being packed at desk-1"):
        await claim_order(order_id, "desk-2", "ben", timeout_minutes=30, now=later)
    await claim_order(order_id, "desk-2", "sam", takeover=True, now=later)
    assert (await OrderRow.get(id=order_id)).claimed_by == "desk-2"
