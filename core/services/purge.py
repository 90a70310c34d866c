"""Amazon's data protection policy: buyer data is kept no longer than 30 days after delivery.

Purging empties every place that holds a buyer's data once it is past its keeping time: the order's
sealed personal data and search index, its stored shipping labels and delivery notes, the finished
outbox jobs' error texts, the print spool's payloads, and (with settings) the folder printers'
files, the 3PL folders and the logs. Issued invoices and credit notes stay, as tax law requires;
nothing else does. A dry run lists every place with what it would clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.config import Settings
from core.documents.sealing import SEALED_KEY
from core.domain.orders import OrderStatus
from core.persistence.models import (
    AuditEventRow,
    DocumentRow,
    OrderRow,
    OutboxJobRow,
    PackageRow,
    PrintJobRow,
)
from core.services import audit
from core.services.purge_files import due_files, file_places, remove_files

KEPT_DOCUMENTS = ("invoice", "credit_note")  # tax law: kept for years, sealed at rest
FINISHED_JOBS = ("done", "dead", "discarded")


@dataclass
class PurgeResult:
    orders: int
    order_ids: list[int]
    places: dict[str, int] = field(default_factory=dict)  # place → items cleaned (or due)


def _due(cutoff: datetime) -> Q:
    finished = (OrderStatus.SHIPPED.value, OrderStatus.DONE.value, OrderStatus.INVOICED.value)
    return Q(personal_data_purged=False) & (
        Q(delivered_at__lt=cutoff)
        | Q(delivered_at__isnull=True, shipped_at__lt=cutoff, status__in=finished)
        | Q(status=OrderStatus.CANCELLED.value, updated_at__lt=cutoff)
    )


async def purge_personal_data(
    days: int = 30,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> PurgeResult:
    """Remove buyer names, e-mails, phones and addresses that are past their keeping time."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    ids: list[int] = [r.id for r in await OrderRow.filter(_due(cutoff)).only("id")]
    # Places that belong to an order follow the order; spool and files go by age.
    labels = PackageRow.filter(shipment__order_id__in=ids, label__isnull=False)
    notes = DocumentRow.filter(order_id__in=ids).exclude(kind__in=KEPT_DOCUMENTS)
    jobs = OutboxJobRow.filter(status__in=FINISHED_JOBS, updated_at__lt=cutoff).exclude(
        last_error=""
    )
    spool = PrintJobRow.filter(created_at__lt=cutoff).exclude(payload=b"")
    files = {p.name: due_files(p, cutoff) for p in file_places(settings)} if settings else {}
    result = PurgeResult(len(ids), ids)
    result.places = {
        "order.personal_sealed": len(ids),
        "package.label": await labels.count() if ids else 0,
        "document (delivery notes; invoices kept)": await notes.count() if ids else 0,
        "outbox_job.last_error": await jobs.count(),
        "print_job.payload": await spool.count(),
        **{name: len(paths) for name, paths in files.items()},
    }
    if dry_run:
        return result
    db = OrderRow._meta.db
    sqlite = db.capabilities.dialect == "sqlite"
    if sqlite:  # overwrite what is deleted instead of leaving it in free pages of the file
        await db.execute_script("PRAGMA secure_delete = ON")
    async with in_transaction() as conn:
        if ids:
            await (
                OrderRow.filter(id__in=ids)
                .using_db(conn)
                .update(personal_sealed="", buyer_tokens="", personal_data_purged=True)
            )
            package_ids = [pid for (pid,) in await labels.using_db(conn).values_list("id")]
            await PackageRow.filter(id__in=package_ids).using_db(conn).update(label=None)
            for doc in await notes.using_db(conn):
                content = {k: v for k, v in doc.content.items() if k != SEALED_KEY}
                await DocumentRow.filter(id=doc.id).using_db(conn).update(content=content, pdf=None)
            await AuditEventRow.bulk_create(
                [
                    audit.event_row(audit.SYSTEM, "order.personal_data_purged", f"order:{i}")
                    for i in ids
                ],
                using_db=conn,
            )
        # An error text may quote an address a carrier refused; the job itself stays.
        await jobs.using_db(conn).update(last_error="")
        await spool.using_db(conn).update(payload=b"")
    if sqlite:  # the write-ahead log still holds the old pages until it is checkpointed
        await db.execute_script("PRAGMA wal_checkpoint(TRUNCATE)")
    for name, paths in files.items():
        result.places[name] = remove_files(paths)
    if any(result.places.values()):
        await audit.record(audit.SYSTEM, "personal_data.purged", "purge", days=days,
                           places=result.places)  # fmt: skip
    return result
