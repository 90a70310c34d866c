"""A PLN/SEK invoice never goes out without its VAT in EUR: the rate is fetched, or the invoice waits.

Issue 12: an invoice in PLN issued while no ECB rate was stored silently left out the VAT in EUR
that § 14 Abs. 4 Nr. 8 with § 16 Abs. 6 UStG and Art. 230 VAT Directive require. Tests serve ECB's
own eurofxref XML from a local aiohttp server (port 0), the way www.ecb.europa.eu serves it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from aiohttp import web

from core.config import Settings
from core.documents.content import build_content
from core.documents.handlers import make_document_handlers
from core.domain.documents import DocumentKind
from core.domain.orders import Channel
from core.errors import RateMissing
from core.persistence.models import (
    AuditEventRow,
    DocumentRow,
    ExchangeRateRow,
    FulfilmentProfileRow,
    OrderLineRow,
    OrderRow,
    OutboxJobRow,
)
from core.services.claim import claim_order
from core.services.completion import PackedBox, complete_packing
from core.services.intake import upsert_orders
from core.services.outbox import OutboxRunner
from core.services.setup import ensure_basics
from core.sync.rates import keep_rates_fresh
from tests.documents.samples import ISSUED, line, order, seller
from tests.documents.support import AMAZON_SHIPPED_AT
from tests.support.factories import make_account, make_order

DAILY = (Path(__file__).parent / "data" / "eurofxref-daily.xml").read_bytes()  # 2026-11-27
PL = "A1C3SOZRARQ6R3"


@dataclass
class EcbFeed:
    """A stand-in for www.ecb.europa.eu: serves the daily file, or fails while `down`."""

    url: str
    down: bool = False
    hits: int = 0


@asynccontextmanager
async def ecb_feed() -> AsyncIterator[EcbFeed]:
    feed = EcbFeed("")

    async def daily(request: web.Request) -> web.Response:
        feed.hits += 1
        if feed.down:
            return web.Response(status=503, text="Service Unavailable")
        return web.Response(body=DAILY, content_type="text/xml")

    app = web.Application()
    app.router.add_get("/stats/eurofxref/eurofxref-daily.xml", daily)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    feed.url = f"http://127.0.0.1:{port}/stats/eurofxref/eurofxref-daily.xml"
    try:
        yield feed
    finally:
        await runner.cleanup()


def config(feed: EcbFeed) -> Settings:
    return Settings(company=seller(), documents={"ecb_url": feed.url, "rate_wait_s": 600})  # type: ignore[arg-type]


def outbox(box, cfg: Settings) -> OutboxRunner:  # type: ignore[no-untyped-def]
    return OutboxRunner(make_document_handlers(box, cfg), max_attempts=3)


def _polish(o):  # type: ignore[no-untyped-def]
    o.marketplace_id, o.currency = PL, "PLN"
    o.ship_to = replace(o.ship_to, country="PL", city="Warszawa", postcode="00-001")
    for ln in o.lines:
        ln.unit_price, ln.tax_rate = Decimal("123.00"), Decimal("23")
    return o


async def shipped_pln_fba_order(box) -> int:  # type: ignore[no-untyped-def]
    await ensure_basics("desk-1")
    await FulfilmentProfileRow.filter(channel="AFN").update(
        email_invoice=False, upload_invoice=False
    )
    account = await make_account(marketplaces=[PL])
    o = _polish(
        make_order(
            "403-1111111-2222222",
            account_id=account,
            channel=Channel.AFN,
            channel_status="Shipped",
            marketplace_id=PL,
            lines=[("MUG", 1)],
        )
    )
    o.shipped_at = AMAZON_SHIPPED_AT  # Sunday 2026-11-29: the rate of Friday the 27th applies
    await upsert_orders(account, [o], box)
    return (await OrderRow.get(external_id="403-1111111-2222222")).id


def test_an_invoice_in_pln_without_a_rate_is_refused_not_issued_without_eur() -> None:
    o = order([line(1, "123.00", rate="23")], marketplace=PL, country="PL", currency="PLN")
    with pytest.raises(RateMissing, match="PLN"):
        build_content(o, DocumentKind.INVOICE, "RE-2026-00042", ISSUED, seller())
    # a delivery note states no VAT, and a preview (no number) is no invoice: both need no rate
    build_content(o, DocumentKind.DELIVERY_NOTE, "LS-2026-00042", ISSUED, seller())
    assert build_content(o, DocumentKind.INVOICE, "", ISSUED, seller())["vat_eur"] is None


async def test_the_invoice_job_fetches_the_ecb_rate_itself(db, box):
    order_id = await shipped_pln_fba_order(box)
    assert await ExchangeRateRow.all().count() == 0
    async with ecb_feed() as feed:
        summary = await outbox(box, config(feed)).drain()
    assert summary.dead == 0 and feed.hits == 1
    invoice = await DocumentRow.get(order_id=order_id, kind="invoice")
    from core.documents.store import content_of

    content = content_of(invoice, box)
    assert content["totals"]["tax"] == "23.00"
    assert content["vat_eur"]["rate_date"] == "2026-11-27"
    assert content["vat_eur"]["per_eur"] == "4.281"
    assert content["vat_eur"]["tax"] == "5.37"  # 23.00 PLN / 4.2810


async def test_with_no_rate_to_be_had_the_invoice_waits_visibly_then_goes_out(db, box):
    order_id = await shipped_pln_fba_order(box)
    async with ecb_feed() as feed:
        feed.down = True
        summary = await outbox(box, config(feed)).drain()
        assert summary.dead == 0
        assert await DocumentRow.filter(order_id=order_id, kind="invoice").count() == 0
        job = await OutboxJobRow.get(kind="invoice.issue")
        assert job.status == "pending" and job.attempts == 0  # waiting is no failed attempt
        assert "ECB reference rate" in job.last_error and "PLN" in job.last_error
        assert "503" in job.last_error  # the owner sees why
        assert (job.due_at - datetime.now(UTC)).total_seconds() > 500  # rate_wait_s, not a spin

        feed.down = False
        await OutboxJobRow.filter(id=job.id).update(due_at=datetime.now(UTC))
        again = await outbox(box, config(feed)).drain()
    assert again.dead == 0
    assert (await OutboxJobRow.get(id=job.id)).status == "done"
    [invoice] = await DocumentRow.filter(order_id=order_id, kind="invoice")
    from core.documents.store import content_of

    assert content_of(invoice, box)["vat_eur"]["tax"] == "5.37"


async def test_packing_a_pln_order_without_a_rate_defers_its_invoice_to_a_waiting_job(db, box):
    await ensure_basics("desk-1")
    account = await make_account(marketplaces=[PL])
    o = _polish(make_order("403-9", account_id=account, marketplace_id=PL, lines=[("MUG", 2)]))
    await upsert_orders(account, [o], box)
    order_id = (await OrderRow.get(external_id="403-9")).id
    await claim_order(order_id, "desk-1", "anna")
    [line_id] = [ln.id for ln in await OrderLineRow.filter(order_id=order_id)]
    packed_at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    await complete_packing(
        order_id,
        [PackedBox({line_id: 1}, tracking_number="00340434161094042557")],
        station="desk-1",
        packer="anna",
        company=seller(),
        box=box,
        partial=True,
        now=packed_at,
    )
    # The parcel leaves with its delivery note; the invoice waits for its rate, visibly.
    kinds = await DocumentRow.filter(order_id=order_id).values_list("kind", flat=True)
    assert kinds == ["delivery_note"]
    assert await AuditEventRow.filter(action="invoice.waiting_for_rate").count() == 1
    async with ecb_feed() as feed:
        feed.down = True
        await outbox(box, config(feed)).drain(kinds=["invoice.issue"])
        assert await DocumentRow.filter(order_id=order_id, kind="invoice").count() == 0
        job = await OutboxJobRow.get(kind="invoice.issue")
        assert "ECB reference rate" in job.last_error
        feed.down = False
        await OutboxJobRow.filter(id=job.id).update(due_at=datetime.now(UTC))
        await outbox(box, config(feed)).drain(kinds=["invoice.issue"])
    [invoice] = await DocumentRow.filter(order_id=order_id, kind="invoice")
    from core.documents.store import content_of

    content = content_of(invoice, box)
    shipment = await DocumentRow.get(order_id=order_id, kind="delivery_note")
    assert invoice.shipment_id == shipment.shipment_id  # the invoice of that parcel, no more
    assert [ln["quantity"] for ln in content["lines"] if ln["kind"] == "item"] == [1]
    assert content["totals"]["gross"] == "123.00"
    assert content["delivery_date"] == "2026-11-30"  # the day it was packed, not the day issued
    assert content["vat_eur"]["rate_date"] == "2026-11-27"


async def test_the_sync_keeps_rates_fresh_without_anyone_asking(db):
    async with ecb_feed() as feed:
        stop, refreshed = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(
            keep_rates_fresh(feed.url, every_s=3600, stop=stop, refreshed=refreshed)
        )
        try:
            await asyncio.wait_for(refreshed.wait(), 20)
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)
    row = await ExchangeRateRow.get(currency="PLN")
    assert (row.day, Decimal(row.per_eur)) == (date(2026, 11, 27), Decimal("4.2810"))
