"""A credit note reaches Amazon's VAT invoice upload as a credit note, with its VAT and transaction."""

from __future__ import annotations

import pytest

from core.documents.upload import upload_facts
from tests.amazon.support import wired

pytestmark = pytest.mark.network

CREDIT = {
    "kind": "credit_note",
    "number": "GS-2026-00001",
    "totals": {"gross": "119.00", "tax": "19.00"},
    "transaction_id": "amzn1.refund.0001",
}


async def test_credit_note_upload_carries_document_type_vat_and_transaction(db, box, emu):
    async with wired(emu, box) as w:
        row = w.accounts[0]
        await w.connectors[row.id].upload_invoice(
            "302-1234567-1234567",
            row.marketplace_ids[0],
            CREDIT["number"],
            b"%PDF-1.7 test",
            "119.00",
            upload_facts(CREDIT),
        )
    feed = next(f for f in emu.state.feeds.values() if f.feed_type == "UPLOAD_VAT_INVOICE")
    meta = {k.lower(): v for k, v in feed.options.items()}
    assert meta["metadata:documenttype"] == "CreditNote"
    assert meta["metadata:totalvatamount"] == "19.00"
    assert meta["metadata:transactionid"] == "amzn1.refund.0001"
    assert meta["metadata:invoicenumber"] == "GS-2026-00001"


def test_invoice_facts_have_the_vat_and_no_transaction() -> None:
    facts = upload_facts({**CREDIT, "kind": "invoice", "number": "RE-1"})
    assert facts == {"DocumentType": "Invoice", "TotalAmount": "119.00", "TotalVATAmount": "19.00"}
