"""The queue finds an order by scanned barcode, SKU, title words, order id or buyer; it marks
what is overdue or due today against the station's clock; it names marketplaces by country."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from core.services.intake import upsert_orders
from core.services.queries import list_orders
from core.services.queries.queue import (
    QueueFilter,
    Urgency,
    desk_queue,
    filter_choices,
    market_label,
    urgency,
)
from tests.support.factories import ean, make_account, make_article, make_order


async def _seed(box) -> None:
    acc = await make_account("amazon-de")
    await make_article("MUG-BLUE", 1, account_id=acc)
    await upsert_orders(
        acc,
        [
            make_order("302-0000001-0000001", account_id=acc, lines=[("MUG-BLUE", 1)]),
            make_order(
                "302-0000002-0000002",
                account_id=acc,
                lines=[("TEA-GREEN", 2)],
                buyer_name="Łukasz Wójcik",
            ),
        ],
        box,
    )


async def _found(term: str, box) -> list[str]:
    return sorted(o.external_id for o in await desk_queue(QueueFilter(search=term), box))


async def test_search_by_barcode_sku_title_order_and_buyer(db, box):
    await _seed(box)
    first, second = "302-0000001-0000001", "302-0000002-0000002"
    assert await _found(ean(1), box) == [first]  # the mug's EAN, as a scanner sends it
    assert await _found("0" + ean(1), box) == [first]  # a GTIN-14 padding of the same code
    assert await _found("X000000001", box) == [first]  # its FNSKU label
    assert await _found("TEA-GREEN", box) == [second]
    assert await _found("article tea", box) == [second]  # every word of a line's title
    assert await _found("0000002", box) == [second]
    assert await _found("Łukasz", box) == [second]  # the buyer, through the blind index
    assert await _found(ean(9), box) == []  # a barcode no article has finds nothing
    assert await _found("article coffee", box) == []
    # the order list shares the search
    assert [o.external_id for o in await list_orders(search=ean(1), box=box)] == [first]


def test_urgency_follows_the_given_clock():
    now = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    assert urgency(now - timedelta(minutes=1), now) is Urgency.OVERDUE
    assert urgency(now + timedelta(minutes=1), now) is Urgency.DUE_TODAY
    assert urgency(datetime(2026, 12, 1, 23, 59, tzinfo=UTC), now) is Urgency.DUE_TODAY
    assert urgency(datetime(2026, 12, 2, 0, 0, tzinfo=UTC), now) is Urgency.LATER
    assert urgency(None, now) is Urgency.LATER
    # the day ends at the station's midnight: 23:30 UTC is tomorrow in Berlin
    berlin = now.astimezone(timezone(timedelta(hours=1)))
    assert urgency(datetime(2026, 12, 1, 23, 30, tzinfo=UTC), berlin) is Urgency.LATER


async def test_urgency_of_queue_rows(db, box):
    acc = await make_account("amazon-de")
    now = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    due = {"302-0000001-0000001": now - timedelta(hours=2), "302-0000002-0000002": now}
    due["302-0000003-0000003"] = now + timedelta(hours=3)
    due["302-0000004-0000004"] = now + timedelta(days=1)
    orders = [make_order(x, account_id=acc, latest_ship_at=d) for x, d in due.items()]
    await upsert_orders(acc, orders, box)
    rows = await desk_queue(QueueFilter(), box)
    assert [urgency(o.latest_ship_at, now) for o in rows] == [
        Urgency.OVERDUE,
        Urgency.DUE_TODAY,  # due this very minute: still today
        Urgency.DUE_TODAY,
        Urgency.LATER,
    ]


def test_marketplaces_by_country():
    assert market_label("A1PA6795UKMFR9") == "DE"
    assert market_label("A13V1IB3VIYZZH") == "FR"
    assert market_label("A1C3SOZRARQ6R3") == "PL"
    assert market_label("XYZ") == "XYZ"


async def test_marketplace_choices_come_in_country_order(db):
    await make_account("amazon-eu", ["A1C3SOZRARQ6R3", "A1PA6795UKMFR9", "A13V1IB3VIYZZH"])
    markets = (await filter_choices())["marketplaces"]
    assert [market_label(m) for m in markets] == ["DE", "FR", "PL"]
