"""The VAT invoice data report read back: invoices Amazon did not accept are shown in its words."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from core.channels.amazon.invoice_report import MissingRole, PendingInvoice
from core.channels.amazon.invoice_verdicts import FEED_PROCESSED, judge_uploads, record_verdict
from core.documents.handlers import make_document_handlers
from core.domain.documents import DocumentKind
from core.domain.orders import Channel
from core.domain.outbox import JobKind
from core.persistence.models import DocumentRow, FulfilmentProfileRow, OrderRow, OutboxJobRow
from core.security import SecretBox
from core.services.intake import upsert_orders
from core.services.outbox import OutboxRunner
from core.services.queries.rejections import invoice_rejections, rejected_invoice_counts
from core.services.setup import ensure_basics
from core.sync.vat_invoices import check_vat_invoices
from tests.amazon.support import Wired, run_cli, wired
from tests.documents.support import AMAZON_SHIPPED_AT, settings
from tests.support.factories import make_order

pytestmark = pytest.mark.network
PDF = b"%PDF-1.4\n%%EOF\n"
REASON = "Die Rechnungsnummer RE-… wurde bereits für eine andere Sendung verwendet."


async def _emulator(emu: Any, path: str, body: dict[str, Any]) -> None:
    async with aiohttp.ClientSession() as http, http.post(f"{emu.url}{path}", json=body) as resp:
        assert resp.status == 200, await resp.text()


async def invoiced_orders(emu: Any, w: Wired, box: SecretBox) -> OutboxRunner:
    """Two shipped FBA orders of the emulator's first seller, invoiced; their uploads are queued
    (the runner returned runs them)."""
    row = w.accounts[0]
    await ensure_basics("desk-1")
    await FulfilmentProfileRow.filter(channel="AFN").update(
        email_invoice=False, upload_invoice=True
    )
    shipped = [
        o
        for o in sorted(emu.state.orders.values(), key=lambda o: o.order_id)
        if o.seller_id == row.seller_id
        and o.marketplace_id == "A1PA6795UKMFR9"
        and all(i.quantity_shipped for i in o.items)
    ][:2]
    assert len(shipped) == 2
    for o in shipped:
        order = make_order(
            o.order_id, account_id=row.id, channel=Channel.AFN, channel_status="Shipped"
        )
        order.shipped_at = AMAZON_SHIPPED_AT
        await upsert_orders(row.id, [order], box)
    connector = w.connectors[row.id]

    async def connector_for(account_id: int):  # type: ignore[no-untyped-def]
        return connector

    handlers = make_document_handlers(box, settings(), connector_for_account=connector_for)
    handlers.update(w.runner.handlers)
    runner = OutboxRunner(handlers, base_delay_s=0.01, max_delay_s=0.05)
    await runner.drain(kinds=[JobKind.ISSUE_INVOICE, JobKind.RENDER_DOCUMENT])
    return runner


async def uploaded_invoices(emu: Any, w: Wired, box: SecretBox) -> list[DocumentRow]:
    """`invoiced_orders`, both uploaded; Amazon has processed both uploads (feed results read)."""
    runner = await invoiced_orders(emu, w, box)
    await runner.drain(kinds=[JobKind.UPLOAD_INVOICE])
    emu.advance(3600)  # Amazon processes the uploads
    checks = await OutboxJobRow.filter(kind=JobKind.CHECK_INVOICE_UPLOAD)
    assert len(checks) == 2
    for check in checks:
        await OutboxJobRow.filter(id=check.id).update(due_at=check.created_at)
    await runner.drain(kinds=[JobKind.CHECK_INVOICE_UPLOAD])
    assert {j.status for j in await OutboxJobRow.filter(kind=JobKind.CHECK_INVOICE_UPLOAD)} == {
        "done"
    }  # the feeds themselves went through: only the report can tell
    return list(await DocumentRow.filter(kind="invoice").order_by("number"))


async def test_an_invoice_amazon_rejects_is_shown_with_its_status_and_description(db, box, emu):
    async with wired(emu, box) as w:
        row = w.accounts[0]
        refused, accepted = await uploaded_invoices(emu, w, box)
        await _emulator(
            emu,
            "/_emulator/vat-invoice-issues",
            {"seller_id": row.seller_id, "invoice_number": refused.number, "description": REASON},
        )
        connector = w.connectors[row.id]
        first = await check_vat_invoices(connector)  # asks for the report
        assert first.not_accepted == []
        emu.advance(3600)  # Amazon makes it
        judged = await check_vat_invoices(connector)
    assert judged.not_accepted == [refused.number]
    assert judged.accepted == 1
    [shown] = await invoice_rejections()
    # Amazon's words, verbatim: its status value is not interpreted, its description not shortened
    assert (shown.number, shown.status, shown.description) == (
        refused.number,
        "InvoiceRejected",
        REASON,
    )
    assert shown.source == "report" and shown.marketplace == "DE"
    assert accepted.number not in {r.number for r in await invoice_rejections()}
    assert await rejected_invoice_counts() == {row.id: 1}
    report = next(r for r in emu.state.reports.values() if "VAT" in r.report_type)
    assert report.options == {"ReportOption=pendingInvoices": "true"}


async def test_an_accepted_invoice_the_pending_view_names_later_is_shown_again(db, box, emu):
    async with wired(emu, box) as w:
        row = w.accounts[0]
        _, second = await uploaded_invoices(emu, w, box)
        connector = w.connectors[row.id]
        await check_vat_invoices(connector)
        emu.advance(3600)
        assert (await check_vat_invoices(connector)).accepted == 2
        await _emulator(
            emu,
            "/_emulator/vat-invoice-issues",
            {"seller_id": row.seller_id, "invoice_number": second.number, "description": REASON},
        )
        await check_vat_invoices(connector, every=timedelta(0))  # the next scheduled ask
        emu.advance(3600)
        judged = await check_vat_invoices(connector, every=timedelta(hours=12))
    assert judged.not_accepted == [second.number]
    assert [(r.number, r.description) for r in await invoice_rejections()] == [
        (second.number, REASON)
    ]


async def test_without_the_tax_invoicing_role_the_cycle_goes_on_and_says_what_is_missing(
    db, box, emu
):
    async with wired(emu, box) as w:
        row = w.accounts[0]
        await uploaded_invoices(emu, w, box)
        await _emulator(
            emu, "/_emulator/roles", {"seller_id": row.seller_id, "revoke": ["Tax Invoicing"]}
        )
        connector = w.connectors[row.id]
        with pytest.raises(MissingRole) as denied:
            await check_vat_invoices(connector)
        assert "'Tax Invoicing' role" in str(denied.value)
        emu.advance(3600)
        await check_vat_invoices(connector)  # asked again only at the next scheduled time
        w.worker.vat_report_every_s = 0.0  # due now, in a whole cycle
        cycle = await w.worker.sync_account(connector)
    assert not cycle.failed, cycle.problems
    assert cycle.health == "ok"
    assert "lacks the restricted 'Tax Invoicing' role" in cycle.reason
    assert cycle.orders_new > 0  # the other steps ran
    assert await invoice_rejections() == []
    asked = [r for r in emu.state.reports.values() if "VAT" in r.report_type]
    assert asked == []  # Amazon refused every ask


async def test_sync_counts_the_invoices_amazon_did_not_accept_and_documents_rejected_lists_them(
    db, emu, tmp_path
):
    key = SecretBox.generate_key()
    box = SecretBox(key)
    async with wired(emu, box) as w:
        row = w.accounts[0]
        refused, _ = await uploaded_invoices(emu, w, box)
    # the sync's own intake issues invoices for the orders it imports: they are not uploaded here
    await FulfilmentProfileRow.all().update(upload_invoice=False)
    await _emulator(
        emu,
        "/_emulator/vat-invoice-issues",
        {"seller_id": row.seller_id, "invoice_number": refused.number, "description": REASON},
    )
    first = json.loads(
        await run_cli(db, key, tmp_path, "sync", "--once", "--json", "--no-listings")
    )
    assert first["invoices_rejected"] == 0  # the report is asked for; Amazon makes it meanwhile
    emu.advance(3600)
    out = json.loads(await run_cli(db, key, tmp_path, "sync", "--once", "--json", "--no-listings"))
    assert out["invoices_rejected"] == 1
    assert [a["invoices_rejected"] for a in out["accounts"] if a["account"] == row.name] == [1]
    listed = json.loads(await run_cli(db, key, tmp_path, "documents", "rejected", "--json"))
    assert [(x["number"], x["status"], x["description"]) for x in listed] == [
        (refused.number, "InvoiceRejected", REASON)
    ]
    table = await run_cli(db, key, tmp_path, "documents", "rejected")
    assert refused.number[:8] in table and "Amazon says" in table  # a narrow table wraps cells


async def test_an_order_shipped_in_two_parcels_has_only_the_rejected_parcels_invoice_shown(
    db, box, emu
):
    """Each parcel has its own invoice and its own shipment in the report (shipping-id): the
    one Amazon refused is shown, the other parcel's invoice is accepted."""
    async with wired(emu, box) as w:
        row = w.accounts[0]
        connector = w.connectors[row.id]
        o = next(
            o
            for o in sorted(emu.state.orders.values(), key=lambda o: o.order_id)
            if o.seller_id == row.seller_id
            and o.marketplace_id == "A1PA6795UKMFR9"
            and all(i.quantity_shipped for i in o.items)
        )
        order = make_order(o.order_id, account_id=row.id, channel_status="Shipped")
        await upsert_orders(row.id, [order], box)
        order_row = await OrderRow.get(external_id=o.order_id)
        parcels = []
        for number in ("RE-PARCEL-1", "RE-PARCEL-2"):
            doc = await DocumentRow.create(
                kind="invoice",
                number=number,
                order_id=order_row.id,
                issued_at=AMAZON_SHIPPED_AT,
                content={},
            )
            await connector.upload_invoice(o.order_id, "A1PA6795UKMFR9", number, PDF, "10.00")
            parcels.append(doc)
        emu.advance(3600)  # Amazon processes both uploads; their feeds went through
        for doc in parcels:
            await record_verdict(
                doc.id, accepted=True, status="", description="", source=FEED_PROCESSED
            )
        await _emulator(
            emu,
            "/_emulator/vat-invoice-issues",
            {"seller_id": row.seller_id, "invoice_number": "RE-PARCEL-1", "description": REASON},
        )
        await check_vat_invoices(connector)
        emu.advance(3600)
        judged = await check_vat_invoices(connector)
    assert judged.not_accepted == ["RE-PARCEL-1"]
    assert judged.accepted == 1
    assert [r.number for r in await invoice_rejections()] == ["RE-PARCEL-1"]


async def test_a_refund_row_without_a_number_names_only_the_credit_note_of_its_transaction(
    db, box, emu
):
    """Amazon's row for a refund whose credit note it lacks carries the refund's transaction-id:
    of an order's two credit notes only the one uploaded with that TransactionId is shown."""
    async with wired(emu, box) as w:
        row = w.accounts[0]
        await upsert_orders(row.id, [make_order("302-7777777-0000001", account_id=row.id)], box)
        order_row = await OrderRow.get(external_id="302-7777777-0000001")
        notes = []
        for number, transaction in (("GS-1", "amzn-refund-1"), ("GS-2", "amzn-refund-2")):
            doc = await DocumentRow.create(
                kind=DocumentKind.CREDIT_NOTE.value,
                number=number,
                order_id=order_row.id,
                issued_at=AMAZON_SHIPPED_AT,
                content={"kind": DocumentKind.CREDIT_NOTE.value, "transaction_id": transaction},
            )
            await record_verdict(
                doc.id, accepted=True, status="", description="", source=FEED_PROCESSED
            )
            notes.append(doc)
        refund = PendingInvoice(
            order_id="302-7777777-0000001",
            shipping_id="D777000001",
            transaction_type="Refund",
            transaction_id="amzn-refund-2",
            invoice_number="",  # Amazon has no credit note for this refund
            status="InvoicePending",
            description=REASON,
        )
        judged = await judge_uploads(row.id, [refund], datetime.now(UTC), "R-1")
    assert judged.not_accepted == ["GS-2"]
    assert judged.accepted == 1
