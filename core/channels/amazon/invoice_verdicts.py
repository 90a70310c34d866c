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
from core.domain.documents import DocumentKind
from core.persistence.models import AuditEventRow, DocumentRow, InvoiceVerdictRow, OrderRow

UPLOAD_ACCEPTED = "document.upload_accepted"  # the feed was processed without an error
UPLOAD_REJECTED = "document.upload_rejected"


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


def _document_ids(subjects: Any) -> list[int]:
    """Document ids of audit subjects like `document:42`."""
    return [int(str(s).split(":", 1)[1]) for s in subjects if str(s).startswith("document:")]


async def processed_uploads() -> list[int]:
    """Documents whose upload Amazon processed without an error in the feed itself."""
    return _document_ids(
        await AuditEventRow.filter(action=UPLOAD_ACCEPTED).values_list("subject", flat=True)
    )


async def judge_uploads(
    account_id: int, pending: list[PendingInvoice], requested_at: datetime, report_id: str
) -> Judged:
    """Every invoice of the account whose upload Amazon had processed before the report was
    asked for: still in the pending view → not accepted (Amazon's words kept); gone → accepted.

    An invoice whose upload was still being processed is left for the next report. A refusal
    the upload's own result gave stays as it is (the report cannot know more about it); an
    accepted invoice is judged again only if a later pending view names it.
    """
    processed = await AuditEventRow.filter(action=UPLOAD_ACCEPTED, at__lt=requested_at).values_list(
        "subject", flat=True
    )
    ids = _document_ids(processed)
    if not ids:
        return Judged()
    # A refusal the upload's own result gave is settled; an invoice a report once accepted is
    # looked at again only when the pending view names it: each report judges the rest.
    verdicts = await InvoiceVerdictRow.filter(document_id__in=ids).only(
        "id", "document_id", "source", "accepted"
    )
    upload_refused = {v.document_id for v in verdicts if v.source == "upload"}
    accepted = {v.document_id for v in verdicts if v.source != "upload" and v.accepted}
    by_number = {p.invoice_number: p for p in pending if p.invoice_number}
    open_ids = [i for i in ids if i not in upload_refused and i not in accepted]
    docs = await DocumentRow.filter(
        Q(id__in=open_ids) | Q(id__in=list(accepted), number__in=list(by_number))
    )
    orders = {
        o.id: o.external_id
        for o in await OrderRow.filter(
            id__in=[d.order_id for d in docs], account_id=account_id
        ).only("id", "external_id")
    }
    unnumbered = {(p.order_id, p.is_credit): p for p in pending if not p.invoice_number}
    judged = Judged()
    for doc in docs:
        if doc.order_id not in orders:
            continue  # another account's invoice
        credit = doc.kind == DocumentKind.CREDIT_NOTE
        found = by_number.get(doc.number) or unnumbered.get((orders[doc.order_id], credit))
        if found is None:
            judged.accepted += 1
        else:
            judged.not_accepted.append(doc.number)
        await record_verdict(
            doc.id,
            accepted=found is None,
            status=found.status if found else "",
            description=found.description if found else "",
            source="report",
            report_id=report_id,
        )
    return judged


__all__ = [
    "UPLOAD_ACCEPTED",
    "UPLOAD_REJECTED",
    "Judged",
    "judge_uploads",
    "processed_uploads",
    "record_verdict",
]
