"""The papers of a provider's shipment: delivery note and invoice, numbered in the file's transaction.

Both hold exactly what this shipment holds (a partial shipment gets papers for its part only),
carry the provider's ship date as their delivery date, and list which items are in which package
with its tracking number (`packages`, `tracking_numbers` in the content).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from core.config import CompanySettings
from core.documents.content import build_content
from core.documents.sealing import seal_content
from core.domain.documents import DocumentKind
from core.domain.orders import Order
from core.persistence.models import AccountRow, DocumentRow, FulfilmentProfileRow
from core.security import SecretBox
from core.services import audit
from core.services.fx import eur_rate
from core.services.numbering import allocate
from core.services.supplies import may_invoice
from core.services.waiting_invoices import wait_for_rate


async def issue_shipment_papers(
    order: Order,
    shipped: dict[int, int],
    shipment_id: int,
    packages: list[dict[str, Any]],
    company: CompanySettings,
    box: SecretBox,
    *,
    issued_at: datetime,
    delivered_on: date,
    conn: BaseDBAsyncClient,
) -> dict[DocumentKind, int]:
    """Delivery note and invoice for the `shipped` quantities (order line id → quantity); their ids.

    Numbers come from the profile's `delivery_note_range` and `invoice_range`.
    """
    account = await AccountRow.filter(id=order.account_id).using_db(conn).get()
    profile = (
        await FulfilmentProfileRow.filter(id=order.profile_id).using_db(conn).first()
        if order.profile_id
        else None
    )
    ranges = {
        DocumentKind.DELIVERY_NOTE: profile.delivery_note_range if profile else "delivery_note",
        DocumentKind.INVOICE: profile.invoice_range if profile else "invoice",
    }
    lines = [(ln, shipped[ln.id]) for ln in order.lines if ln.id in shipped]
    ids: dict[DocumentKind, int] = {}
    for kind, range_name in ranges.items():
        if kind is DocumentKind.INVOICE and not await may_invoice(order, lines, company, conn):
            continue  # invoiced already: never a second invoice for the same supply
        if kind is DocumentKind.INVOICE and await wait_for_rate(
            order, lines, shipment_id=shipment_id, delivered_on=delivered_on, station="",
            packages=packages, conn=conn,
        ):  # fmt: skip
            continue  # no ECB rate for its VAT in EUR yet: the invoice follows as a job
        number = await allocate(account.company, range_name, issued_at.date(), using_db=conn)
        content = build_content(
            order,
            kind,
            number,
            issued_at,
            company,
            lines=lines,
            delivery_date=delivered_on,
            eur_rate=await eur_rate(order.currency, delivered_on, conn),
        )
        content["packages"] = packages
        content["tracking_numbers"] = [p["tracking_number"] for p in packages]
        doc = await DocumentRow.create(
            kind=kind.value,
            number=number,
            order_id=order.id,
            shipment_id=shipment_id,
            issued_at=issued_at,
            content=seal_content(content, box),
            using_db=conn,
        )
        ids[kind] = doc.id
        await audit.record(
            audit.SYSTEM,
            "document.issued",
            f"order:{order.id}",
            using_db=conn,
            kind=kind.value,
            number=number,
        )
    return ids
