"""`StationBackend`: everything one station asks of the core, for the signed-in packer.

The screens call it only from workers; every method is async and returns plain dataclasses. Tests
hand the App a fake with the same methods. The read models of the monitor screens live in
`console/readmodels.py`; this module is about signing in and packing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.expressions import Q

from console.readmodels import ReadModels
from core.config import Settings
from core.domain.catalog import normalize_code
from core.domain.desk import clean_code
from core.domain.outbox import JobKind
from core.domain.packing import ExpectedLine
from core.errors import ConflictError, NotFound
from core.persistence.models import (
    ArticleRow,
    AuditEventRow,
    BarcodeRow,
    DocumentRow,
    ListingRow,
    OrderLineRow,
    OrderRow,
    OutboxJobRow,
    PackageRow,
    PackerRow,
    PrintJobRow,
    StockReservationRow,
)
from core.ports import PrintPort
from core.security import SecretBox
from core.services import claim, desk, pick_slips, pins, reprint, sessions
from core.services.queries import QUEUE_ORDER, OrderSummary, packing_queue, search_filter
from core.services.queue_keys import QueueKey, page_parts
from core.services.reprint import Reprint, ReprintOffer


@dataclass(frozen=True)
class PackerInfo:
    """Who is signed in at the desk."""

    id: int
    name: str
    badge: str
    role: str
    language: str = ""
    has_pin: bool = False

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


@dataclass
class PackTarget:
    """An order claimed for this desk, with the lines still to pack."""

    order_id: int
    external_id: str
    account: str
    marketplace_id: str
    is_prime: bool
    latest_ship_at: datetime | None
    lines: list[ExpectedLine]
    first_scan: str | None = None  # the article scan that found a single-item order
    resumed: bool = False
    progress: list[dict[int, int]] | None = None  # boxes stored with this desk's claim


@dataclass
class JobProgress:
    """One thing that happens after completion: papers, label, print, confirmation."""

    kind: str
    status: str
    error: str = ""


@dataclass
class QueueFilter:
    account: str = ""
    marketplace: str = ""
    status: str = ""
    search: str = ""
    prime_only: bool = False

    @property
    def empty(self) -> bool:
        return not (
            self.account or self.marketplace or self.status or self.search or self.prime_only
        )


@dataclass
class CompletionReport:
    order_id: int
    external_id: str
    status: str
    documents: dict[str, str] = field(default_factory=dict)


def _packer(row: PackerRow) -> PackerInfo:
    return PackerInfo(row.id, row.name, row.badge, row.role, row.language, bool(row.pin_hash))


class StationBackend(ReadModels):
    """The core services for one station."""

    def __init__(
        self, settings: Settings, box: SecretBox, *, print_port: PrintPort | None = None
    ) -> None:
        self.settings = settings
        self.station = settings.station
        self.box = box
        self.print_port = print_port
        self.session_kind = "local"  # or ssh | web, set by the command that starts the desk
        self.session_id: int | None = None

    # -- people ------------------------------------------------------------------------------
    async def packers(self) -> list[PackerInfo]:
        return [_packer(r) for r in await PackerRow.filter(active=True).order_by("name")]

    async def sign_in(self, badge: str) -> PackerInfo:
        code = clean_code(badge).strip()
        row = await PackerRow.filter(Q(badge=code) | Q(badge=code.upper()), active=True).first()
        if row is None:
            raise NotFound(f"No packer has the badge {code!r} — scan it again or pick your name.")
        await self.start_session(row.name)
        return _packer(row)

    async def packer_by_name(self, name: str) -> PackerInfo:
        row = await PackerRow.filter(name=name, active=True).first()
        if row is None:
            raise NotFound(f"No active packer called {name!r}.")
        await self.start_session(row.name)
        return _packer(row)

    async def check_supervisor(self, pin: str, packer: str = "") -> PackerInfo:
        """The supervisor whose PIN this is; raises UserInputError (wrong, wait, locked, none set)."""
        found = await pins.verify_supervisor_pin(pin, packer=packer, station=self.station)
        return _packer(await PackerRow.get(id=found.id))

    # -- desk sessions: visible in the database so deactivation can end them anywhere --------
    async def start_session(self, packer: str) -> None:
        """A sign-in (badge or name) opens the desk's session row; one at a time per desk."""
        await self.end_session()
        self.session_id = await sessions.start_session(packer, self.station, self.session_kind)

    async def session_open(self) -> bool:
        """False once someone ended this desk's session (the packer was deactivated)."""
        if self.session_id is None:
            return True
        return await sessions.still_open(self.session_id)

    async def end_session(self) -> None:
        if self.session_id is not None:
            await sessions.end_session(self.session_id)
            self.session_id = None

    # -- packing -----------------------------------------------------------------------------
    async def known_codes(self) -> set[str]:
        """Every code that names an article, to tell a wrong item from an unknown code."""
        codes = {c for (c,) in await BarcodeRow.all().values_list("code")}
        codes |= {normalize_code(s) for (s,) in await ArticleRow.all().values_list("sku")}
        return codes

    async def open_order(
        self, code: str, packer: str, alternates: Iterable[str] = ()
    ) -> PackTarget:
        """Claim what a scan names: an order, a delivery note, or an article of a single-item order."""
        code, alternates = clean_code(code), [clean_code(a) for a in alternates]
        for candidate in (code, *alternates):
            order_id = await self._order_for(candidate)
            if order_id is not None:
                return await self._claim(order_id, packer)
        for candidate in (code, *alternates):
            target = await self._single_item_order(candidate, packer)
            if target is not None:
                return target
        raise NotFound(
            f"Nothing is known as {code} — scan an order number, a delivery note or an article."
        )

    async def _order_for(self, code: str) -> int | None:
        row = await OrderRow.filter(external_id=code).only("id").first()
        if row is not None:
            return row.id
        doc = await DocumentRow.filter(number=code).only("id", "order_id").first()
        return doc.order_id if doc is not None else None

    async def _claim(self, order_id: int, packer: str, first_scan: str | None = None) -> PackTarget:
        row = await OrderRow.get(id=order_id)
        resumed = row.status == "packing" and row.claimed_by == self.station
        await claim.claim_order(
            order_id, self.station, packer, timeout_minutes=self.settings.claim_timeout_minutes
        )
        target = await self._target(order_id, first_scan, resumed)
        if resumed:
            target.progress = await desk.stored_progress(order_id, self.station)
        else:  # a fresh claim starts empty, whatever another desk had scanned
            await desk.clear_progress(order_id)
        if target.lines:
            station_cfg = self.settings.stations.get(self.station)
            setting = station_cfg.pick_slip if station_cfg else "never"
            await pick_slips.print_on_claim(order_id, self.station, setting, self.print_port)
        if not target.lines:
            await claim.release_claim(order_id, self.station, packer)
            raise ConflictError(
                f"Order {row.external_id} has nothing left to pack (every item is shipped) — "
                "take the next order and tell a supervisor."
            )
        return target

    async def _target(self, order_id: int, first_scan: str | None, resumed: bool) -> PackTarget:
        row = await OrderRow.get(id=order_id).prefetch_related("account")
        lines = [
            ln
            for ln in await OrderLineRow.filter(order_id=order_id).order_by("id")
            if ln.quantity > ln.quantity_shipped
        ]
        articles = await self._articles_for(row.account_id, lines)
        codes: dict[int, set[str]] = {}
        if articles:
            for b in await BarcodeRow.filter(article_id__in=set(articles.values())):
                codes.setdefault(b.article_id, set()).add(b.code)
            for a in await ArticleRow.filter(id__in=set(articles.values())).only("id", "sku"):
                codes.setdefault(a.id, set()).add(a.sku)
        expected = [
            ExpectedLine.of(
                ln.id,
                ln.sku,
                ln.title,
                ln.quantity - ln.quantity_shipped,
                codes.get(articles.get(ln.id, -1), set()),
            )
            for ln in lines
        ]
        return PackTarget(
            order_id=order_id,
            external_id=row.external_id,
            account=row.account.name,
            marketplace_id=row.marketplace_id,
            is_prime=row.is_prime,
            latest_ship_at=row.latest_ship_at,
            lines=expected,
            first_scan=first_scan,
            resumed=resumed,
        )

    async def _articles_for(self, account_id: int, lines: list[OrderLineRow]) -> dict[int, int]:
        """Order line id -> article id, by reservation, listing or equal SKU."""
        found = {
            r.order_line_id: r.article_id
            for r in await StockReservationRow.filter(order_line_id__in=[ln.id for ln in lines])
        }
        missing = [ln for ln in lines if ln.id not in found]
        if missing:
            skus = {ln.sku for ln in missing}
            by_listing = {
                r.seller_sku: r.article_id
                for r in await ListingRow.filter(account_id=account_id, seller_sku__in=skus)
            }
            by_sku = {a.sku: a.id for a in await ArticleRow.filter(sku__in=skus).only("id", "sku")}
            for ln in missing:
                article = by_listing.get(ln.sku) or by_sku.get(ln.sku)
                if article:
                    found[ln.id] = article
        return found

    async def _single_item_order(self, code: str, packer: str) -> PackTarget | None:
        norm = normalize_code(code)
        barcode = await BarcodeRow.filter(code=norm).first()
        article = (
            await ArticleRow.get_or_none(id=barcode.article_id)
            if barcode
            else await ArticleRow.filter(sku=code.strip()).first()
        )
        if article is None:
            return None
        skus = {article.sku} | {
            s for (s,) in await ListingRow.filter(article_id=article.id).values_list("seller_sku")
        }
        candidates = (
            await OrderRow.filter(
                status__in=list(claim.PACKABLE), process="ship", item_count=1, lines__sku__in=skus
            )
            .order_by("latest_ship_at", "-is_prime", "purchased_at", "id")
            .limit(5)
        )
        for row in candidates:
            try:
                return await self._claim(row.id, packer, first_scan=code)
            except ConflictError:
                continue  # another desk was quicker: take the next one
        raise NotFound(
            f"No single-item order waits for {article.title} — scan the order's delivery note "
            "or pick it in the queue (F2)."
        )

    async def resume(self, packer: str) -> PackTarget | None:
        """The order this desk was packing when the console stopped (a dropped connection)."""
        row = await OrderRow.filter(status="packing", claimed_by=self.station).first()
        return await self._claim(row.id, packer) if row else None

    async def open_by_id(self, order_id: int, packer: str) -> PackTarget:
        return await self._claim(order_id, packer)

    async def save_progress(self, order_id: int, packages: list[dict[int, int]]) -> bool:
        return await desk.save_progress(order_id, self.station, packages)

    async def release(self, order_id: int, packer: str) -> bool:
        released = await claim.release_claim(order_id, self.station, packer)
        if released:
            await desk.clear_progress(order_id)
        return released

    async def hold(self, order_id: int, reason: str, packer: str) -> None:
        await claim.put_on_hold(order_id, clean_code(reason), packer, self.station)
        await desk.clear_progress(order_id)

    async def reprint_offer(self, code: str) -> ReprintOffer | None:
        """The shipment a scan names (order id, paper number, tracking), to print again."""
        return await reprint.find_offer(clean_code(code))

    async def reprint_shipment(self, offer: ReprintOffer, what: Reprint, actor: str) -> list[int]:
        return await reprint.reprint(
            offer, what, box=self.box, print_port=self.print_port, station=self.station, actor=actor
        )

    async def release_hold(self, order_id: int, supervisor: str) -> None:
        await claim.release_hold(order_id, supervisor, self.station)

    async def complete(
        self, order_id: int, packages: list[dict[int, int]], packer: str, *, partial: bool = False
    ) -> CompletionReport:
        """Ship what was packed; the slow work (labels, papers, Amazon) follows in the outbox."""
        from core.services.completion import PackedBox, complete_packing

        result = await complete_packing(
            order_id,
            [PackedBox(lines=dict(p)) for p in packages],
            station=self.station,
            packer=packer,
            company=self.settings.company,
            box=self.box,
            partial=partial,
        )
        await desk.clear_progress(order_id)  # shipped: the next claim (a remainder) starts empty
        row = await OrderRow.get(id=order_id).only("id", "external_id")
        return CompletionReport(
            order_id, row.external_id, result.status.value, result.document_numbers
        )

    async def progress(self, order_id: int) -> list[JobProgress]:
        """Documents, labels, print jobs and the confirmation of one order, as they happen."""
        docs = [d for (d,) in await DocumentRow.filter(order_id=order_id).values_list("id")]
        pkgs = [
            p for (p,) in await PackageRow.filter(shipment__order_id=order_id).values_list("id")
        ]
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
            for p in await PrintJobRow.filter(query, station=self.station).order_by("id"):
                out.append(JobProgress(f"print.{p.kind}", p.status, p.last_error[:200]))
        return out

    async def queue(
        self,
        filters: QueueFilter,
        offset: int = 0,
        limit: int = 50,
        after: QueueKey | None = None,
    ) -> list[OrderSummary]:
        """Open orders, most urgent first, one page at a time (`after`: the last row's key)."""
        if filters.empty:
            return await packing_queue(limit=limit, offset=offset, after=after)
        statuses = [filters.status] if filters.status else list(claim.PACKABLE)
        query = OrderRow.filter(status__in=statuses, process="ship")
        if filters.account:
            query = query.filter(account__name=filters.account)
        if filters.marketplace:
            query = query.filter(marketplace_id=filters.marketplace)
        if filters.prime_only:
            query = query.filter(is_prime=True)
        if filters.search:
            term = clean_code(filters.search).strip()
            query = query.filter(search_filter(term, self.box) | Q(claimed_by=term)).distinct()
        rows: list[OrderRow] = []
        for part in page_parts(after):
            rows += await query.filter(part).order_by(*QUEUE_ORDER).offset(offset).limit(limit)
        rows = rows[:limit]  # dated rows come before undated ones: the first `limit` in order
        return await self.summaries(rows)

    async def change_token(self) -> tuple[int, int, int]:
        """Changes whenever anything a screen shows may have changed; cheap enough to poll."""
        audit_row = await AuditEventRow.all().order_by("-id").only("id").first()
        job_row = await OutboxJobRow.all().order_by("-id").only("id").first()
        busy = await OutboxJobRow.filter(status__in=["pending", "running", "dead"]).count()
        return (audit_row.id if audit_row else 0, job_row.id if job_row else 0, busy)
