"""What the monitor screens show: order detail, holds, sync and outbox, stock, printers, the shift.

Read-mostly questions for one station, answered with plain dataclasses and dicts. The two writes
here (stock adjustment, barcode assignment) have no core service yet; each is one short transaction
with its audit event, and belongs in `core/services/stock.py` once that exists.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tortoise.expressions import Q
from tortoise.functions import Count, Sum

from core.channels.amazon.listing_states import rejected_counts
from core.domain.catalog import normalize_code
from core.domain.desk import clean_code
from core.errors import ConflictError, NotFound
from core.persistence.models import (
    AccountRow,
    ArticleRow,
    NumberRangeRow,
    OrderRow,
    OutboxJobRow,
    PrinterStatusRow,
    PrintJobRow,
    ShipmentRow,
    StockLevelRow,
    StockReservationRow,
    SyncCheckpointRow,
)
from core.persistence.repositories import load_order
from core.ports import PrintRequest
from core.services import audit, outbox, stock
from core.services.audit import trail
from core.services.queries import OrderSummary, _summary, order_extras
from core.sync.lease import lease_holders

if TYPE_CHECKING:
    from core.config import Settings
    from core.ports import PrintPort
    from core.security import SecretBox


@dataclass(frozen=True)
class ArticleStock:
    id: int
    sku: str
    title: str
    codes: list[str]
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


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
    dead_jobs: int


class ReadModels:
    """Mixed into StationBackend; expects `station`, `settings`, `box`, `print_port`."""

    station: str
    settings: Settings
    box: SecretBox
    print_port: PrintPort | None

    async def summaries(self, rows: list[OrderRow]) -> list[OrderSummary]:
        accounts = {a.id: a.name for a in await AccountRow.all().only("id", "name")}
        return [_summary(r, accounts) for r in rows]

    async def filter_choices(self) -> dict[str, list[str]]:
        accounts = await AccountRow.all().order_by("name")
        markets = sorted({m for a in accounts for m in a.marketplace_ids})
        return {"accounts": [a.name for a in accounts], "marketplaces": markets}

    async def open_count(self) -> int:
        return await OrderRow.filter(
            status__in=["open", "partially_shipped"], process="ship"
        ).count()

    async def order_detail(self, order_id: int) -> dict[str, Any]:
        order = await load_order(order_id, self.box)
        extras = await order_extras(order_id)
        events = await trail(f"order:{order_id}", limit=50)
        return {
            "order": order,
            "ship_to": None if order.personal_data_purged else asdict(order.ship_to),
            **extras,
            "audit": events,
        }

    async def holds(self) -> list[OrderSummary]:
        rows = await OrderRow.filter(status="on_hold").order_by("latest_ship_at", "id").limit(500)
        return await self.summaries(rows)

    async def hold_reasons(self, order_ids: list[int]) -> dict[int, str]:
        rows = await OrderRow.filter(id__in=order_ids).only("id", "hold_reason")
        return {r.id: r.hold_reason for r in rows}

    # -- sync and outbox ---------------------------------------------------------------------
    async def accounts(self) -> list[dict[str, Any]]:
        checkpoints = {
            (c.account_id, c.stream): c.updated_at for c in await SyncCheckpointRow.all()
        }
        dead = dict(
            await OutboxJobRow.filter(status="dead")
            .annotate(n=Count("id"))
            .group_by("account_id")
            .values_list("account_id", "n")
        )
        leases = await lease_holders()
        rejected = await rejected_counts()
        now = datetime.now(UTC)
        return [
            {
                "name": a.name,
                # the process that talks to Amazon for this account ("" nobody right now)
                "synced_by": leases[a.id].holder
                if a.id in leases and leases[a.id].active(now)
                else "",
                "health": a.health,
                "reason": _with_rejections(a.health_reason, rejected.get(a.id, 0)),
                "rejected_listings": rejected.get(a.id, 0),
                "checked": a.health_at,
                "last_import": checkpoints.get((a.id, "orders")),
                "dead_jobs": dead.get(a.id, 0),
            }
            for a in await AccountRow.all().order_by("name")
        ]

    async def jobs(self, status: str = "dead", limit: int = 200) -> list[OutboxJobRow]:
        query = OutboxJobRow.all() if status == "all" else OutboxJobRow.filter(status=status)
        return await query.order_by("-id").limit(limit)

    async def job_counts(self) -> dict[str, int]:
        rows = (
            await OutboxJobRow.annotate(n=Count("id")).group_by("status").values_list("status", "n")
        )
        return dict(rows)

    async def retry_job(self, job_id: int, supervisor: str) -> None:
        await outbox.retry_job(job_id)
        await audit.record(supervisor, "outbox.retried", f"job:{job_id}", station=self.station)

    async def discard_job(self, job_id: int, supervisor: str) -> None:
        await outbox.discard_job(job_id)
        await audit.record(supervisor, "outbox.discarded", f"job:{job_id}", station=self.station)

    # -- articles and stock ------------------------------------------------------------------
    async def articles(self, search: str = "", limit: int = 100) -> list[ArticleStock]:
        query = ArticleRow.all()
        term = clean_code(search).strip()
        if term:
            query = query.filter(
                Q(sku__icontains=term)
                | Q(title__icontains=term)
                | Q(barcodes__code=normalize_code(term))
            ).distinct()
        rows = await query.order_by("sku").limit(limit).prefetch_related("barcodes")
        ids = [r.id for r in rows]
        on_hand = dict(
            await StockLevelRow.filter(article_id__in=ids)
            .annotate(n=Sum("on_hand"))
            .group_by("article_id")
            .values_list("article_id", "n")
        )
        reserved = dict(
            await StockReservationRow.filter(article_id__in=ids)
            .annotate(n=Sum("quantity"))
            .group_by("article_id")
            .values_list("article_id", "n")
        )
        return [
            ArticleStock(
                r.id,
                r.sku,
                r.title,
                sorted(b.code for b in r.barcodes),
                int(on_hand.get(r.id) or 0),
                int(reserved.get(r.id) or 0),
            )
            for r in rows
        ]

    async def adjust_stock(self, article_id: int, delta: int, reason: str, actor: str) -> int:
        """Book `delta` pieces in or out of the article's main bin; returns the new on-hand."""
        return await stock.adjust(article_id, delta, reason, actor, station=self.station)

    async def assign_barcode(self, article_id: int, code: str, actor: str) -> str:
        """Give an article one more barcode (scanned at the desk); returns the stored form."""
        return await stock.assign_barcode(article_id, clean_code(code), actor, station=self.station)

    # -- printers ----------------------------------------------------------------------------
    async def print_jobs(self, limit: int = 200) -> list[PrintJobRow]:
        return await PrintJobRow.filter(station=self.station).order_by("-id").limit(limit)

    async def printer_states(self) -> list[PrinterStatusRow]:
        return await PrinterStatusRow.all().order_by("name")

    async def reprint(self, job_id: int, actor: str) -> int:
        """Print a job again as a marked copy; returns the new job id."""
        port = self.print_port
        if port is None:
            raise ConflictError("This console has no printers configured — reprint from a desk.")
        reprint = getattr(port, "reprint", None)
        if reprint is not None:  # the spool knows how to copy its own jobs
            new_id = int(await reprint(job_id))
        else:
            job = await PrintJobRow.get_or_none(id=job_id)
            if job is None:
                raise NotFound(f"No print job {job_id}.")
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
            new_id = await port.submit(
                PrintRequest(
                    station=self.station,
                    kind=job.kind,
                    title=job.title,
                    content_type=job.content_type,
                    payload=bytes(job.payload),
                    key=f"reprint:{job.id}:{stamp}",
                    copy=True,
                )
            )
        await audit.record(actor, "print.reprinted", f"print:{job_id}", station=self.station)
        return new_id

    # -- settings and the shift --------------------------------------------------------------
    async def settings_view(self) -> dict[str, Any]:
        ranges = await NumberRangeRow.all().order_by("company", "name")
        from core.persistence.models import FulfilmentProfileRow

        profiles = await FulfilmentProfileRow.all().order_by("id")
        return {
            "station": self.station,
            "language": self.settings.language,
            "routes": dict(self.settings.stations.get(self.station).routes)
            if self.station in self.settings.stations
            else {},
            "printers": {n: p.kind for n, p in self.settings.printers.items()},
            "sync_in_console": self.settings.sync.in_console,
            "ranges": [(r.company, r.name, r.pattern, r.next_seq) for r in ranges],
            "profiles": [(p.name, p.process, p.channel or "*", p.carrier) for p in profiles],
        }

    async def dashboard(self, now: datetime | None = None) -> Dashboard:
        now = (now or datetime.now(UTC)).astimezone()
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        shipments = await ShipmentRow.filter(created_at__gte=start).only("created_at", "packer")
        per_hour = [0] * 24
        per_packer: dict[str, int] = {}
        for s in shipments:
            per_hour[s.created_at.astimezone(now.tzinfo).hour] += 1
            per_packer[s.packer] = per_packer.get(s.packer, 0) + 1
        base = OrderRow.filter(status__in=["open", "partially_shipped"], process="ship")
        end_of_day = start + timedelta(days=1)
        overdue = await base.filter(latest_ship_at__lt=now).count()
        today = await base.filter(latest_ship_at__gte=now, latest_ship_at__lt=end_of_day).count()
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
            dead_jobs=await OutboxJobRow.filter(status="dead").count(),
        )


def _with_rejections(reason: str, rejected: int) -> str:
    """The sync monitor's reason column also says when Amazon rejected stock pushes."""
    if not rejected:
        return reason
    note = f"{rejected} listing(s) rejected by Amazon (packdesk listings list --rejected)"
    return f"{note}; {reason}" if reason else note
