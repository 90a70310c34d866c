"""Sync against the emulator over real HTTP: two accounts, routing, confirmations, pages that move."""

from __future__ import annotations

from collections import Counter

import pytest

from core.config import CompanySettings
from core.domain.orders import Channel
from core.persistence.models import AccountRow, OrderLineRow, OrderRow, OutboxJobRow
from core.services.claim import claim_order
from core.services.completion import PackedBox, complete_packing
from core.services.setup import ensure_basics
from tests.amazon.support import importable, wired

pytestmark = pytest.mark.network
COMPANY = CompanySettings(
    name="Muster GmbH",
    street="Hafenstraße 1",
    postcode="20457",
    city="Hamburg",
    vat_id="DE123456789",
)


async def test_two_accounts_sync_concurrently_and_each_order_once(db, box, emu):
    async with wired(emu, box) as w:
        first = await w.worker.run_once()
        second = await w.worker.run_once()
    for row in w.accounts:
        got = set(await OrderRow.filter(account_id=row.id).values_list("external_id", flat=True))
        assert got == importable(emu, row.seller_id)
    assert first.total("orders_new") == len(importable(emu)) > 20
    assert second.total("orders_new") == 0 and second.total("orders_updated") == 0
    assert {a.health for a in await AccountRow.all()} == {"ok"}
    assert len(first.accounts) == 2 and all(a.requests >= 1 for a in first.accounts)


async def test_mfn_ships_and_afn_gets_its_invoice(db, box, emu):
    await ensure_basics("desk-1")
    async with wired(emu, box) as w:
        await w.worker.run_once()
    rows = await OrderRow.all()
    mfn = [r for r in rows if r.channel == Channel.MFN.value]
    afn = [r for r in rows if r.channel == Channel.AFN.value]
    assert mfn and afn
    assert {(r.process, r.status) for r in mfn if r.channel_status == "Unshipped"} == {
        ("ship", "open")
    }
    assert {(r.process, r.status, r.channel_status) for r in afn} == {
        ("invoice_only", "imported", "Shipped")
    }
    jobs = set(await OutboxJobRow.filter(kind="invoice.issue").values_list("key", flat=True))
    assert jobs == {f"invoice.issue:{r.id}" for r in afn}
    one = emu.state.orders[mfn[0].external_id]
    # by Amazon's item id: SQL without ORDER BY promises no row order (PostgreSQL)
    line = await OrderLineRow.get(order_id=mfn[0].id, external_id=one.items[0].item_id)
    assert line.sku == one.items[0].sku and line.unit_price == one.items[0].unit_price


async def _ship(order_id: int, lines: dict[int, int], tracking: str, box) -> None:
    await claim_order(order_id, "desk-1", "anna")
    await complete_packing(
        order_id,
        [
            PackedBox(
                lines,
                tracking_number=tracking,
                carrier_code="DHL",
                carrier_name="DHL",
                shipping_method="Paket",
            )
        ],
        station="desk-1",
        packer="anna",
        company=COMPANY,
        box=box,
        partial=True,
    )


async def test_partial_shipment_then_the_rest_reach_amazon_once(db, box, emu):
    await ensure_basics("desk-1")
    async with wired(emu, box) as w:
        await w.worker.run_once()
        candidates = [
            r
            for r in await OrderRow.filter(channel="MFN", status="open", channel_status="Unshipped")
            if sum(ln.quantity for ln in await OrderLineRow.filter(order_id=r.id)) >= 2
        ]
        order = candidates[0]
        lines = list(await OrderLineRow.filter(order_id=order.id).order_by("id"))
        first = {lines[0].id: 1}
        rest = {ln.id: ln.quantity - first.get(ln.id, 0) for ln in lines}
        await _ship(order.id, first, "00340434161094000001", box)
        await w.worker.run_once()
        assert emu.state.orders[order.external_id].status == "PartiallyShipped"
        await _ship(order.id, {k: v for k, v in rest.items() if v}, "00340434161094000002", box)
        await w.worker.run_once()
        # A retry of an already confirmed package (a crash after Amazon said yes) sends nothing new.
        await OutboxJobRow.filter(kind="amazon.confirm_shipment").update(status="pending")
        await w.worker.run_once()
    sent = [c for c in emu.state.confirmations if c["order_id"] == order.external_id]
    assert [c["package_reference_id"] for c in sent] == ["1", "2"]
    assert sent[0]["tracking_number"] == "00340434161094000001"
    assert sent[0]["items"] == [{"order_item_id": lines[0].external_id, "quantity": 1}]
    assert sent[0]["carrier_code"] == "DHL" and sent[0]["shipping_method"] == "Paket"
    shipped = Counter()
    for c in sent:
        for item in c["items"]:
            shipped[item["order_item_id"]] += item["quantity"]
    assert shipped == {ln.external_id: ln.quantity for ln in lines}
    assert emu.state.orders[order.external_id].status == "Shipped"
    assert (await OrderRow.get(id=order.id)).status == "shipped"


async def test_an_order_that_changes_between_pages_ends_up_once_and_current(db, box, emu):
    async with wired(emu, box, page_size=5) as w:
        connector = next(iter(w.connectors.values()))
        original = connector.order_pages
        changed: list[str] = []

        async def moving(since):  # type: ignore[no-untyped-def]
            async for page in original(since):
                if not changed and page.orders:
                    target = emu.state.orders[page.orders[0].external_id]
                    if target.channel == "MFN" and target.status == "Unshipped":
                        target.status = "Canceled"
                        target.last_update = emu.now() + 1
                        changed.append(target.order_id)
                yield page

        connector.order_pages = moving  # type: ignore[method-assign]
        await w.worker.run_once()
        emu.advance(300)
        await w.worker.run_once()
    ids = await OrderRow.all().values_list("external_id", flat=True)
    assert len(ids) == len(set(ids))
    assert changed
    row = await OrderRow.get(external_id=changed[0])
    assert (row.channel_status, row.status) == ("Canceled", "cancelled")


async def test_v0_path_reads_the_same_orders(db, box, emu):
    async with wired(emu, box, orders_api="v0") as w:
        summary = await w.worker.run_once()
    assert summary.total("orders_new") == len(importable(emu))
    row = await OrderRow.filter(channel="MFN").first()
    assert row is not None and await OrderLineRow.filter(order_id=row.id).count() >= 1
