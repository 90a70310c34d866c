"""What follows a completion, as it happens: papers, labels, print jobs, Amazon's confirmation."""

from __future__ import annotations

from tortoise.expressions import Q

from core.domain.outbox import JobKind
from core.persistence.models import DocumentRow, OrderRow, OutboxJobRow, PackageRow, PrintJobRow
from core.services.desk.views import CompletionReport, JobProgress


async def completion_report(
    order_id: int, status: str, documents: dict[str, str]
) -> CompletionReport:
    row = await OrderRow.get(id=order_id).only("id", "external_id")
    return CompletionReport(order_id, row.external_id, status, documents)


async def follow_up(order_id: int, station: str) -> list[JobProgress]:
    """The order's status, then its outbox jobs, then this station's print jobs for its papers."""
    docs = [d for (d,) in await DocumentRow.filter(order_id=order_id).values_list("id")]
    pkgs = [p for (p,) in await PackageRow.filter(shipment__order_id=order_id).values_list("id")]
    keys = [JobKind.RENDER_DOCUMENT.key(d) for d in docs]
    keys += [JobKind.BUY_LABEL.key(p) for p in set(pkgs)]
    keys += [JobKind.CONFIRM_SHIPMENT.key(p) for p in set(pkgs)]
    jobs = await OutboxJobRow.filter(key__in=keys).order_by("id")
    order = await OrderRow.get(id=order_id).only("id", "status")
    out = [JobProgress("order", order.status)]
    out += [JobProgress(j.kind, j.status, j.last_error[:200]) for j in jobs]
    numbers = [n for (n,) in await DocumentRow.filter(order_id=order_id).values_list("number")]
    if numbers:
        query = Q()
        for number in numbers:
            query |= Q(title__contains=number)
        for p in await PrintJobRow.filter(query, station=station).order_by("id"):
            out.append(JobProgress(f"print.{p.kind}", p.status, p.last_error[:200]))
    return out
