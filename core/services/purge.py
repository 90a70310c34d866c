"""Amazon's data protection policy: buyer data is kept no longer than 30 days after delivery.

Purging empties the sealed personal data of orders delivered (or, when Amazon never said, shipped
or cancelled) more than `days` ago. Issued documents stay as tax law requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.domain.orders import OrderStatus
from core.persistence.models import AuditEventRow, OrderRow
from core.services import audit


@dataclass
class PurgeResult:
    orders: int
    order_ids: list[int]


def _due(cutoff: datetime) -> Q:
    finished = (OrderStatus.SHIPPED.value, OrderStatus.DONE.value, OrderStatus.INVOICED.value)
    return Q(personal_data_purged=False) & (
        Q(delivered_at__lt=cutoff)
        | Q(delivered_at__isnull=True, shipped_at__lt=cutoff, status__in=finished)
        | Q(status=OrderStatus.CANCELLED.value, updated_at__lt=cutoff)
    )


async def purge_personal_data(
    days: int = 30, *, dry_run: bool = False, now: datetime | None = None
) -> PurgeResult:
    """Remove buyer names, e-mails, phones and addresses that are past their keeping time."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    ids: list[int] = [r.id for r in await OrderRow.filter(_due(cutoff)).only("id")]
    if dry_run or not ids:
        return PurgeResult(len(ids), ids)
    async with in_transaction() as conn:
        await (
            OrderRow.filter(id__in=ids)
            .using_db(conn)
            .update(personal_sealed="", buyer_tokens="", personal_data_purged=True)
        )
        await AuditEventRow.bulk_create(
            [
                audit.event_row(audit.SYSTEM, "order.personal_data_purged", f"order:{i}")
                for i in ids
            ],
            using_db=conn,
        )
    return PurgeResult(len(ids), ids)
