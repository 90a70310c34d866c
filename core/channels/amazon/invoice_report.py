"""The VAT invoice data report (VIDR): which uploaded invoices Amazon has not accepted.

Amazon reports an upload's result in the VIDR, not in the feed's processing report: "If there is
an error during upload, it is listed in invoice-status-description and the shipment is listed in
the PendingInvoices view" (VAT Calculation Service, error handling). So Packdesk asks for the
pending view (`pendingInvoices=true`): an invoice whose upload Amazon had processed and whose
shipment still stands there was not accepted. The values of `invoice-status` are not documented;
they are kept and shown verbatim, never interpreted.

The report needs the restricted Tax Invoicing role; Amazon recommends asking at least twice a day.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import IO

from core.channels.amazon.client import AuthorizationError, SpApiClient, SpApiError, documents
from core.channels.amazon.client.report_files import report_text
from core.channels.amazon.marketplaces import MARKETPLACES
from core.channels.amazon.roles import TAX_INVOICING, MissingRole, token_expired

REPORT_TYPE = "GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT"
ROLE = TAX_INVOICING
# The key as Amazon's example writes it (Invoice Data Reports: "reportOptions":
# {"ReportOption=pendingInvoices": "true"}); it is also the report's documented default, so the
# view is the same whether Amazon reads the key or not (docs/amazon-account.md §7).
PENDING_VIEW = {"ReportOption=pendingInvoices": "true"}
# where Amazon offers the report (Invoice Data Reports, marketplace availability)
COUNTRIES = frozenset({"IE", "ES", "UK", "FR", "BE", "NL", "DE", "IT", "SE", "PL"})
# transaction-type words for a credit note's row (Amazon writes Shipment / Refund / Return)
CREDIT_TYPES = frozenset({"refund", "return"})


@dataclass(frozen=True)
class PendingInvoice:
    """One transaction of the pending view: a shipment (or refund) whose invoice Amazon lacks."""

    order_id: str
    shipping_id: str
    transaction_type: str
    transaction_id: str
    invoice_number: str  # "" when Amazon has no invoice for it at all
    status: str  # Amazon's invoice-status, verbatim
    description: str  # Amazon's invoice-status-description, verbatim (the upload's error)

    @property
    def is_credit(self) -> bool:
        return self.transaction_type.strip().lower() in CREDIT_TYPES


def pending_from_report(text: IO[str]) -> list[PendingInvoice]:
    """The report's transactions, read row by row by header name (one per item is folded into
    one per transaction; extra columns Amazon adds are ignored)."""
    reader = csv.DictReader(text, delimiter="\t", quoting=csv.QUOTE_NONE)
    found: dict[tuple[str, str, str, str], PendingInvoice] = {}
    for row in reader:

        def get(name: str, r: dict[str, str | None] = row) -> str:
            return (r.get(name) or "").strip()

        key = (get("order-id"), get("shipping-id"), get("transaction-type"), get("transaction-id"))
        if not key[0]:
            continue
        seen = found.get(key)
        if seen is not None and (seen.description or not get("invoice-status-description")):
            continue  # items of the same transaction: the first with a description speaks
        found[key] = PendingInvoice(
            order_id=key[0],
            shipping_id=key[1],
            transaction_type=key[2],
            transaction_id=key[3],
            invoice_number=get("invoice-number"),
            status=get("invoice-status")[:64],
            description=get("invoice-status-description")[:1000],
        )
    return list(found.values())


def offered_in(marketplace_ids: list[str]) -> list[str]:
    """The marketplaces among these where Amazon offers the report."""
    return [m for m in marketplace_ids if MARKETPLACES.get(m, ("", ""))[0] in COUNTRIES]


async def request_pending_view(client: SpApiClient, marketplace_ids: list[str]) -> str:
    """Ask for the pending view; returns the report id. No role: `MissingRole`."""
    try:
        return await documents.create_report(
            client, REPORT_TYPE, offered_in(marketplace_ids), options=dict(PENDING_VIEW)
        )
    except AuthorizationError as exc:
        if token_expired(exc):
            raise
        raise MissingRole(
            ROLE,
            "the VAT invoice data report",
            "Packdesk cannot see which invoices Amazon did not accept",
            exc.request_id,
        ) from None


async def read_pending_view(client: SpApiClient, report_id: str) -> list[PendingInvoice] | None:
    """The pending view's transactions; None while Amazon is still making the report."""
    report = await documents.get_report(client, report_id)
    status = report.get("processingStatus")
    if status == "CANCELLED":  # Amazon's way of saying "no data": nothing is pending
        return []
    if status == "FATAL":
        raise SpApiError(
            f"Amazon could not make the VAT invoice data report {report_id}",
            operation="getReport",
        )
    if status != "DONE":
        return None
    # streamed to disk and read row by row: a report's size never becomes memory
    async with report_text(client, str(report["reportDocumentId"])) as text:
        return pending_from_report(text)


__all__ = [
    "PENDING_VIEW",
    "REPORT_TYPE",
    "ROLE",
    "MissingRole",
    "PendingInvoice",
    "offered_in",
    "pending_from_report",
    "read_pending_view",
    "request_pending_view",
]
