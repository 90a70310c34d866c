"""The paperwork without anyone touching it: FBA invoices, credit notes, printing, immutability."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from core.config import CompanySettings
from core.documents.handlers import make_document_handlers
from core.documents.store import get_document, original_pdf
from core.errors import ConflictError
from core.persistence.models import AuditEventRow, DocumentRow, OrderLineRow, OrderRow, OutboxJobRow
from core.services.claim import claim_order
from core.services.completion import PackedBox, complete_packing
from core.services.intake import upsert_orders
from core.services.invoicing import issue_credit_note, issue_invoice
from core.services.outbox import OutboxRunner
from core.services.setup import ensure_basics
from tests.documents.samples import pdf_text, seller
from tests.documents.support import (
    FakeConnector,
    FakeMailer,
    FakePrinter,
    settings,
    shipped_fba_order,
)
from tests.support.factories import make_account, make_order


def runner(box, mailer=None, connector=None, printer=None, cfg=None) -> OutboxRunner:  # type: ignore[no-untyped-def]
    async def connector_for(account_id: int) -> FakeConnector:
        return connector

    handlers = make_document_handlers(
        box,
        cfg or settings(),
        mailer=mailer,
        print_port=printer,
        connector_for_account=connector_for if connector else None,
    )
    return OutboxRunner(handlers, max_attempts=3)


async def test_fba_order_is_invoiced_mailed_uploaded_and_done(db, box):
    order_id = await shipped_fba_order(box)
    mailer, amazon = FakeMailer(), FakeConnector()

    summary = await runner(box, mailer, amazon).drain()

    assert summary.dead == 0
    order = await OrderRow.get(id=order_id)
    assert order.status == "done"
    invoice = await DocumentRow.get(order_id=order_id, kind="invoice")
    assert invoice.number.startswith("RE-")
    [(to, subject, _, [attachment])] = mailer.sent
    assert to.endswith("@marketplace.amazon.de")
    assert subject.startswith(f"Ihre Rechnung {invoice.number}")
    [(external_id, _, number, pdf, total)] = amazon.uploads
    assert (external_id, number, total) == ("305-1111111-2222222", invoice.number, "59.97")
    assert attachment.data == pdf == await original_pdf(invoice, box)
    assert "Åsa Öberg" in pdf_text(pdf)
    # personal data rests sealed: neither the stored content nor the stored PDF shows the name
    assert "Öberg" not in json.dumps(invoice.content, ensure_ascii=False)
    assert invoice.pdf is not None and not bytes(invoice.pdf).startswith(b"%PDF")

    again = await runner(box, mailer, amazon).drain()
    assert again.done == 0 and len(mailer.sent) == 1 and len(amazon.uploads) == 1


async def test_fba_without_mail_or_upload_is_done_when_invoiced(db, box):
    order_id = await shipped_fba_order(box, email=False, upload=False)
    await runner(box).drain()
    assert (await OrderRow.get(id=order_id)).status == "done"
    assert await DocumentRow.filter(order_id=order_id, kind="invoice").count() == 1


async def test_a_second_mail_job_for_the_same_document_sends_nothing(db, box):
    order_id = await shipped_fba_order(box, upload=False)
    mailer = FakeMailer()
    await runner(box, mailer).drain()
    invoice = await DocumentRow.get(order_id=order_id, kind="invoice")
    handler = make_document_handlers(box, settings(), mailer=mailer)["mail.invoice"]
    job = OutboxJobRow(kind="mail.invoice", key="again", payload={"document_id": invoice.id})
    from core.services.outbox import to_job

    await handler(to_job(job))
    assert len(mailer.sent) == 1
    assert await AuditEventRow.filter(action="document.mailed").count() == 1


async def test_missing_company_settings_wait_then_run_once_fixed(db, box):
    # Issue 18: `sync` before [company] was filled in killed every FBA invoice job, and fixing
    # the config did not bring them back. Now they wait, visibly, and run with the fixed config.
    order_id = await shipped_fba_order(box)
    cfg = settings()
    cfg.company = CompanySettings(name="Muster Handel GmbH", street="Musterweg 1",
                                  postcode="10115", city="Berlin")  # fmt: skip
    summary = await runner(box, FakeMailer(), FakeConnector(), cfg=cfg).drain()
    assert summary.dead == 0 and summary.needs_config == 1
    job = await OutboxJobRow.get(kind="invoice.issue")
    assert job.status == "needs_config" and "company.vat_id" in job.last_error
    assert job.attempts == 0  # waiting for a person is no failed attempt
    assert (await OrderRow.get(id=order_id)).status == "imported"
    # The seller fills in [company]; the next sync (a new runner) issues the invoice at once.
    fixed = await runner(box, FakeMailer(), FakeConnector()).drain()
    assert fixed.needs_config == 0 and fixed.dead == 0
    assert (await OutboxJobRow.get(kind="invoice.issue")).status == "done"
    assert (await OrderRow.get(id=order_id)).status != "imported"


async def test_stored_original_is_returned_forever(db, box):
    order_id = await shipped_fba_order(box, email=False, upload=False)
    issued = await issue_invoice(order_id, company=seller(), box=box)
    row = await get_document(issued.document_id)
    first = await original_pdf(row, box)
    # even if the seller's settings change later, the issued invoice stays as it was
    row2 = await get_document(issued.document_id)
    assert await original_pdf(row2, box) == first
    with pytest.raises(ConflictError, match="already has invoice"):
        await issue_invoice(order_id, company=seller(), box=box)


async def test_credit_note_refers_to_the_invoice(db, box):
    order_id = await shipped_fba_order(box, email=False, upload=False)
    issued = await issue_invoice(order_id, company=seller(), box=box)
    credit = await issue_credit_note(issued.document_id, "Rücksendung", company=seller(), box=box)

    assert credit.number.startswith("GS-")
    row = await get_document(credit.document_id)
    assert row.refers_to_id == issued.document_id and row.kind == "credit_note"
    text = pdf_text(await original_pdf(row, box))
    assert (
        issued.number in text
        and "Rücksendung" in text
        and "Korrekturbetrag (erstattet) 59,97 €" in text
    )
    with pytest.raises(ConflictError, match="credited already"):
        await issue_credit_note(issued.document_id, "again", company=seller(), box=box)


async def test_packing_prints_delivery_note_and_invoice_as_one_job(db, box):
    await ensure_basics("desk-1")
    account = await make_account()
    await upsert_orders(account, [make_order("302-9", account_id=account)], box)
    order_id = (await OrderRow.get(external_id="302-9")).id
    await claim_order(order_id, "desk-1", "anna")
    line_ids = [ln.id for ln in await OrderLineRow.filter(order_id=order_id)]
    await complete_packing(
        order_id,
        [PackedBox(dict.fromkeys(line_ids, 1), tracking_number="00340434161094042557")],
        station="desk-1",
        packer="anna",
        company=seller(),
        box=box,
    )
    printer = FakePrinter()
    await runner(box, printer=printer).drain(kinds=["documents.render"])

    [job] = printer.jobs.values()
    assert job.station == "desk-1" and job.content_type == "application/pdf"
    pages = PdfReader(io.BytesIO(job.payload)).pages
    assert len(pages) == 2
    assert "Lieferschein" in (pages[0].extract_text() or "")
    assert "Rechnung" in (pages[1].extract_text() or "")


async def test_a_damaged_rendering_is_never_sealed_as_the_original(db, box, monkeypatch):
    from core.documents import store
    from core.documents.integrity import DamagedDocument

    order_id = await shipped_fba_order(box, email=False, upload=False)
    issued = await issue_invoice(order_id, company=seller(), box=box)
    real = store.render_pdf
    monkeypatch.setattr(store, "render_pdf", lambda content: real(content)[:-400])
    with pytest.raises(DamagedDocument):
        await original_pdf(await get_document(issued.document_id), box)
    assert (await get_document(issued.document_id)).pdf is None
    monkeypatch.setattr(store, "render_pdf", real)
    assert pdf_text(await original_pdf(await get_document(issued.document_id), box))


async def test_credit_note_goes_to_amazon_as_a_credit_note_with_vat_and_transaction(db, box):
    order_id = await shipped_fba_order(box, email=False, upload=True)
    amazon = FakeConnector()
    await runner(box, connector=amazon).drain()
    invoice = await DocumentRow.get(order_id=order_id, kind="invoice")
    credit = await issue_credit_note(
        invoice.id, "Rücksendung", company=seller(), box=box, transaction_id="amzn1.refund.7"
    )
    await runner(box, connector=amazon).drain()

    assert [u[2] for u in amazon.uploads] == [invoice.number, credit.number]
    first, second = amazon.facts
    assert first["DocumentType"] == "Invoice" and first["TotalVATAmount"] == "9.58"
    assert second["DocumentType"] == "CreditNote"
    assert second["TotalAmount"] == "59.97" and second["TotalVATAmount"] == "9.58"
    assert second["TransactionId"] == "amzn1.refund.7"


async def test_a_credit_note_without_a_refund_record_names_the_invoice_it_corrects(db, box):
    # Issue 12: with no refund transaction known (an order cancelled after invoicing), the upload
    # sent the credit note's own number as TransactionId, which identifies nothing Amazon holds.
    order_id = await shipped_fba_order(box, email=False, upload=True)
    amazon = FakeConnector()
    await runner(box, connector=amazon).drain()
    invoice = await DocumentRow.get(order_id=order_id, kind="invoice")
    credit = await issue_credit_note(
        invoice.id, "Order cancelled at the sales channel", company=seller(), box=box
    )
    await runner(box, connector=amazon).drain()

    _, second = amazon.facts
    assert second["DocumentType"] == "CreditNote"
    assert second["TransactionId"] == invoice.number != credit.number
