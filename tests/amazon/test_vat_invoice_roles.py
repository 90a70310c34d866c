"""The VAT invoice data report's options as Amazon documents them, and the Tax Invoicing role on
the invoice uploads: a revoked role is named, and the invoice waits for it instead of being lost."""

from __future__ import annotations

import pytest

from core.channels.amazon.accounts import explain
from core.channels.amazon.client import documents
from core.channels.amazon.invoice_report import REPORT_TYPE, read_pending_view
from core.domain.outbox import JobKind, JobStatus
from core.persistence.models import DocumentRow, OutboxJobRow
from tests.amazon.support import wired
from tests.amazon.test_vat_invoice_report import (
    REASON,
    _emulator,
    invoiced_orders,
    uploaded_invoices,
)

pytestmark = pytest.mark.network
DE = "A1PA6795UKMFR9"


async def test_the_report_reads_its_options_as_amazon_documents_them(db, box, emu):
    """Amazon: pendingInvoices is the default; `ReportOption=All` asks for every status; other
    spellings are not Amazon's options (the emulator ignores them, so a client relying on one
    gets the default view and a test sees it)."""
    async with wired(emu, box) as w:
        row = w.accounts[0]
        refused, accepted = await uploaded_invoices(emu, w, box)
        await _emulator(
            emu,
            "/_emulator/vat-invoice-issues",
            {"seller_id": row.seller_id, "invoice_number": refused.number, "description": REASON},
        )
        client = w.connectors[row.id].client
        asked = {
            "default": None,
            "pending": {"ReportOption=pendingInvoices": "true"},
            "all": {"ReportOption=All": "true"},
            "not amazon's spelling": {"all": "true"},
        }
        ids = {
            name: await documents.create_report(client, REPORT_TYPE, [DE], options=options)
            for name, options in asked.items()
        }
        emu.advance(3600)
        seen = {}
        for name, report_id in ids.items():
            pending = await read_pending_view(client, report_id)
            assert pending is not None, name
            seen[name] = {p.invoice_number for p in pending if p.invoice_number}
    assert seen["default"] == {refused.number}, "the pending view is Amazon's default"
    assert seen["pending"] == {refused.number}
    assert {refused.number, accepted.number} <= seen["all"]
    assert seen["not amazon's spelling"] == {refused.number}


async def test_without_the_tax_invoicing_role_an_upload_waits_named_and_goes_once_granted(
    db, box, emu
):
    async with wired(emu, box) as w:
        row = w.accounts[0]
        runner = await invoiced_orders(emu, w, box)
        await _emulator(
            emu, "/_emulator/roles", {"seller_id": row.seller_id, "revoke": ["Tax Invoicing"]}
        )
        await runner.drain(kinds=[JobKind.UPLOAD_INVOICE])
        jobs = await OutboxJobRow.filter(kind=JobKind.UPLOAD_INVOICE)
        assert len(jobs) == 2
        # not dead, no attempt used: it waits, visibly, for the seller to grant the role
        assert {(j.status, j.attempts) for j in jobs} == {(JobStatus.NEEDS_CONFIG.value, 0)}
        assert all("'Tax Invoicing' role" in j.last_error for j in jobs), jobs[0].last_error
        assert not [f for f in emu.state.feeds.values() if f.feed_type == "UPLOAD_VAT_INVOICE"]
        assert await OutboxJobRow.filter(kind=JobKind.CHECK_INVOICE_UPLOAD).count() == 0

        await _emulator(
            emu, "/_emulator/roles", {"seller_id": row.seller_id, "grant": ["Tax Invoicing"]}
        )
        for job in jobs:  # the next recheck (every few minutes, or a runner starting)
            await OutboxJobRow.filter(id=job.id).update(due_at=job.created_at)
        await runner.drain(kinds=[JobKind.UPLOAD_INVOICE])
    assert {j.status for j in await OutboxJobRow.filter(kind=JobKind.UPLOAD_INVOICE)} == {
        JobStatus.DONE.value
    }
    uploaded = [f for f in emu.state.feeds.values() if f.feed_type == "UPLOAD_VAT_INVOICE"]
    numbers = {n for n in await DocumentRow.filter(kind="invoice").values_list("number", flat=True)}
    assert {f.options["metadata:InvoiceNumber"] for f in uploaded} == numbers  # each once


async def test_a_403_on_the_vat_report_or_an_upload_names_the_tax_invoicing_role(db, box, emu):
    async with wired(emu, box) as w:
        row = w.accounts[0]
        connector = w.connectors[row.id]
        await _emulator(
            emu, "/_emulator/roles", {"seller_id": row.seller_id, "revoke": ["Tax Invoicing"]}
        )
        try:
            await connector.upload_invoice("028-0000000-0000001", DE, "RE-1", b"%PDF", "1.00")
        except Exception as exc:  # what the sync and the outbox would explain
            upload = explain(exc, connector)
        else:
            pytest.fail("Amazon took an invoice upload without the Tax Invoicing role")
    assert "Tax Invoicing" in upload.summary, upload.summary
    assert "Orders/Inventory" not in upload.summary
    assert "Developer Central" in upload.advice
