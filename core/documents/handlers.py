"""Outbox handlers for documents: render (and print), mail to the buyer, upload to the channel.

Each handler is idempotent: the stored PDF is the original, a mail or an upload that happened is
recorded as an audit event and never repeated. For invoice-only (FBA) orders, the last follow-up
that finishes moves the order from `invoiced` to `done`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tortoise.transactions import in_transaction

from core.config import Settings
from core.documents.store import content_of, get_document, original_pdf, print_shipment_papers
from core.documents.upload import upload_facts
from core.domain.orders import OrderStatus, Process, check_transition
from core.domain.outbox import JobKind, OutboxJob
from core.errors import ConfigurationMissing, ConflictError, RateMissing, UserInputError
from core.mail import MailTemplates
from core.persistence.models import AuditEventRow, DocumentRow, OrderRow, OutboxJobRow, PackageRow
from core.ports import Attachment, ChannelConnector, Mailer, PrintPort
from core.security import SecretBox
from core.services import audit
from core.services.fx import RateFeedError, refresh_rates
from core.services.invoicing import issue_credit_note, issue_invoice
from core.services.outbox import Handler, PermanentFailure, RetryLater, queue_job
from core.services.waiting_invoices import issue_shipment_invoice

ConnectorFor = Callable[[int], Awaitable[ChannelConnector]]
MAILED, MAIL_SKIPPED, UPLOADED = "document.mailed", "document.mail_skipped", "document.uploaded"
_FOLLOW_UPS = {JobKind.MAIL_INVOICE: (MAILED, MAIL_SKIPPED), JobKind.UPLOAD_INVOICE: (UPLOADED,)}


async def _happened(document_id: int, *actions: str) -> bool:
    return await AuditEventRow.filter(
        subject=f"document:{document_id}", action__in=actions
    ).exists()


async def _document(job: OutboxJob) -> DocumentRow:
    try:
        return await get_document(int(job.payload["document_id"]))
    except (KeyError, ValueError, LookupError) as exc:
        raise PermanentFailure(f"Job {job.key} names no existing document ({exc}).") from None


async def finish_invoice_only(row: DocumentRow) -> None:
    """Invoice-only order: once every follow-up of its invoice happened, the order is done."""
    jobs = await OutboxJobRow.filter(key__in=[k.key(row.id) for k in _FOLLOW_UPS])
    for job in jobs:
        if not await _happened(row.id, *_FOLLOW_UPS[JobKind(job.kind)]):
            return
    async with in_transaction() as conn:
        order = await OrderRow.filter(id=row.order_id).select_for_update().using_db(conn).first()
        if order is None or order.process != Process.INVOICE_ONLY.value:
            return
        if order.status != OrderStatus.INVOICED.value:
            return
        check_transition(Process.INVOICE_ONLY, OrderStatus.INVOICED, OrderStatus.DONE)
        await OrderRow.filter(id=order.id).using_db(conn).update(status=OrderStatus.DONE.value)
        await audit.record(audit.SYSTEM, "order.done", f"order:{order.id}", using_db=conn)


async def _tracking(row: DocumentRow, job: OutboxJob) -> list[tuple[str, str]]:
    """Carrier and tracking number per parcel: from the job (3PL) or the document's shipment."""
    given = job.payload.get("tracking")
    if given:
        return [(str(t.get("carrier") or ""), str(t.get("tracking_number") or "")) for t in given]
    if row.shipment_id is None:
        return []
    packages = await PackageRow.filter(shipment_id=row.shipment_id).order_by("id")
    return [(p.carrier_name or p.carrier_code, p.tracking_number) for p in packages]


def make_document_handlers(
    box: SecretBox,
    settings: Settings,
    mailer: Mailer | None = None,
    print_port: PrintPort | None = None,
    connector_for_account: ConnectorFor | None = None,
) -> dict[str, Handler]:
    """The handlers by job kind; a kind whose collaborator is missing is left out."""
    templates = MailTemplates(settings.mail.templates_dir)

    async def render(job: OutboxJob) -> None:
        row = await _document(job)
        await original_pdf(row, box)
        station = str(job.payload.get("station") or "")
        if station and print_port is not None:
            desk = settings.stations.get(station)
            with_slip = desk is not None and desk.pick_slip == "with_papers"
            await print_shipment_papers(row, box, print_port, station, with_pick_slip=with_slip)

    async def mail_invoice(job: OutboxJob) -> None:
        assert mailer is not None
        row = await _document(job)
        if await _happened(row.id, MAILED, MAIL_SKIPPED):
            return  # never a second mail for the same document
        content = content_of(row, box)
        to = str(content["buyer"].get("email") or "").strip()
        if not to:
            await audit.record(
                audit.SYSTEM, MAIL_SKIPPED, f"document:{row.id}", reason="no address"
            )
        else:
            pdf = await original_pdf(row, box)
            subject, body = templates.render(content, await _tracking(row, job))
            from core.documents.render import filename  # the renderer loads on first use

            attachment = Attachment(filename(content), "application/pdf", pdf)
            message_id = await mailer.send(to, subject, body, [attachment])
            await audit.record(audit.SYSTEM, MAILED, f"document:{row.id}", message_id=message_id)
        await finish_invoice_only(row)

    async def upload_invoice(job: OutboxJob) -> None:
        assert connector_for_account is not None
        row = await _document(job)
        if not await _happened(row.id, UPLOADED):
            content = content_of(row, box)
            pdf = await original_pdf(row, box)
            order = await OrderRow.get(id=row.order_id)
            connector = await connector_for_account(order.account_id)
            reference = await connector.upload_invoice(
                order.external_id,
                order.marketplace_id,
                row.number,
                pdf,
                content["totals"]["gross"],
                upload_facts(content),
            )
            async with in_transaction() as conn:
                await audit.record(
                    audit.SYSTEM,
                    UPLOADED,
                    f"document:{row.id}",
                    using_db=conn,
                    number=row.number,
                    feed_id=reference or "",
                )
                if reference:  # Amazon processes the upload later; its verdict is read back
                    await queue_job(
                        JobKind.CHECK_INVOICE_UPLOAD,
                        row.id,
                        {"document_id": row.id, "feed_id": reference, "number": row.number},
                        using_db=conn,
                        account_id=order.account_id,
                    )
        await finish_invoice_only(row)

    async def issue_with_rate(job: OutboxJob) -> None:
        """Issue the invoice; one in PLN/SEK whose ECB rate is not stored fetches it, or waits."""
        try:
            await issue_one(job)
        except RateMissing as missing:
            docs = settings.documents
            try:
                await refresh_rates(docs.ecb_url, docs.ecb_timeout_s)
                await issue_one(job)
            except (RateMissing, RateFeedError) as exc:
                reason = f"{missing} Waiting for the ECB reference rate"
                if isinstance(exc, RateFeedError):
                    reason += f": {exc}"
                raise RetryLater(f"{reason} (documents.ecb_url).", docs.rate_wait_s) from None

    async def issue_one(job: OutboxJob) -> None:
        if "shipment_id" in job.payload:  # a shipment's invoice that waited for its rate
            await issue_shipment_invoice(job.payload, company=settings.company, box=box)
        else:
            await issue_invoice(int(job.payload["order_id"]), company=settings.company, box=box)

    async def issue(job: OutboxJob) -> None:
        """`invoice.issue` (intake, FBA shipped) and `credit_note.issue` (cancelled, refunded)."""
        try:
            if job.kind == JobKind.ISSUE_INVOICE:
                await issue_with_rate(job)
            else:
                await issue_credit_note(
                    int(job.payload["invoice_id"]),
                    str(job.payload.get("reason") or "refund"),
                    company=settings.company,
                    box=box,
                    transaction_id=str(job.payload.get("transaction_id") or ""),
                )
        except ConflictError:
            return  # issued already: the job's work is done
        except ConfigurationMissing:
            raise  # waits in `needs_config` until the [company] section is filled in
        except UserInputError as exc:  # unknown ids: retrying cannot help
            raise PermanentFailure(str(exc)) from None

    handlers: dict[str, Handler] = {
        JobKind.RENDER_DOCUMENT: render,
        JobKind.ISSUE_INVOICE: issue,
        JobKind.ISSUE_CREDIT_NOTE: issue,
    }
    if mailer is not None:
        handlers[JobKind.MAIL_INVOICE] = mail_invoice
    if connector_for_account is not None:
        handlers[JobKind.UPLOAD_INVOICE] = upload_invoice
    return {kind: _with_fonts(handler, settings) for kind, handler in handlers.items()}


def _with_fonts(handler: Handler, settings: Settings) -> Handler:
    """Render with the fallback fonts the config names (documents.fallback_fonts)."""

    async def run(job: OutboxJob) -> None:
        from core.documents import fonts  # fpdf2 and fontTools only when rendering

        with fonts.fallback_fonts(settings.documents.fallback_fonts):
            await handler(job)

    return run
