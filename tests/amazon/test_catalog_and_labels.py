"""Listings both ways, stock pushes, Buy Shipping labels and invoice uploads against the emulator."""

from __future__ import annotations

import pytest

from core.channels.amazon.articles import pull_listings, push_article
from core.channels.amazon.stock import push_dirty_stock
from core.config import CompanySettings
from core.documents.sealing import open_blob
from core.persistence.models import (
    ArticleRow,
    BarcodeRow,
    FulfilmentProfileRow,
    ListingRow,
    OrderLineRow,
    OrderRow,
    PackageRow,
    StockLevelRow,
)
from core.services.claim import claim_order
from core.services.completion import PackedBox, complete_packing
from core.services.setup import ensure_basics
from tests.amazon.support import wired

pytestmark = pytest.mark.network
COMPANY = CompanySettings(
    name="Muster GmbH", street="Hafenstraße 1", postcode="20457", city="Hamburg", vat_id="DE1"
)
APPLY = 31  # emulated seconds until an ACCEPTED listings change shows


def _mfn_quantity(emu, seller: str, sku: str, marketplace: str) -> int | None:
    listing = emu.state.listings.get((seller, sku, marketplace))
    return listing.quantity if listing else None


async def test_listings_pulled_then_stock_pushed_one_by_one_and_as_a_feed(db, box, emu):
    await ensure_basics("desk-1")
    async with wired(emu, box) as w:
        row = w.accounts[0]
        connector = w.connectors[row.id]
        result = await pull_listings(connector)
        ours = [k for k in emu.state.listings if k[0] == row.seller_id]
        assert result.listings_seen == len(ours)
        assert await ListingRow.filter(account_id=row.id).count() == len(ours)
        assert await BarcodeRow.filter(kind="fnsku").count() >= 1
        mfn = list(await ListingRow.filter(account_id=row.id, channel="MFN").order_by("id"))
        bin_id = (await StockLevelRow.first() or None) and (await StockLevelRow.first()).bin_id  # type: ignore[union-attr]
        if bin_id is None:
            from core.persistence.models import BinRow

            bin_id = (await BinRow.first()).id  # type: ignore[union-attr]
        for n, listing in enumerate(mfn):
            await StockLevelRow.get_or_create(
                article_id=listing.article_id, bin_id=bin_id, defaults={"on_hand": 0}
            )
            await StockLevelRow.filter(article_id=listing.article_id).update(on_hand=40 + n)
        # A few SKUs: one patch each.
        await ListingRow.filter(account_id=row.id).update(stock_dirty=False)
        await ListingRow.filter(id__in=[m.id for m in mfn[:2]]).update(stock_dirty=True)
        assert (await push_dirty_stock(connector)).listings == 2
        # Many SKUs: one JSON_LISTINGS_FEED.
        await ListingRow.filter(id__in=[m.id for m in mfn]).update(stock_dirty=True)
        connector.options.patch_limit = 1
        assert (await push_dirty_stock(connector)).waiting == len(mfn)  # sent, not yet answered
        emu.advance(3600)
        assert (await push_dirty_stock(connector)).listings == len(mfn)  # the report says taken
    on_hand = {s.article_id: s.on_hand for s in await StockLevelRow.all()}
    for listing in mfn:
        expected = on_hand[listing.article_id]
        assert (
            _mfn_quantity(emu, row.seller_id, listing.seller_sku, listing.marketplace_id)
            == expected
        )
    assert await ListingRow.filter(stock_dirty=True, account_id=row.id).count() == 0
    assert any(f.feed_type == "JSON_LISTINGS_FEED" for f in emu.state.feeds.values())


async def test_an_article_pushed_becomes_a_listing(db, box, emu):
    article = await ArticleRow.create(sku="PD-NEW-1", title="Packdesk Becher")
    await BarcodeRow.create(article_id=article.id, code="4006381333931", kind="ean")
    async with wired(emu, box) as w:
        row = w.accounts[0]
        market = row.marketplace_ids[0]
        answer = await push_article(
            w.connectors[row.id], article.id, market, quantity=5, price="9.99"
        )
        emu.advance(APPLY)
    assert answer["status"] == "ACCEPTED"
    assert _mfn_quantity(emu, row.seller_id, "PD-NEW-1", market) == 5
    assert await ListingRow.filter(seller_sku="PD-NEW-1", account_id=row.id).exists()


async def test_buy_shipping_label_ships_confirms_and_prints(db, box, emu):
    await ensure_basics("desk-1")
    await FulfilmentProfileRow.filter(channel="MFN").update(carrier="amazon_buy_shipping")
    async with wired(emu, box) as w:
        await w.worker.run_once()
        order = await OrderRow.filter(
            channel="MFN", channel_status="Unshipped", process="ship"
        ).first()
        assert order is not None
        lines = {ln.id: ln.quantity for ln in await OrderLineRow.filter(order_id=order.id)}
        await claim_order(order.id, "desk-1", "anna")
        result = await complete_packing(
            order.id,
            [PackedBox(lines, weight_g=800)],
            station="desk-1",
            packer="anna",
            company=COMPANY,
            box=box,
        )
        await w.worker.run_once()
    package = await PackageRow.get(id=result.package_ids[0])
    assert package.tracking_number and package.label and package.label_ref
    assert (await OrderRow.get(id=order.id)).status == "shipped"
    bought = emu.state.shipments[package.label_ref]
    assert bought.tracking_id == package.tracking_number
    # The desk's weight is what Buy Shipping was asked for (and what the print job is named by).
    [parcel] = bought.request["_rates"]["packages"]
    assert parcel["weight"] == {"value": 800, "unit": "GRAM"}
    sent = [c for c in emu.state.confirmations if c["order_id"] == order.external_id]
    assert [c["tracking_number"] for c in sent] == [package.tracking_number]
    printed = w.spool.jobs[f"label:{package.id}"]
    assert printed.kind == "label" and printed.payload == open_blob(bytes(package.label), box)
    assert printed.title == f"Label {order.external_id} parcel 1"


async def test_invoice_upload_carries_its_metadata(db, box, emu):
    async with wired(emu, box) as w:
        row = w.accounts[0]
        await w.connectors[row.id].upload_invoice(
            "302-1234567-1234567",
            row.marketplace_ids[0],
            "RE-2026-00001",
            b"%PDF-1.7 test",
            "119.00",
        )
        emu.advance(3600)  # the feed is processed
    feed = next(f for f in emu.state.feeds.values() if f.feed_type == "UPLOAD_VAT_INVOICE")
    document = emu.state.documents[feed.input_document_id]
    assert document.content == b"%PDF-1.7 test" and document.content_type == "application/pdf"
    meta = {k.lower(): v for k, v in feed.options.items()}
    assert meta["metadata:orderid"] == "302-1234567-1234567"
    assert meta["metadata:invoicenumber"] == "RE-2026-00001"
    assert meta["metadata:totalamount"] == "119.00"
