"""Issuing invoices outside packing (FBA orders, on request) and credit notes. Each owns its transaction.

The number is taken from the order's FulfilmentProfile ranges (company from the account) in the
same transaction that writes the document and the outbox jobs for what follows: rendering, the
mail to the buyer and the upload to Amazon, as the profile says.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.config import CompanySettings
from core.documents.content import build_content
from core.documents.sealing import open_content, seal_content
from core.domain.documents import DocumentKind
from core.domain.orders import Order, OrderStatus, Process, check_transition
from core.domain.outbox import JobKind
from core.errors import ConflictError, UserInputError
from core.persistence.models import AccountRow, DocumentRow, FulfilmentProfileRow, OrderRow
from core.persistence.repositories import load_order
from core.security import SecretBox
from core.services import audit
from core.services.fx import eur_rate
from core.services.numbering import allocate
from core.services.outbox import queue_job
from core.services.supplies import check_may_invoice


@dataclass
class Issued:
    """A document just issued and the outbox jobs queued with it."""

    document_id: int
    number: str
    jobs: list[str] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(UTC)


async def _profile(order: Order, conn: BaseDBAsyncClient) -> FulfilmentProfileRow | None:
    if order.profile_id is None:
        return None
    return await FulfilmentProfileRow.filter(id=order.profile_id).using_db(conn).first()


async def queue_invoice_delivery(
    document_id: int,
    profile: FulfilmentProfileRow | None,
    conn: BaseDBAsyncClient,
    account_id: int,
    *,
    mail_extra: dict[str, object] | None = None,
) -> list[str]:
    """After an invoice (or credit note): mail it to the buyer and/or upload it, as the profile says.

    Returns the keys of the jobs queued. `mail_extra` adds to the mail job's payload (e.g. the
    tracking numbers the buyer should see); a job queued already is left as it is.
    """
    keys = []
    if profile and profile.email_invoice:
        payload = {"document_id": document_id, **(mail_extra or {})}
        keys.append(
            await queue_job(
                JobKind.MAIL_INVOICE, document_id, payload, using_db=conn, account_id=account_id
            )
        )
    if profile and profile.upload_invoice:
        keys.append(
            await queue_job(
                JobKind.UPLOAD_INVOICE,
                document_id,
                {"document_id": document_id},
                using_db=conn,
                account_id=account_id,
            )
        )
    return keys


async def _render(
    document_id: int, conn: BaseDBAsyncClient, account_id: int, **extra: object
) -> str:
    payload = {"document_id": document_id, **extra}
    return await queue_job(
        JobKind.RENDER_DOCUMENT, document_id, payload, using_db=conn, account_id=account_id
    )


async def issue_invoice(
    order_id: int,
    *,
    company: CompanySettings,
    box: SecretBox,
    now: datetime | None = None,
    station: str = "",
) -> Issued:
    """Invoice a whole order that has shipped (FBA, or shipped outside the desk).

    The delivery date is Amazon's ship date; an order without one has not shipped and is refused,
    as is a cancelled one (see core/services/supplies.py). One invoice per order, never two.
    """
    now = now or _now()
    async with in_transaction() as conn:
        row = await OrderRow.filter(id=order_id).select_for_update().using_db(conn).first()
        if row is None:
            raise UserInputError(f"No order with id {order_id}.")
        existing = (
            await DocumentRow.filter(order_id=order_id, kind=DocumentKind.INVOICE.value)
            .using_db(conn)
            .first()
        )
        if existing is not None:
            raise ConflictError(f"Order {row.external_id} already has invoice {existing.number}.")
        if row.status == OrderStatus.CANCELLED.value:
            raise ConflictError(f"Order {row.external_id} is cancelled: it gets no invoice.")
        if row.shipped_at is None:
            raise UserInputError(
                f"Order {row.external_id} has not shipped: its invoice is issued when it ships "
                "(packing, Amazon's shipment report or the provider's tracking)."
            )
        order = await load_order(order_id, box, using_db=conn)
        profile = await _profile(order, conn)
        account = await AccountRow.filter(id=order.account_id).using_db(conn).get()
        range_name = profile.invoice_range if profile else "invoice"
        if order.process == Process.INVOICE_ONLY:
            check_transition(
                order.process, order.status, OrderStatus.INVOICED, f"Order {order.external_id}"
            )
        number = await allocate(account.company, range_name, now.date(), using_db=conn)
        content = build_content(
            order,
            DocumentKind.INVOICE,
            number,
            now,
            company,
            delivery_date=row.shipped_at.date(),
            eur_rate=await eur_rate(order.currency, row.shipped_at.date(), conn),
        )
        await check_may_invoice(order_id, Decimal(content["totals"]["gross"]), conn)
        doc = await DocumentRow.create(
            kind=DocumentKind.INVOICE.value,
            number=number,
            order_id=order_id,
            issued_at=now,
            content=seal_content(content, box),
            using_db=conn,
        )
        jobs = [await _render(doc.id, conn, order.account_id, station=station)]
        jobs += await queue_invoice_delivery(doc.id, profile, conn, order.account_id)
        if order.process == Process.INVOICE_ONLY:
            status = OrderStatus.INVOICED if len(jobs) > 1 else OrderStatus.DONE
            if status is OrderStatus.DONE:  # nothing to mail or upload: done right away
                check_transition(order.process, OrderStatus.INVOICED, status)
            await OrderRow.filter(id=order_id).using_db(conn).update(status=status.value)
        await audit.record(
            audit.SYSTEM,
            "document.issued",
            f"order:{order_id}",
            using_db=conn,
            kind="invoice",
            number=number,
        )
    return Issued(doc.id, number, jobs)


async def preview_invoice(
    order_id: int, *, company: CompanySettings, box: SecretBox, now: datetime | None = None
) -> bytes:
    """What the invoice would say, as a PDF marked PREVIEW — no number, nothing stored or sent.

    Issuing belongs to the transaction that makes the supply; a preview never becomes one.
    """
    from core.documents.render import render_pdf  # fpdf2 and factur-x only when rendering

    now = now or _now()
    order = await load_order(order_id, box)
    delivered = (order.shipped_at or now).date()
    content = build_content(order, DocumentKind.INVOICE, "", now, company, delivery_date=delivered)
    content["preview"] = True
    return await asyncio.to_thread(render_pdf, content)


async def issue_delivery_note(
    order_id: int, *, company: CompanySettings, box: SecretBox, now: datetime | None = None
) -> Issued:
    """A delivery note for the whole order outside packing (e.g. asked for from the CLI)."""
    now = now or _now()
    async with in_transaction() as conn:
        if not await OrderRow.filter(id=order_id).using_db(conn).exists():
            raise UserInputError(f"No order with id {order_id}.")
        order = await load_order(order_id, box, using_db=conn)
        profile = await _profile(order, conn)
        account = await AccountRow.filter(id=order.account_id).using_db(conn).get()
        range_name = profile.delivery_note_range if profile else "delivery_note"
        number = await allocate(account.company, range_name, now.date(), using_db=conn)
        content = build_content(order, DocumentKind.DELIVERY_NOTE, number, now, company)
        doc = await DocumentRow.create(
            kind=DocumentKind.DELIVERY_NOTE.value,
            number=number,
            order_id=order_id,
            issued_at=now,
            content=seal_content(content, box),
            using_db=conn,
        )
        await audit.record(
            audit.SYSTEM,
            "document.issued",
            f"order:{order_id}",
            using_db=conn,
            kind="delivery_note",
            number=number,
        )
    return Issued(doc.id, number, [])


async def issue_credit_note(
    invoice_id: int,
    reason: str,
    *,
    company: CompanySettings,
    box: SecretBox,
    now: datetime | None = None,
    transaction_id: str = "",
) -> Issued:
    """A credit note for the whole invoice (cancellation, refund); it names the invoice it corrects.

    `transaction_id` is the channel's refund transaction, which Amazon's upload asks for.
    """
    now = now or _now()
    if not reason.strip():
        raise UserInputError("A credit note needs a reason (e.g. 'refund', 'order cancelled').")
    async with in_transaction() as conn:
        invoice = await DocumentRow.filter(id=invoice_id).using_db(conn).first()
        if invoice is None or invoice.kind != DocumentKind.INVOICE.value:
            raise UserInputError(f"No invoice with id {invoice_id}.")
        if await DocumentRow.filter(refers_to_id=invoice_id).using_db(conn).exists():
            raise ConflictError(f"Invoice {invoice.number} has been credited already.")
        order = await load_order(invoice.order_id, box, using_db=conn)
        profile = await _profile(order, conn)
        account = await AccountRow.filter(id=order.account_id).using_db(conn).get()
        original = open_content(dict(invoice.content), box)
        number = await allocate(
            account.company,
            profile.credit_note_range if profile else "credit_note",
            now.date(),
            using_db=conn,
        )
        content = credit_content(original, number, now, reason)
        if transaction_id:
            content["transaction_id"] = transaction_id
        doc = await DocumentRow.create(
            kind=DocumentKind.CREDIT_NOTE.value,
            number=number,
            order_id=order.id,
            refers_to_id=invoice.id,
            issued_at=now,
            content=seal_content(content, box),
            using_db=conn,
        )
        jobs = [await _render(doc.id, conn, order.account_id)]
        jobs += await queue_invoice_delivery(doc.id, profile, conn, order.account_id)
        await audit.record(
            audit.SYSTEM,
            "document.issued",
            f"order:{order.id}",
            using_db=conn,
            kind="credit_note",
            number=number,
            refers_to=invoice.number,
        )
    return Issued(doc.id, number, jobs)


def credit_content(
    invoice: dict[str, object], number: str, issued_at: datetime, reason: str
) -> dict[str, object]:
    """The credit note for an invoice: its lines and amounts, new number, date and reason."""
    from core.documents import locale

    language = str(invoice["language"])
    notes = [n for n in invoice["notes"] if isinstance(n, str)]  # type: ignore[attr-defined]
    return {
        **invoice,
        "kind": DocumentKind.CREDIT_NOTE.value,
        "number": number,
        "issued_at": issued_at.isoformat(),
        "issue_date": issued_at.date().isoformat(),
        "refers_to": invoice["number"],
        "reason": reason,
        "notes": [*notes, locale.text(language, "credit_reason", reason=reason)],
    }
