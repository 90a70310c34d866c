"""What a scan opens at the desk, asked of core directly (no console): `StationDesk`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.config import CompanySettings, Settings
from core.errors import NotFound
from core.persistence.models import OrderRow
from core.services.desk.station import StationDesk
from core.services.desk.views import ClaimGone
from core.services.intake import upsert_orders
from core.services.invoicing import issue_delivery_note
from core.services.setup import ensure_basics
from tests.support.factories import ean, make_account, make_article, make_order

COMPANY = CompanySettings(
    name="Muster GmbH", street="Hafenstraße 1", postcode="20457", city="Hamburg",
    vat_id="DE123456789",
)  # fmt: skip
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture
async def desks(db, box) -> tuple[StationDesk, StationDesk, dict[str, int]]:
    await ensure_basics("desk-1")
    acc = await make_account("amazon-de")
    await make_article("MUG", 1, account_id=acc, on_hand=20)
    await make_article("TEA", 2, account_id=acc, on_hand=20)
    orders = [
        make_order("302-0000001-0000001", account_id=acc, lines=[("MUG", 2), ("TEA", 1)]),
        # three single-item MUG orders: the later ship-by date, the earlier, and a Prime one
        # due at the same earlier time (Prime first)
        make_order("302-0000002-0000002", account_id=acc, lines=[("MUG", 1)],
                   purchased_at=T0, latest_ship_at=T0 + timedelta(days=2)),
        make_order("302-0000003-0000003", account_id=acc, lines=[("MUG", 1)],
                   purchased_at=T0, latest_ship_at=T0 + timedelta(days=1)),
        make_order("302-0000004-0000004", account_id=acc, lines=[("MUG", 1)], is_prime=True,
                   purchased_at=T0 + timedelta(hours=1), latest_ship_at=T0 + timedelta(days=1)),
    ]  # fmt: skip
    await upsert_orders(acc, orders, box)
    ids = {r.external_id: r.id for r in await OrderRow.all()}
    one = StationDesk(Settings(station="desk-1", company=COMPANY), box)
    two = StationDesk(Settings(station="desk-2", company=COMPANY), box)
    return one, two, ids


async def test_an_article_opens_the_most_urgent_single_item_order_then_the_next(desks):
    one, two, _ids = desks
    first = await one.open_order(ean(1), "anna")
    assert first.external_id == "302-0000004-0000004"  # earliest ship-by, Prime first
    assert first.first_scan == ean(1) and [ln.sku for ln in first.lines] == ["MUG"]
    second = await two.open_order(ean(1), "ben")  # the first is claimed by desk-1
    assert second.external_id == "302-0000003-0000003"


async def test_order_id_and_delivery_note_open_their_order_and_resume_keeps_progress(desks, box):
    one, two, ids = desks
    note = await issue_delivery_note(ids["302-0000001-0000001"], company=COMPANY, box=box)
    target = await one.open_order(note.number, "anna")
    assert target.external_id == "302-0000001-0000001" and not target.resumed
    assert await one.save_progress(target.order_id, [{target.lines[0].line_id: 1}])
    again = await one.resume("anna")  # the console restarted: the desk takes up its claim
    assert again is not None and again.resumed
    assert again.progress == [{target.lines[0].line_id: 1}]
    with pytest.raises(ClaimGone, match="desk-1"):  # not desk-2's claim: it says whose it is
        await two.save_progress(target.order_id, [])
    assert (await one.resume("anna")).progress == [{target.lines[0].line_id: 1}]  # untouched


async def test_an_unknown_code_names_what_to_scan(desks):
    one, _two, _ids = desks
    with pytest.raises(NotFound, match="Nothing is known as 999"):
        await one.open_order("999", "anna")


# 77 characters: a run of the burst test under load answered it "Something went wrong" — tortoise
# validates a compared value against the column (external_id, number, badge: 64) and raised.
LONG = "".join(chr(ord("A") + i % 26) for i in range(77))


@pytest.mark.parametrize("length", [65, 77, 129, 200])
async def test_a_code_longer_than_any_column_names_nothing_and_is_no_error(desks, length):
    one, _two, ids = desks
    code = (LONG * 3)[:length]
    with pytest.raises(NotFound, match="Nothing is known as"):
        await one.open_order(code, "anna", alternates=[code.lower()])
    with pytest.raises(NotFound, match="No packer has the badge"):
        await one.sign_in(code)
    on_desk = await one.open_order("302-0000001-0000001", "anna")
    assert (await one.beside(code, on_desk.order_id)).kind.value == "nothing"
    assert await one.reprint_offer(code) is None
    assert ids  # the orders are there: only the code is too long to name one
