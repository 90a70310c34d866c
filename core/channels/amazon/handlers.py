"""Outbox handlers for Amazon: confirm a package's shipment, read Amazon's verdict on an invoice.

Amazon's errors carry their own outcome (wait, retry, fail: see `client.errors`), which the
outbox runner applies; no handler translates them. Each handler is idempotent: a confirmation
repeated after a crash is answered "already confirmed" by Amazon and counts as done. (Stock
goes out with the sync's stock step, `stock.push_dirty_stock`.)
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

from core.channels.amazon.connector import AmazonConnector
from core.channels.amazon.feed_results import invoice_refusal
from core.channels.amazon.invoice_verdicts import (
    FEED_PROCESSED,
    REFUSED_BY_UPLOAD,
    UPLOAD_ACCEPTED,
    UPLOAD_REJECTED,
    record_verdict,
)
from core.domain.outbox import OutboxJob
from core.persistence.models import OrderLineRow, OrderRow, PackageLineRow, PackageRow, ShipmentRow
from core.ports import ShipmentConfirmation
from core.services import audit
from core.services.outbox import PermanentFailure, RetryLater

log = logging.getLogger(__name__)

Handler = Callable[[OutboxJob], Awaitable[None]]


def _connector(connectors: Mapping[int, AmazonConnector], job: OutboxJob) -> AmazonConnector:
    connector = connectors.get(job.account_id or 0)
    if connector is None:
        raise RetryLater(f"account {job.account_id} is not connected in this process", 300)
    return connector


async def confirmation_for(package_id: int) -> ShipmentConfirmation:
    """What Amazon must hear about one package: reference, carrier, tracking, items."""
    package = await PackageRow.get_or_none(id=package_id)
    if package is None:
        raise PermanentFailure(f"package {package_id} no longer exists")
    if not package.tracking_number:
        raise PermanentFailure(f"package {package_id} has no tracking number yet")
    shipment = await ShipmentRow.get(id=package.shipment_id)
    order = await OrderRow.get(id=shipment.order_id)
    lines = await PackageLineRow.filter(package_id=package_id)
    externals = {
        r.id: r.external_id
        for r in await OrderLineRow.filter(id__in=[ln.order_line_id for ln in lines])
    }
    return ShipmentConfirmation(
        order_external_id=order.external_id,
        marketplace_id=order.marketplace_id,
        package_reference=str(package.reference),
        carrier_code=package.carrier_code or "Other",
        carrier_name=package.carrier_name or package.carrier_code,
        shipping_method=package.shipping_method,
        tracking_number=package.tracking_number,
        # A shipment recorded after the goods left (a 3PL's file) carries when they really left.
        ship_date=shipment.shipped_at or shipment.created_at,
        items=[(externals[ln.order_line_id], ln.quantity) for ln in lines if ln.quantity > 0],
    )


def confirm_shipment_handler(connectors: Mapping[int, AmazonConnector]) -> Handler:
    """`amazon.confirm_shipment` with payload `{"package_id"}`."""

    async def handle(job: OutboxJob) -> None:
        connector = _connector(connectors, job)
        confirmation = await confirmation_for(int(job.payload["package_id"]))
        await connector.confirm_shipment(confirmation)

    return handle


VERDICT_POLL_S = 120.0  # Amazon takes minutes to process an invoice upload


def invoice_result_handler(connectors: Mapping[int, AmazonConnector]) -> Handler:
    """`amazon.invoice_result` `{"document_id", "feed_id", "number"}`: Amazon's verdict on an upload.

    Until the feed is processed the job waits (no attempt used). An invoice Amazon did not accept
    is recorded with Amazon's reason (with the other invoices Amazon did not accept, see
    `invoice_verdicts`) and the job ends dead with that reason, so it also stands in the outbox
    monitor. An upload processed without an error gets its verdict row (source "feed": the index
    of processed uploads) and waits for the VAT invoice data report's word (`sync.vat_invoices`).
    """

    async def handle(job: OutboxJob) -> None:
        connector = _connector(connectors, job)
        document = f"document:{job.payload['document_id']}"
        number = str(job.payload.get("number") or job.payload["document_id"])
        outcome = await connector.invoice_outcome(str(job.payload["feed_id"]))
        if outcome is None:
            raise RetryLater(f"Amazon is still processing invoice {number}", VERDICT_POLL_S)
        refusal = invoice_refusal(outcome)
        if refusal is None:  # the verdict row first: a rerun after a crash writes it again
            await record_verdict(
                int(job.payload["document_id"]),
                accepted=True,
                status="",
                description="",
                source=FEED_PROCESSED,
            )
            await audit.record(audit.SYSTEM, UPLOAD_ACCEPTED, document, number=number)
            return
        code, message = refusal
        await audit.record(
            audit.SYSTEM, UPLOAD_REJECTED, document, number=number, code=code, message=message
        )
        await record_verdict(
            int(job.payload["document_id"]),
            accepted=False,
            status=code,
            description=message,
            source=REFUSED_BY_UPLOAD,
        )
        raise PermanentFailure(
            f"Amazon did not accept invoice {number}: [{code}] {message} "
            "— correct the invoice (credit note and new invoice) or upload it in Seller Central."
        )

    return handle
