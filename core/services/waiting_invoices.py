"""An invoice that waits for the ECB rate of its supply date, instead of going out without it.

An invoice in PLN or SEK must also state its VAT in EUR (§ 14 Abs. 4 Nr. 8, § 16 Abs. 6 UStG;
Art. 230 VAT Directive). The sync keeps the ECB's rates fresh (core/sync/rates.py), so this is
rare: the feed was unreachable for a week, or a new installation packed before its first fetch.
Then packing (or a provider's tracking file) still ships the parcel with its delivery note, and
the shipment's invoice becomes an `invoice.issue` job that fetches the rate or waits for it, with
the reason on the job for the owner to see. It invoices exactly that shipment, dated when it left.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.config import CompanySettings
from core.documents.content import build_content
from core.documents.sealing import seal_content
from core.domain.documents import DocumentKind
from core.domain.orders import Order, OrderLine
from core.domain.outbox import JobKind
from core.errors import ConflictError, RateMissing, UserInputError
from core.persistence.models import (
    AccountRow,
    DocumentRow,
    FulfilmentProfileRow,
    OrderRow,
    PackageRow,
)
from core.persistence.repositories import load_order
from core.security import SecretBox
from core.services import audit
from core.services.fx import rate_for
from core.services.invoicing import Issued, queue_invoice_delivery
from core.services.numbering import allocate
from core.services.outbox import queue_job
from core.services.supplies import check_may_invoice

WAITING = "invoice.waiting_for_rate"


async def wait_for_rate(
    order: Order,
    lines: list[tuple[OrderLine, int]],
    *,
    shipment_id: int,
    delivered_on: date,
    station: str,
    packages: list[dict[str, Any]],
    conn: BaseDBAsyncClient,
) -> bool:
    """True if the shipment's invoice must wait for its rate; its job is then queued in `conn`."""
    if order.currency.upper() == "EUR" or await rate_for(order.currency, delivered_on, conn):
        return False
    payload = {
        "order_id": order.id,
        "shipment_id": shipment_id,
        "delivered_on": delivered_on.isoformat(),
        "station": station,
        "lines": [[ln.id, qty] for ln, qty in lines],
        "shipped_before": {str(ln.id): ln.quantity_shipped for ln, _ in lines},
        "packages": packages,
    }
    await queue_job(
        JobKind.ISSUE_INVOICE,
        f"shipment-{shipment_id}",
        payload,
        using_db=conn,
        account_id=order.account_id,
    )
    await audit.record(
        audit.SYSTEM,
        WAITING,
        f"order:{order.id}",
        using_db=conn,
        shipment=shipment_id,
        reason=str(RateMissing(order.currency, delivered_on)),
    )
    return True


async def issue_shipment_invoice(
    payload: dict[str, Any],
    *,
    company: CompanySettings,
    box: SecretBox,
    now: datetime | None = None,
) -> Issued:
    """Issue the invoice `wait_for_rate` deferred; RateMissing while the rate is still not stored."""
    now = now or datetime.now(UTC)
    order_id, shipment_id = int(payload["order_id"]), int(payload["shipment_id"])
    delivered_on = date.fromisoformat(str(payload["delivered_on"]))
    async with in_transaction() as conn:
        row = await OrderRow.filter(id=order_id).select_for_update().using_db(conn).first()
        if row is None:
            raise UserInputError(f"No order with id {order_id}.")
        done = await DocumentRow.filter(
            shipment_id=shipment_id, kind=DocumentKind.INVOICE.value
        ).using_db(conn)
        if done:
            raise ConflictError(f"Shipment {shipment_id} has invoice {done[0].number} already.")
        found = await rate_for(row.currency, delivered_on, conn)
        if found is None:
            raise RateMissing(row.currency, delivered_on)
        order = await load_order(order_id, box, using_db=conn)
        by_id = {ln.id: ln for ln in order.lines}
        before = {int(k): int(v) for k, v in payload["shipped_before"].items()}
        # Shares of shipping and promotions follow what had shipped before this parcel.
        lines = [
            (replace(by_id[int(i)], quantity_shipped=before[int(i)]), int(q))
            for i, q in payload["lines"]
        ]
        profile = (
            await FulfilmentProfileRow.filter(id=order.profile_id).using_db(conn).first()
            if order.profile_id
            else None
        )
        account = await AccountRow.filter(id=order.account_id).using_db(conn).get()
        range_name = profile.invoice_range if profile else "invoice"
        number = await allocate(account.company, range_name, now.date(), using_db=conn)
        content = build_content(
            order,
            DocumentKind.INVOICE,
            number,
            now,
            company,
            lines=lines,
            delivery_date=delivered_on,
            eur_rate=(found.per_eur, found.day),
        )
        content["packages"] = payload.get("packages") or []
        await check_may_invoice(order_id, Decimal(content["totals"]["gross"]), conn)
        doc = await DocumentRow.create(
            kind=DocumentKind.INVOICE.value,
            number=number,
            order_id=order_id,
            shipment_id=shipment_id,
            issued_at=now,
            content=seal_content(content, box),
            using_db=conn,
        )
        payload_render = {"document_id": doc.id, "station": str(payload.get("station") or "")}
        jobs = [
            await queue_job(
                JobKind.RENDER_DOCUMENT,
                doc.id,
                payload_render,
                using_db=conn,
                account_id=order.account_id,
            )
        ]
        tracking = await PackageRow.filter(shipment_id=shipment_id).using_db(conn)
        if tracking and all(p.tracking_number for p in tracking):
            # Tracking is known already: mail and upload now (else when it is, as for any invoice).
            jobs += await queue_invoice_delivery(doc.id, profile, conn, order.account_id)
        await audit.record(
            audit.SYSTEM,
            "document.issued",
            f"order:{order_id}",
            using_db=conn,
            kind="invoice",
            number=number,
        )
    return Issued(doc.id, number, jobs)
