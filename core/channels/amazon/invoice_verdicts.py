"""Amazon's verdict on each uploaded invoice, stored in one place (`InvoiceVerdictRow`).

Two answers feed it: the upload's processing result (a feed Amazon refused outright) and the VAT
invoice data report's pending view (an invoice Amazon took in and then did not accept).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q

from core.channels.amazon.invoice_report import PendingInvoice
from core.documents.upload import transaction_reference
from core.domain.documents import DocumentKind
from core.persistence.models import DocumentRow, InvoiceVerdictRow, OrderRow

UPLOAD_ACCEPTED = "document.upload_accepted"  # the feed was processed without an error
UPLOAD_REJECTED = "document.upload_rejected"
# `source`: the upload's own result refused it ("upload"); its feed was processed without an
# error and the report's word is awaited ("feed", accepted so far); the report judged it ("report")
REFUSED_BY_UPLOAD, FEED_PROCESSED, BY_REPORT = "upload", "feed", "report"


async def record_verdict(
    document_id: int,
    *,
    accepted: bool,
    status: str,
    description: str,
    source: str,
    report_id: str = "",
) -> None:
    """Keep what Amazon last said about this document (one row per document)."""
    values: dict[str, Any] = {
        "accepted": accepted,
        "status": status[:64],
        "description": description[:1000],
        "source": source,
        "report_id": report_id,
        "checked_at": datetime.now(UTC),
    }
    if not await InvoiceVerdictRow.filter(document_id=document_id).update(**values):
        await InvoiceVerdictRow.create(document_id=document_id, **values)


@dataclass
class Judged:
    """What one pending view said about the account's uploaded invoices."""

    accepted: int = 0
    not_accepted: list[str] = field(default_factory=list)  # invoice numbers


async def has_processed_uploads(account_id: int) -> bool:
    """Whether Amazon processed any invoice upload of the account: its verdict rows are the index
    of processed uploads (the audit trail keeps the history, but is no index of it)."""
    return await InvoiceVerdictRow.filter(document__order__account_id=account_id).exists()


async def judge_uploads(
    account_id: int, pending: list[PendingInvoice], requested_at: datetime, report_id: str
) -> Judged:
    """Every invoice of the account whose upload Amazon had processed before the report was
    asked for: still in the pending view → not accepted (Amazon's words kept); gone → accepted.

    An invoice whose upload was still being processed is left for the next report. A refusal
    the upload's own result gave stays as it is (the report cannot know more about it); an
    accepted invoice is judged again only if a later pending view names it.
    """
    # A refusal the upload's own result gave is settled; an invoice a report once accepted is
    # looked at again only when the pending view names it: each report judges the rest (the
    # uploads whose feed Amazon had processed before the report was asked for).
    by_number = {p.invoice_number: p for p in pending if p.invoice_number}
    # Two lookups, each on its own index: the open verdicts (few) and the named documents.
    open_ids = await InvoiceVerdictRow.filter(
        Q(source=FEED_PROCESSED, checked_at__lt=requested_at)
        | Q(source=BY_REPORT, accepted=False),  # still not accepted, or accepted since
    ).values_list("document_id", flat=True)
    named = await InvoiceVerdictRow.filter(
        source=BY_REPORT, accepted=True, document__number__in=list(by_number)
    ).values_list("document_id", flat=True)
    if not open_ids and not named:
        return Judged()
    docs = await DocumentRow.filter(id__in=[*open_ids, *named])
    orders = {
        o.id: o.external_id
        for o in await OrderRow.filter(
            id__in=[d.order_id for d in docs], account_id=account_id
        ).only("id", "external_id")
    }
    # A row without an invoice number is matched by the id it carries where Packdesk sent that
    # id: a refund's transaction-id is the credit note's uploaded TransactionId. A shipment's
    # shipping-id is Amazon's own (the upload sends none), so such a row can only name the order.
    # A row whose id names none of these credit notes can only name its order.
    references = {
        (orders[d.order_id], transaction_reference(d.content))
        for d in docs
        if d.order_id in orders and d.kind == DocumentKind.CREDIT_NOTE
    }
    unnumbered = [p for p in pending if not p.invoice_number]
    by_transaction = {
        (p.order_id, p.transaction_id): p
        for p in unnumbered
        if p.is_credit and (p.order_id, p.transaction_id) in references
    }
    by_order = {
        (p.order_id, p.is_credit): p
        for p in unnumbered
        if (p.order_id, p.transaction_id) not in by_transaction
    }
    judged = Judged()
    for doc in docs:
        if doc.order_id not in orders:
            continue  # another account's invoice
        credit = doc.kind == DocumentKind.CREDIT_NOTE
        order_id = orders[doc.order_id]
        reference = transaction_reference(doc.content) if credit else ""
        found = (
            by_number.get(doc.number)
            or by_transaction.get((order_id, reference))
            or by_order.get((order_id, credit))
        )
        if found is None:
            judged.accepted += 1
        else:
            judged.not_accepted.append(doc.number)
        await record_verdict(
            doc.id,
            accepted=found is None,
            status=found.status if found else "",
            description=found.description if found else "",
            source=BY_REPORT,
            report_id=report_id,
        )
    return judged


__all__ = [
    "BY_REPORT",
    "FEED_PROCESSED",
    "REFUSED_BY_UPLOAD",
    "UPLOAD_ACCEPTED",
    "UPLOAD_REJECTED",
    "Judged",
    "has_processed_uploads",
    "judge_uploads",
    "record_verdict",
]
