"""The shift at a glance: packed per hour and per packer, open orders by deadline, health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from core.domain.outbox import JobStatus
from core.persistence.models import (
    AccountRow,
    OrderRow,
    OutboxJobRow,
    PrinterStatusRow,
    ShipmentRow,
)
from core.services.queries.queue import end_of_day

# Jobs a person must act on: dead ones (retry or discard) and those waiting for a setting.
FAILED = (JobStatus.DEAD.value, JobStatus.NEEDS_CONFIG.value)


@dataclass(frozen=True)
class Dashboard:
    packed_per_hour: list[int]  # today, hour 0..23 (local time of the station)
    per_packer: list[tuple[str, int]]
    open_total: int
    overdue: int
    due_today: int
    later: int
    accounts: list[tuple[str, str]]  # name, health
    printers: list[tuple[str, str]]  # name, state
    failed_jobs: int  # dead or waiting for configuration: a person must act


async def dashboard(now: datetime | None = None) -> Dashboard:
    now = (now or datetime.now(UTC)).astimezone()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    shipments = await ShipmentRow.filter(created_at__gte=start).only("created_at", "packer")
    per_hour = [0] * 24
    per_packer: dict[str, int] = {}
    for s in shipments:
        per_hour[s.created_at.astimezone(now.tzinfo).hour] += 1
        per_packer[s.packer] = per_packer.get(s.packer, 0) + 1
    base = OrderRow.filter(status__in=["open", "partially_shipped"], process="ship")
    # The same boundaries as the queue's `urgency`, counted in the database.
    overdue = await base.filter(latest_ship_at__lt=now).count()
    today = await base.filter(latest_ship_at__gte=now, latest_ship_at__lt=end_of_day(now)).count()
    total = await base.count()
    return Dashboard(
        packed_per_hour=per_hour,
        per_packer=sorted(per_packer.items(), key=lambda kv: -kv[1]),
        open_total=total,
        overdue=overdue,
        due_today=today,
        later=total - overdue - today,
        accounts=[(a.name, a.health) for a in await AccountRow.all().order_by("name")],
        printers=[(p.name, p.state) for p in await PrinterStatusRow.all().order_by("name")],
        failed_jobs=await OutboxJobRow.filter(status__in=FAILED).count(),
    )
