"""What Amazon's VAT invoice upload (UPLOAD_VAT_INVOICE) is told besides the PDF.

Amazon's documented metadata (reference/sp-api.md §6.1): `DocumentType` is `Invoice` or
`CreditNote`, `TotalAmount` and `TotalVATAmount` are the document's gross and VAT, and a credit
note carries a `TransactionId` that ties it to what it corrects: Amazon's refund transaction
where the channel reported one (kept in the content as `transaction_id`), else the number of the
invoice it corrects (`refers_to`), which Amazon holds from that invoice's upload. Never the
credit note's own number: Amazon knows no transaction by it.
"""

from __future__ import annotations

from typing import Any

from core.domain.documents import DocumentKind


def transaction_reference(content: dict[str, Any]) -> str:
    """The `TransactionId` a credit note is uploaded with ("" if it names none)."""
    return str(content.get("transaction_id") or content.get("refers_to") or "")


def upload_facts(content: dict[str, Any]) -> dict[str, str]:
    """The `metadata:` keys (without the prefix) for the document whose snapshot is `content`."""
    credit = content["kind"] == DocumentKind.CREDIT_NOTE.value
    facts = {
        "DocumentType": "CreditNote" if credit else "Invoice",
        "TotalAmount": str(content["totals"]["gross"]),
        "TotalVATAmount": str(content["totals"]["tax"]),
    }
    if credit:
        reference = transaction_reference(content)
        if not reference:
            raise ValueError(f"Credit note {content['number']} names no invoice it corrects.")
        facts["TransactionId"] = str(reference)
    return facts
