"""Every answer read: per-SKU outcomes of stock pushes, Amazon's verdict on invoice uploads."""

from __future__ import annotations

import json

import aiohttp
import pytest

from core.channels.amazon.articles import pull_listings
from core.channels.amazon.marketplaces import MARKETPLACES
from core.channels.amazon.stock import push_dirty_stock
from core.documents.handlers import make_document_handlers
from core.domain.outbox import JobKind
from core.persistence.models import (
    AuditEventRow,
    BinRow,
    ListingRow,
    OrderRow,
    OutboxJobRow,
    StockLevelRow,
)
from core.security import SecretBox
from core.services.outbox import OutboxRunner
from core.services.queries.rejections import sku_rejections
from core.services.setup import ensure_basics
from tests.amazon.support import run_cli, wired
from tests.documents.support import settings, shipped_fba_order

pytestmark = pytest.mark.network
CODE, MESSAGE = "18027", "The listing is restricted: approval is required for this brand."


async def _reject(emu, seller_id: str, sku: str) -> None:  # type: ignore[no-untyped-def]
    """Make Amazon refuse this SKU, through the emulator's HTTP API as a demo would."""
    async with aiohttp.ClientSession() as http:
        body = {"seller_id": seller_id, "sku": sku, "code": CODE, "message": MESSAGE}
        async with http.post(f"{emu.url}/_emulator/listing-issues", json=body) as resp:
            assert resp.status == 200


async def _dirty_mfn(w, row) -> list[ListingRow]:  # type: ignore[no-untyped-def]
    await ensure_basics("desk-1")
    await pull_listings(w.connectors[row.id])
    mfn = list(await ListingRow.filter(account_id=row.id, channel="MFN").order_by("seller_sku"))
    bin_id = (await BinRow.first()).id  # type: ignore[union-attr]
    for n, listing in enumerate(mfn):
        await StockLevelRow.get_or_create(
            article_id=listing.article_id, bin_id=bin_id, defaults={"on_hand": 30 + n}
        )
    await ListingRow.filter(account_id=row.id).update(stock_dirty=False)
    await ListingRow.filter(id__in=[m.id for m in mfn]).update(stock_dirty=True)
    return mfn


@pytest.mark.parametrize("path", ["feed", "patch"])
async def test_a_rejected_sku_is_shown_with_amazons_reason_and_not_marked_pushed(
    db, box, emu, path
):
    async with wired(emu, box) as w:
        row = w.accounts[0]
        connector = w.connectors[row.id]
        mfn = await _dirty_mfn(w, row)
        if path == "patch":
            mfn = mfn[:3]
            await ListingRow.filter(account_id=row.id).update(stock_dirty=False)
            await ListingRow.filter(id__in=[m.id for m in mfn]).update(stock_dirty=True)
        else:
            connector.options.patch_limit = 1
        refused = mfn[1]
        await _reject(emu, row.seller_id, refused.seller_sku)
        first = await push_dirty_stock(connector)
        emu.advance(3600)  # Amazon processes the feed
        second = await push_dirty_stock(connector)
    same_sku = [m.id for m in mfn if m.seller_sku == refused.seller_sku]  # every marketplace
    assert first.rejected + second.rejected == len(same_sku) >= 1
    assert first.listings + second.listings == len(mfn) - len(same_sku)
    for shown in await ListingRow.filter(id__in=same_sku):
        assert (shown.push_state, shown.push_code, shown.push_message) == (
            "rejected",
            CODE,
            MESSAGE,
        )
        assert shown.quantity_pushed is None  # never claimed as pushed
        assert not shown.stock_dirty  # the same push would be refused again: not retried
    others = await ListingRow.filter(id__in=[m.id for m in mfn if m.id not in same_sku])
    assert {o.push_state for o in others} == {"pushed"}
    assert all(o.quantity_pushed is not None for o in others)
    # the console's rejections screen: one row for the SKU, its marketplaces, Amazon's words
    markets = {MARKETPLACES[m.marketplace_id][0] for m in mfn if m.id in same_sku}
    assert [(r.sku, set(r.marketplaces), r.code, r.message) for r in await sku_rejections()] == [
        (refused.seller_sku, markets, CODE, MESSAGE)
    ]


async def test_stock_patches_name_the_listings_product_type_and_merge(db, box, emu):
    async with wired(emu, box) as w:
        row = w.accounts[0]
        connector = w.connectors[row.id]
        mfn = await _dirty_mfn(w, row)
        # A fresh process knows the type from the database, or asks Amazon when it does not.
        await ListingRow.filter(id=mfn[0].id).update(product_type="")
        connector.options.patch_limit = 1
        await push_dirty_stock(connector)
    feed = next(f for f in emu.state.feeds.values() if f.feed_type == "JSON_LISTINGS_FEED")
    sent = json.loads(emu.state.documents[feed.input_document_id].content)
    for message in sent["messages"]:
        amazon = emu.state.listings[(row.seller_id, message["sku"], row.marketplace_ids[0])]
        assert message["productType"] == amazon.product_type != "PRODUCT"
        assert [p["op"] for p in message["patches"]] == ["merge"]
    assert (await ListingRow.get(id=mfn[0].id)).product_type  # learnt and kept


async def test_an_invoice_amazon_does_not_accept_is_shown(db, box, emu):
    order_id = await shipped_fba_order(box, email=False)
    await OrderRow.filter(id=order_id).update(external_id="999-0000000-0000000")  # unknown there
    async with wired(emu, box) as w:
        connector = next(iter(w.connectors.values()))

        async def connector_for(account_id: int):  # type: ignore[no-untyped-def]
            return connector

        handlers = make_document_handlers(box, settings(), connector_for_account=connector_for)
        handlers.update(w.runner.handlers)
        runner = OutboxRunner(handlers, base_delay_s=0.01, max_delay_s=0.05)
        await OutboxJobRow.all().update(account_id=next(iter(w.connectors)))
        await runner.drain(kinds=[JobKind.ISSUE_INVOICE, JobKind.RENDER_DOCUMENT])
        await OutboxJobRow.all().update(account_id=next(iter(w.connectors)))
        await runner.drain(kinds=[JobKind.UPLOAD_INVOICE])
        check = await OutboxJobRow.get(kind=JobKind.CHECK_INVOICE_UPLOAD)
        emu.advance(3600)
        # the order's account is the emulator's seller here; due now rather than in 2 minutes
        await OutboxJobRow.filter(id=check.id).update(
            due_at=check.created_at, account_id=next(iter(w.connectors))
        )
        await runner.run_once(kinds=[JobKind.CHECK_INVOICE_UPLOAD])
    check = await OutboxJobRow.get(id=check.id)
    assert check.status == "dead", check.last_error
    assert "did not accept invoice RE-" in check.last_error
    assert "999-0000000-0000000 was not found" in check.last_error  # Amazon's own reason
    refused = await AuditEventRow.get(action="document.upload_rejected")
    assert refused.subject.startswith("document:")


async def test_sync_counts_rejections_and_listings_list_shows_them(db, emu, tmp_path):
    key = SecretBox.generate_key()
    box = SecretBox(key)
    async with wired(emu, box) as w:
        row = w.accounts[0]
        mfn = (await _dirty_mfn(w, row))[:2]
    await run_cli(db, key, tmp_path, "sync", "--once", "--json", "--no-listings")  # orders in
    emu.advance(3600)  # the emulator's clock is frozen: usage plans refill only when moved
    await ListingRow.all().update(stock_dirty=False)
    await ListingRow.filter(id__in=[m.id for m in mfn]).update(stock_dirty=True)
    await _reject(emu, row.seller_id, mfn[0].seller_sku)
    out = await run_cli(db, key, tmp_path, "sync", "--once", "--json", "--no-listings")
    counted = sum(c["stock_rejected"] for c in json.loads(out)["accounts"])
    same_sku = [m for m in mfn if m.seller_sku == mfn[0].seller_sku]  # in each marketplace
    assert counted == await ListingRow.filter(push_state="rejected").count() == len(same_sku)
    listed = json.loads(
        await run_cli(db, key, tmp_path, "listings", "list", "--json", "--rejected")
    )
    assert sorted((x["sku"], x["marketplace_id"], x["code"], x["message"]) for x in listed) == [
        (m.seller_sku, m.marketplace_id, CODE, MESSAGE)
        for m in sorted(same_sku, key=lambda m: m.marketplace_id)
    ]
    table = await run_cli(db, key, tmp_path, "listings", "list")
    assert f"[{CODE}]" in table and "rejected" in table  # a narrow table wraps the message
