"""Intake: routing, idempotency, updates, reservations — on SQLite and PostgreSQL."""

from __future__ import annotations

from core.domain.orders import Channel, OrderStatus, Process
from core.persistence.models import (
    FulfilmentProfileRow,
    OrderLineRow,
    OrderRow,
    OutboxJobRow,
    StockReservationRow,
)
from core.persistence.repositories import load_order
from core.services.intake import upsert_orders
from tests.support.factories import make_account, make_article, make_order, make_orders


async def _profiles(account_id: int) -> None:
    await FulfilmentProfileRow.create(name="mfn", channel="MFN", process="ship")
    await FulfilmentProfileRow.create(name="afn", channel="AFN", process="invoice_only")
    await FulfilmentProfileRow.create(
        name="3pl-fr",
        account_id=account_id,
        channel="MFN",
        marketplace_id="A13V1IB3VIYZZH",
        process="third_party",
    )


async def test_routes_mfn_afn_and_3pl_by_profile(db, box):
    acc = await make_account()
    await _profiles(acc)
    orders = [
        make_order("A-1", account_id=acc),
        make_order("A-2", account_id=acc, channel=Channel.AFN, channel_status="Shipped"),
        make_order("A-3", account_id=acc, marketplace_id="A13V1IB3VIYZZH"),
    ]
    result = await upsert_orders(acc, orders, box)
    assert (result.new, result.updated, result.unchanged) == (3, 0, 0)
    rows = {r.external_id: r for r in await OrderRow.all()}
    assert (rows["A-1"].process, rows["A-1"].status) == ("ship", "open")
    assert (rows["A-2"].process, rows["A-2"].status) == ("invoice_only", "imported")
    assert (rows["A-3"].process, rows["A-3"].status) == ("third_party", "open")
    # The FBA order that Amazon has shipped is queued for its invoice.
    assert await OutboxJobRow.filter(kind="invoice.issue").count() == 1


async def test_reimport_of_500_orders_changes_nothing(db, box):
    acc = await make_account()
    orders = make_orders(500, acc)
    first = await upsert_orders(acc, orders, box)
    assert first.new == 500
    counts = (await OrderRow.all().count(), await OrderLineRow.all().count())
    before = {r.id: r.updated_at for r in await OrderRow.all()}
    again = await upsert_orders(acc, make_orders(500, acc), box)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 500)
    assert (await OrderRow.all().count(), await OrderLineRow.all().count()) == counts
    assert {r.id: r.updated_at for r in await OrderRow.all()} == before


async def test_same_external_id_on_two_accounts_is_two_orders(db, box):
    a, b = await make_account("a"), await make_account("b")
    await upsert_orders(a, [make_order("X-1", account_id=a)], box)
    await upsert_orders(b, [make_order("X-1", account_id=b)], box)
    assert await OrderRow.filter(external_id="X-1").count() == 2


async def test_cancellation_before_packing_cancels_and_releases_stock(db, box):
    acc = await make_account()
    await make_article("SKU-1", 1, account_id=acc)
    await upsert_orders(acc, [make_order("C-1", account_id=acc, lines=[("SKU-1", 2)])], box)
    assert await StockReservationRow.all().count() == 1
    cancelled = make_order("C-1", account_id=acc, lines=[("SKU-1", 2)], channel_status="Canceled")
    result = await upsert_orders(acc, [cancelled], box)
    assert result.updated == 1
    row = await OrderRow.get(external_id="C-1")
    assert row.status == OrderStatus.CANCELLED
    assert await StockReservationRow.all().count() == 0


async def test_cancellation_after_shipping_is_recorded_not_applied(db, box):
    acc = await make_account()
    await upsert_orders(acc, [make_order("C-2", account_id=acc)], box)
    await OrderRow.filter(external_id="C-2").update(status="shipped")
    await upsert_orders(acc, [make_order("C-2", account_id=acc, channel_status="Canceled")], box)
    assert (await OrderRow.get(external_id="C-2")).status == "shipped"


async def test_address_change_is_applied_and_sealed(db, box):
    acc = await make_account()
    await upsert_orders(acc, [make_order("D-1", account_id=acc)], box)
    moved = make_order("D-1", account_id=acc)
    moved.ship_to = type(moved.ship_to)(
        name="Jürgen Groß", line1="Neue Straße 1", postcode="80331", city="München", country="DE"
    )
    assert (await upsert_orders(acc, [moved], box)).updated == 1
    row = await OrderRow.get(external_id="D-1")
    order = await load_order(row.id, box)
    assert order.ship_to.city == "München"
    assert "München" not in row.personal_sealed


async def test_fba_order_shipped_later_gets_its_invoice_queued(db, box):
    acc = await make_account()
    await upsert_orders(
        acc,
        [make_order("F-1", account_id=acc, channel=Channel.AFN, channel_status="Unshipped")],
        box,
    )
    assert await OutboxJobRow.filter(kind="invoice.issue").count() == 0
    await upsert_orders(
        acc, [make_order("F-1", account_id=acc, channel=Channel.AFN, channel_status="Shipped")], box
    )
    assert await OutboxJobRow.filter(kind="invoice.issue").count() == 1
    row = await OrderRow.get(external_id="F-1")
    assert row.process == Process.INVOICE_ONLY


async def test_open_mfn_lines_reserve_stock_via_listing_sku(db, box):
    acc = await make_account()
    await make_article("ART-1", 7, account_id=acc)
    await upsert_orders(acc, [make_order("R-1", account_id=acc, lines=[("ART-1", 3)])], box)
    held = await StockReservationRow.all()
    assert [h.quantity for h in held] == [3]


async def test_mfn_orders_shipped_before_import_are_not_packed_again(db, box):
    acc = await make_account()
    await make_article("SKU-1", 1, account_id=acc)
    await upsert_orders(
        acc,
        [
            make_order("S-1", account_id=acc, channel_status="Shipped"),
            make_order("S-2", account_id=acc),
        ],
        box,
    )
    assert (await OrderRow.get(external_id="S-1")).status == "shipped"
    assert await StockReservationRow.all().count() == 1  # only S-2 holds stock
    await upsert_orders(acc, [make_order("S-2", account_id=acc, channel_status="Shipped")], box)
    assert (await OrderRow.get(external_id="S-2")).status == "shipped"
    assert await StockReservationRow.all().count() == 0


async def test_cancellation_after_invoicing_queues_a_credit_note(db, box):
    from core.persistence.models import DocumentRow

    acc = await make_account()
    await upsert_orders(acc, [make_order("K-1", account_id=acc)], box)
    row = await OrderRow.get(external_id="K-1")
    await OrderRow.filter(id=row.id).update(status="shipped")
    invoice = await DocumentRow.create(
        kind="invoice", number="RE-9", order_id=row.id, issued_at=row.purchased_at
    )
    await upsert_orders(acc, [make_order("K-1", account_id=acc, channel_status="Canceled")], box)
    jobs = await OutboxJobRow.filter(kind="credit_note.issue")
    assert [j.payload["invoice_id"] for j in jobs] == [invoice.id]


async def test_two_accounts_importing_at_once_share_articles_without_deadlock(db, box):
    import asyncio

    from core.persistence.models import ListingRow

    a, b = await make_account("a"), await make_account("b")
    for n in range(1, 51):
        article_id = await make_article(f"SKU-{n}", n, account_id=a)
        await ListingRow.create(
            article_id=article_id,
            account_id=b,
            marketplace_id="A1PA6795UKMFR9",
            seller_sku=f"SKU-{n}",
        )
    results = await asyncio.gather(
        upsert_orders(a, make_orders(600, a, seed=1), box),
        upsert_orders(b, make_orders(600, b, seed=2), box),
    )
    assert [r.new for r in results] == [600, 600]
    assert await ListingRow.filter(stock_dirty=True).count() == 100
