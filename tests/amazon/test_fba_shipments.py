"""FBA orders through the FBA shipments report: parsed from Amazon's TSV, imported once, and the
shipment facts (date, carrier, tracking, pieces) added to orders searchOrders already brought."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from core.channels.amazon.connector import OrderPage
from core.channels.amazon.fba_shipments import (
    order_from_shipped_items,
    shipped_items_from_report,
)
from core.domain.orders import Channel
from core.persistence.models import (
    AccountRow,
    OrderLineRow,
    OrderRow,
    OutboxJobRow,
    PackageLineRow,
    PackageRow,
    ShipmentRow,
    SyncCheckpointRow,
)
from core.services.setup import ensure_basics
from core.sync.fba import STREAM
from tests.amazon.support import wired

HEADER = (
    "amazon-order-id\tmerchant-order-id\tshipment-id\tshipment-item-id\tamazon-order-item-id\t"
    "purchase-date\tshipment-date\tsku\tproduct-name\tquantity-shipped\tcurrency\titem-price\t"
    "item-tax\tshipping-price\tshipping-tax\titem-promotion-discount\tship-promotion-discount\t"
    "carrier\ttracking-number\tfulfillment-channel\tsales-channel\tsome-new-column"
)


def test_report_rows_become_one_shipped_afn_order_per_order_id():
    rows = [
        HEADER,
        # One item shipped in two parcels, prices for the pieces of each row, a decimal comma.
        "028-1111111-1111111\t\tDAAA\tD1\t11111111111111\t2025-03-01T10:00:00+00:00\t"
        '2025-03-02T08:00:00+00:00\tMUG-1\tBecher "Müller" €\t2\tEUR\t23.80\t3.80\t4,99\t0.80\t'
        "0.00\t\tAMZN_DE\tDE001\tAFN\tAmazon.de\tx",
        "028-1111111-1111111\t\tDBBB\tD2\t11111111111111\t2025-03-01T10:00:00+00:00\t"
        '2025-03-03T09:30:00+00:00\tMUG-1\tBecher "Müller" €\t1\tEUR\t11.90\t1.90\t0.00\t0.00\t'
        "-1.00\t\tDHL\tDE002\tAFN\tAmazon.de\tx",
        # Multi-Channel Fulfilment for another shop: not an Amazon order.
        "S-77\t\tDCCC\tD3\t22\t2025-03-01T10:00:00+00:00\t2025-03-02T08:00:00+00:00\tMUG-1\t"
        "Becher\t1\tEUR\t0\t0\t0\t0\t0\t0\tDHL\tDE003\tAFN\tNon-Amazon\tx",
    ]
    text = (
        "\n".join(rows) + "\n"
    )  # decoding (gzip, charset) is report_files' (test_report_streaming)
    items = shipped_items_from_report(text, ["A1PA6795UKMFR9", "A13V1IB3VIYZZH"])
    assert [i.order_id for i in items] == ["028-1111111-1111111"] * 2
    order = order_from_shipped_items(items, account_id=3)
    assert order.channel is Channel.AFN and order.channel_status == "Shipped"
    assert order.marketplace_id == "A1PA6795UKMFR9" and order.currency == "EUR"
    assert order.shipped_at is not None and order.shipped_at.isoformat().startswith("2025-03-03")
    [line] = order.lines
    assert (line.external_id, line.sku, line.title) == (
        "11111111111111",
        "MUG-1",
        'Becher "Müller" €',
    )
    assert (line.quantity, line.quantity_shipped) == (3, 3)
    assert line.unit_price == Decimal("11.90") and line.tax_rate == Decimal("19")
    assert line.shipping_price == Decimal("4.99") and line.promotion_discount == Decimal("1.00")


async def _nothing_from_search_orders(since: str | None) -> AsyncIterator[OrderPage]:
    """searchOrders brings nothing: orders are known only from the report."""
    return
    yield  # pragma: no cover


def shipped_fba(emu: Any) -> dict[str, Any]:
    return {
        o.order_id: o
        for o in emu.state.orders.values()
        if o.channel == "AFN" and o.status == "Shipped"
    }


async def _snapshot() -> tuple[Any, ...]:
    return (
        sorted(
            await OrderRow.all().values_list("external_id", "fingerprint", "status", "shipped_at")
        ),
        sorted(await OrderLineRow.all().values_list("id", "quantity_shipped")),
        await ShipmentRow.all().count(),
        sorted(await PackageRow.all().values_list("reference", "tracking_number")),
        await PackageLineRow.all().count(),
        sorted(await OutboxJobRow.all().values_list("key", flat=True)),
    )


@pytest.mark.network
async def test_an_fba_order_known_only_from_the_report_is_imported_once(db, box, emu):
    await ensure_basics("desk-1")
    expected = shipped_fba(emu)
    async with wired(emu, box, fba=True) as w:
        for connector in w.connectors.values():
            connector.order_pages = _nothing_from_search_orders  # type: ignore[method-assign]
        requested = await w.worker.run_once()  # asks Amazon for the report and moves on
        assert await OrderRow.all().count() == 0 and requested.ok
        emu.advance(60)  # Amazon has made the report
        recorded = await w.worker.run_once()
        before = await _snapshot()
        # A lost checkpoint: the whole window is asked for and recorded again.
        await SyncCheckpointRow.filter(stream=STREAM).delete()
        await w.worker.run_once()
        emu.advance(60)
        again = await w.worker.run_once()
    assert expected and recorded.total("orders_new") == len(expected)
    rows = await OrderRow.all()
    assert {r.external_id for r in rows} == set(expected)
    assert {(r.channel, r.process, r.status, r.channel_status) for r in rows} == {
        ("AFN", "invoice_only", "imported", "Shipped")
    }
    assert all(r.shipped_at is not None for r in rows)
    jobs = set(await OutboxJobRow.filter(kind="invoice.issue").values_list("key", flat=True))
    assert jobs == {f"invoice.issue:{r.id}" for r in rows}
    row = rows[0]
    source = expected[row.external_id]
    lines = {ln.external_id: ln for ln in await OrderLineRow.filter(order_id=row.id)}
    assert set(lines) == {i.item_id for i in source.items}
    for item in source.items:
        line = lines[item.item_id]
        assert (line.sku, line.quantity, line.quantity_shipped) == (
            item.sku,
            item.quantity,
            item.quantity,
        )
        assert line.unit_price == item.unit_price
    packages = await PackageRow.filter(shipment__order_id=row.id)
    assert {p.carrier_code for p in packages} == {"AMZN_DE"}
    assert len({p.tracking_number for p in packages}) == len(source.items)
    assert {s.station for s in await ShipmentRow.filter(order_id=row.id)} == {"amazon:fba"}
    # Re-running changes nothing.
    assert again.total("orders_new") == 0 and again.total("orders_updated") == 0
    assert await _snapshot() == before
    assert {a.health for a in await AccountRow.all()} == {"ok"}


@pytest.mark.network
async def test_the_report_adds_amazons_shipments_to_orders_search_orders_brought(db, box, emu):
    async with wired(emu, box, fba=True) as w:
        await w.worker.run_once()  # searchOrders imports; the report is requested
        in_report = shipped_fba(emu)
        emu.advance(60)
        await w.worker.run_once()
        before = await _snapshot()
        await SyncCheckpointRow.filter(stream=STREAM).delete()
        await w.worker.run_once()
        emu.advance(60)
        again = await w.worker.run_once()
    ids = list(await OrderRow.all().values_list("external_id", flat=True))
    assert len(ids) == len(set(ids))
    afn = {r.external_id: r for r in await OrderRow.filter(channel="AFN")}
    assert set(in_report) <= set(afn)
    for order_id, source in in_report.items():
        row = afn[order_id]
        tracking = {p.tracking_number for p in await PackageRow.filter(shipment__order_id=row.id)}
        plain = order_id.replace("-", "")[-10:]
        assert tracking == {f"DE{plain}{n}" for n in range(len(source.items))}
        lines = await OrderLineRow.filter(order_id=row.id)
        assert all(ln.quantity_shipped == ln.quantity for ln in lines)
    assert again.total("orders_new") == 0 and again.total("orders_updated") == 0
    assert await _snapshot() == before


@pytest.mark.network
async def test_a_report_amazon_no_longer_knows_is_asked_for_again_without_alarm(db, box, emu):
    from core.sync.fba import FbaReportState

    await ensure_basics("desk-1")
    expected = shipped_fba(emu)
    async with wired(emu, box, fba=True) as w:
        for connector in w.connectors.values():
            connector.order_pages = _nothing_from_search_orders  # type: ignore[method-assign]
        await w.worker.run_once()
        for row in await SyncCheckpointRow.filter(stream=STREAM):
            state = FbaReportState.parse(row.value)
            state.report_id = "gone-" + state.report_id  # e.g. expired at Amazon
            row.value = state.dump()
            await row.save()
        lost = await w.worker.run_once()
        assert lost.ok, [c.reason for c in lost.accounts]
        emu.advance(60)
        recorded = await w.worker.run_once()
    assert recorded.total("orders_new") == len(expected)
    assert {a.health for a in await AccountRow.all()} == {"ok"}


@pytest.mark.network
async def test_a_report_flagged_gzip_but_sent_plain_is_still_read(db, box, emu):
    await ensure_basics("desk-1")
    expected = shipped_fba(emu)
    async with wired(emu, box, fba=True) as w:
        for connector in w.connectors.values():
            connector.order_pages = _nothing_from_search_orders  # type: ignore[method-assign]
        await w.worker.run_once()
        emu.advance(60)
        emu.set_faults("gzip_plain")  # Amazon says GZIP, the bytes are plain text
        try:
            recorded = await w.worker.run_once()
        finally:
            emu.set_faults(None)
    assert recorded.ok and recorded.total("orders_new") == len(expected)
