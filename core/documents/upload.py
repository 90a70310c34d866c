"""What Amazon's VAT invoice upload (UPLOAD_VAT_INVOICE) is told besides the PDF.

Amazon's documented metadata (reference/sp-api.md §6.1): `DocumentType` is `Invoice` or
`CreditNote`, `TotalAmount` and `TotalVATAmount` are the document's gross and VAT, and a credit
note carries the `TransactionId` of the refund it documents. Packdesk keeps the refund's id in the
credit note's content when the channel reported one (`transaction_id`); a credit note for a
cancellation without a refund record is identified by its own number.
"""

from __future__ import annotations

from typing import Any

from core.domain.documents import DocumentKind


def upload_facts(content: dict[str, Any]) -> dict[str, str]:
    """The `metadata:` keys (without the prefix) for the document whose snapshot is `content`."""
    credit = content["kind"] == DocumentKind.CREDIT_NOTE.value
    facts = {
        "DocumentType": "CreditNote" if credit else "Invoice",
        "TotalAmount": str(content["totals"]["gross"]),
        "TotalVATAmount": str(content["totals"]["tax"]),
    }
    if credit:
        facts["TransactionId"] = str(content.get("transaction_id") or content["number"])
    return facts
