"""What the monitor screens show: accounts and their sync, outbox jobs, printers, print jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.functions import Count

from core.channels.amazon.listing_states import rejected_counts
from core.config import Settings
from core.persistence.models import (
    AccountRow,
    AuditEventRow,
    FulfilmentProfileRow,
    NumberRangeRow,
    OutboxJobRow,
    PrinterStatusRow,
    PrintJobRow,
    SyncCheckpointRow,
)
from core.services.queries.rejections import rejected_invoice_counts
from core.sync.lease import lease_holders


@dataclass(frozen=True)
class OutboxJobView:
    """One outbox job as the sync monitor lists it."""

    id: int
    kind: str
    status: str
    attempts: int
    due_at: datetime | None
    last_error: str


@dataclass(frozen=True)
class PrintJobView:
    """One print job as the print queue lists it."""

    id: int
    printer: str
    kind: str
    title: str
    status: str
    copy_of_id: int | None


@dataclass(frozen=True)
class PrinterState:
    """What a printer last said about itself (online, paper out, …)."""

    name: str
    state: str
    detail: str


async def accounts() -> list[dict[str, Any]]:
    """Each account's health, who syncs it, its last import and its failed jobs."""
    checkpoints = {(c.account_id, c.stream): c.updated_at for c in await SyncCheckpointRow.all()}
    dead = dict(
        await OutboxJobRow.filter(status="dead")
        .annotate(n=Count("id"))
        .group_by("account_id")
        .values_list("account_id", "n")
    )
    leases = await lease_holders()
    rejected = await rejected_counts()
    invoices = await rejected_invoice_counts()
    now = datetime.now(UTC)
    return [
        {
            "name": a.name,
            # the process that talks to Amazon for this account ("" nobody right now)
            "synced_by": leases[a.id].holder if a.id in leases and leases[a.id].active(now) else "",
            "health": a.health,
            "reason": _with_rejections(
                a.health_reason, rejected.get(a.id, 0), invoices.get(a.id, 0)
            ),
            "rejected_listings": rejected.get(a.id, 0),
            "rejected_invoices": invoices.get(a.id, 0),
            "checked": a.health_at,
            "last_import": checkpoints.get((a.id, "orders")),
            "dead_jobs": dead.get(a.id, 0),
        }
        for a in await AccountRow.all().order_by("name")
    ]


def _with_rejections(reason: str, rejected: int, invoices: int = 0) -> str:
    """The sync monitor's reason column also says when Amazon rejected stock pushes or invoices."""
    notes = []
    if rejected:
        notes.append(
            f"{rejected} listing(s) rejected by Amazon (packdesk listings list --rejected)"
        )
    if invoices:
        notes.append(f"{invoices} invoice(s) not accepted by Amazon (packdesk documents rejected)")
    return "; ".join([*notes, reason] if reason else notes)


async def jobs(status: str = "dead", limit: int = 200) -> list[OutboxJobView]:
    query = OutboxJobRow.all() if status == "all" else OutboxJobRow.filter(status=status)
    return [
        OutboxJobView(j.id, j.kind, j.status, j.attempts, j.due_at, j.last_error)
        for j in await query.order_by("-id").limit(limit)
    ]


async def job_counts() -> dict[str, int]:
    rows = await OutboxJobRow.annotate(n=Count("id")).group_by("status").values_list("status", "n")
    return {str(status): int(n) for status, n in rows}


async def print_jobs(station: str, limit: int = 200) -> list[PrintJobView]:
    rows = await PrintJobRow.filter(station=station).order_by("-id").limit(limit)
    return [PrintJobView(j.id, j.printer, j.kind, j.title, j.status, j.copy_of_id) for j in rows]


async def printer_states() -> list[PrinterState]:
    rows = await PrinterStatusRow.all().order_by("name")
    return [PrinterState(p.name, p.state, p.detail) for p in rows]


async def station_setup(settings: Settings, station: str) -> dict[str, Any]:
    """The settings screen: this station's routes and printers, number ranges, profiles."""
    ranges = await NumberRangeRow.all().order_by("company", "name")
    profiles = await FulfilmentProfileRow.all().order_by("id")
    return {
        "station": station,
        "language": settings.language,
        "routes": dict(settings.stations[station].routes) if station in settings.stations else {},
        "printers": {n: p.kind for n, p in settings.printers.items()},
        "sync_in_console": settings.sync.in_console,
        "ranges": [(r.company, r.name, r.pattern, r.next_seq) for r in ranges],
        "profiles": [(p.name, p.process, p.channel or "*", p.carrier) for p in profiles],
    }


async def change_token() -> tuple[int, int, int]:
    """Changes whenever anything a screen shows may have changed; cheap enough to poll."""
    audit_row = await AuditEventRow.all().order_by("-id").only("id").first()
    job_row = await OutboxJobRow.all().order_by("-id").only("id").first()
    busy = await OutboxJobRow.filter(status__in=["pending", "running", "dead"]).count()
    return (audit_row.id if audit_row else 0, job_row.id if job_row else 0, busy)
