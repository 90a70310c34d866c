"""Labels on packages after packing: record a scanned tracking number, cancel a label.

Cancelling is allowed until Amazon has been told: the package's `amazon.confirm_shipment` job must
not have run (or be running). The carrier is called outside any transaction; the package loses its
label and tracking, the confirmation and a not yet sent invoice mail are withdrawn, and the order
goes back to `packed` (label pending) — a step back the normal state machine does not offer,
because no shipment Amazon heard of is undone; the audit trail records it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from core.carriers.manual import ManualCarrier
from core.domain.documents import DocumentKind
from core.domain.orders import OrderStatus
from core.domain.outbox import JobKind, JobStatus
from core.errors import ConflictError, NotFound, UserInputError
from core.persistence.models import DocumentRow, OrderRow, OutboxJobRow, PackageRow, ShipmentRow
from core.ports import Carrier, Label
from core.services import audit
from core.services.completion import tracking_known


@dataclass
class CancelResult:
    package_id: int
    tracking_number: str
    withdrawn_jobs: list[str] = field(default_factory=list)
    order_status: str = ""


def confirm_key(package_id: int) -> str:
    return JobKind.CONFIRM_SHIPMENT.key(package_id)


async def record_tracking(
    package_id: int,
    tracking_number: str,
    *,
    carrier: str = "",
    shipping_method: str = "",
    actor: str,
    station: str = "",
) -> list[str]:
    """A packer scanned the tracking number of a package waiting for its label. Returns job keys."""
    async with in_transaction() as conn:
        package = await PackageRow.filter(id=package_id).select_for_update().using_db(conn).first()
        if package is None:
            raise NotFound(f"No package {package_id}.")
        if package.tracking_number:
            raise ConflictError(
                f"Package {package.reference} already has tracking number "
                f"{package.tracking_number} — cancel that label first."
            )
        label = ManualCarrier(carrier or package.carrier_code or "manual").label_for(
            tracking_number, shipping_method=shipping_method
        )
        await (
            PackageRow.filter(id=package_id)
            .using_db(conn)
            .update(
                tracking_number=label.tracking_number,
                carrier_code=label.carrier_code,
                carrier_name=label.carrier_name,
                shipping_method=label.shipping_method,
            )
        )
        shipment = await ShipmentRow.filter(id=package.shipment_id).using_db(conn).get()
        keys = await tracking_known(shipment.order_id, [package_id], conn)
        await audit.record(
            actor,
            "package.tracking_recorded",
            f"order:{shipment.order_id}",
            station=station,
            using_db=conn,
            package=package.reference,
            tracking=label.tracking_number,
        )
    return keys


async def cancel_label(
    package_id: int, carrier: Carrier, *, actor: str, station: str = ""
) -> CancelResult:
    """Void a package's label before Amazon hears of it; the package then waits for a new one."""
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        package = await PackageRow.filter(id=package_id).select_for_update().using_db(conn).first()
        if package is None:
            raise NotFound(f"No package {package_id}.")
        if not package.tracking_number:
            raise UserInputError(f"Package {package.reference} has no label to cancel.")
        shipment = await ShipmentRow.filter(id=package.shipment_id).using_db(conn).get()
        order = await OrderRow.filter(id=shipment.order_id).using_db(conn).get()
        if order.process == "third_party":
            raise UserInputError(
                f"Order {order.external_id} is shipped by the fulfilment provider — "
                "its labels are cancelled there."
            )
        job = await OutboxJobRow.filter(key=confirm_key(package_id)).using_db(conn).first()
        if job is not None and job.status == JobStatus.DONE.value:
            raise ConflictError(
                f"Package {package.reference} ({package.tracking_number}) is already confirmed "
                "to Amazon — the label cannot be cancelled here any more."
            )
        if (
            job is not None
            and job.status == JobStatus.RUNNING.value
            and (job.locked_until is None or job.locked_until > now)
        ):
            raise ConflictError(
                f"Package {package.reference} is being confirmed to Amazon right now — "
                "try again in a minute."
            )
        label = Label(
            tracking_number=package.tracking_number,
            carrier_code=package.carrier_code,
            carrier_name=package.carrier_name,
            shipping_method=package.shipping_method,
            format=package.label_format,
            data=bytes(package.label or b""),
            reference=package.label_ref,
        )
    # The carrier is asked outside the transaction; if it refuses, nothing here has changed.
    await carrier.cancel_label(label)
    async with in_transaction() as conn:
        order = await OrderRow.filter(id=order.id).select_for_update().using_db(conn).get()
        withdrawn = []
        keys = [confirm_key(package_id)] + [
            JobKind.MAIL_INVOICE.key(d.id)
            for d in await DocumentRow.filter(
                shipment_id=shipment.id, kind=DocumentKind.INVOICE.value
            ).using_db(conn)
        ]
        for key in keys:
            gone = (
                await OutboxJobRow.filter(
                    key=key, status__in=[JobStatus.PENDING.value, JobStatus.DEAD.value]
                )
                .using_db(conn)
                .delete()
            )
            if gone:
                withdrawn.append(key)
        await (
            PackageRow.filter(id=package_id)
            .using_db(conn)
            .update(tracking_number="", label=None, label_ref="", label_format="")
        )
        status = order.status
        if status in {OrderStatus.SHIPPED.value, OrderStatus.PARTIALLY_SHIPPED.value}:
            status = OrderStatus.PACKED.value
            await OrderRow.filter(id=order.id).using_db(conn).update(status=status)
        await audit.record(
            actor,
            "package.label_cancelled",
            f"order:{order.id}",
            station=station,
            using_db=conn,
            package=package.reference,
            tracking=label.tracking_number,
            withdrawn=withdrawn,
        )
    return CancelResult(package_id, label.tracking_number, withdrawn, status)
