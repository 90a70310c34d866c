"""The durable print spool: `Spool` implements core's `PrintPort` and runs one worker per printer.

`submit()` only writes a row (routed by station and document kind, idempotent by key) and wakes the
printer's worker in this process; packing never waits for paper. When that worker waits with
nothing due, the row is written already claimed and the job handed to it in memory (one statement
between "spool this" and the first byte on the wire). Workers in any process drain the
table (claims are atomic updates, so two processes never print the same job).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from tortoise.exceptions import IntegrityError

from core.config import FolderPrinter, Settings
from core.errors import ConflictError, UserInputError
from core.persistence.models import PrintJobRow
from core.ports import PrintRequest
from core.security import SecretBox
from printers.errors import NoPrinterRoute, UnknownPrintJob
from printers.queue import ClaimedJob
from printers.render.pick_slip import PICK_SLIP_TYPE, PickSlip
from printers.retention import RETENTION, open_payload, purge_spool, seal_payload
from printers.status import UNKNOWN, PrinterStatus, load_statuses, store_status
from printers.transports import Transport, make_transport
from printers.worker import (
    CANCELLED,
    DONE,
    FAILED,
    PRINTING,
    QUEUED,
    Backoff,
    PrinterWorker,
    utcnow,
    wait_any,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintJobView:
    """A print job as the console and CLI show it."""

    id: int
    printer: str
    kind: str
    title: str
    status: str
    attempts: int
    last_error: str
    transport_ref: str
    created_at: datetime
    printed_at: datetime | None
    copy_of: int | None

    @classmethod
    def of(cls, row: PrintJobRow) -> PrintJobView:
        return cls(
            row.id,
            row.printer,
            row.kind,
            row.title,
            row.status,
            row.attempts,
            row.last_error,
            row.transport_ref,
            row.created_at,
            row.printed_at,
            row.copy_of_id,
        )


class Spool:
    """Print jobs as rows; `run(stop)` drains them with one `PrinterWorker` per printer."""

    def __init__(
        self,
        settings: Settings,
        *,
        transports: Mapping[str, Transport] | None = None,
        backoff: Backoff | None = None,
        poll_interval_s: float = 2.0,
        status_interval_s: float | None = 60.0,
        lease_s: float = 120.0,
        box: SecretBox | None = None,
        retention: timedelta = RETENTION,
        purge_interval_s: float = 3600.0,
    ) -> None:
        self.settings = settings
        self.box = box  # seals payloads at rest (buyer names, addresses); None: kept in clear
        self.retention = retention
        self._purge_interval_s = purge_interval_s
        self._transports = dict(transports or {})
        self._backoff = backoff or Backoff()
        self._poll_interval_s = poll_interval_s
        self._status_interval_s = status_interval_s
        self._lease_s = lease_s
        self._workers: dict[str, PrinterWorker] = {}

    # -- routing -------------------------------------------------------------------------------
    def route(self, station: str, kind: str) -> str:
        """The printer that takes `kind` at `station`, or `NoPrinterRoute` with a sentence."""
        cfg = self.settings.stations.get(station)
        printer = cfg.routes.get(kind) if cfg else None  # type: ignore[call-overload]
        if not printer or printer not in self.settings.printers:
            raise NoPrinterRoute(station, kind)
        return str(printer)

    def station_printers(self, station: str | None = None) -> list[str]:
        cfg = self.settings.stations.get(station or self.settings.station)
        return sorted(
            {p for p in (cfg.routes.values() if cfg else ()) if p in self.settings.printers}
        )

    def transport(self, name: str) -> Transport:
        if name not in self._transports:
            if name not in self.settings.printers:
                raise UserInputError(
                    f"No printer named {name!r} (known: {', '.join(sorted(self.settings.printers)) or 'none'})."
                )
            self._transports[name] = make_transport(name, self.settings.printers[name])
        return self._transports[name]

    def worker(self, name: str) -> PrinterWorker:
        if name not in self._workers:
            self._workers[name] = PrinterWorker(
                name,
                self.settings.printers[name],
                self.transport(name),
                backoff=self._backoff,
                poll_interval_s=self._poll_interval_s,
                status_interval_s=self._status_interval_s,
                lease_s=self._lease_s,
                station=self.settings.station,
                box=self.box,
            )
        return self._workers[name]

    # -- the print port ------------------------------------------------------------------------
    async def submit(self, request: PrintRequest) -> int:
        """Spool the request durably and return its job id; the same key returns the same job."""
        printer = self.route(request.station, request.kind)
        return await self.submit_to(printer, request)

    async def submit_to(
        self, printer: str, request: PrintRequest, copy_of: int | None = None
    ) -> int:
        """Spool for a named printer, bypassing the station's routes (test pages, reprints)."""
        if printer not in self.settings.printers:
            raise UserInputError(f"No printer named {printer!r}.")
        worker = self._workers.get(printer)
        handing = (
            worker is not None and worker.station in (None, request.station) and worker.take_next()
        )
        payload = seal_payload(request.payload, self.box)
        handed: ClaimedJob | None = None
        try:  # one statement; the key is unique, so a second submission finds the first
            row = await PrintJobRow.create(
                key=request.key[:255],
                station=request.station[:64],
                printer=printer,
                kind=request.kind[:16],
                title=request.title[:255],
                content_type=request.content_type[:64],
                payload=payload,
                status=PRINTING if handing else QUEUED,
                attempts=1 if handing else 0,
                due_at=utcnow(),
                copy_of_id=copy_of,
            )
            if handing:
                handed = ClaimedJob(row.id, row.kind, row.title, row.content_type, payload, 1)
        except IntegrityError:  # spooled before (a retried outbox job, a second click)
            return int((await PrintJobRow.get(key=request.key[:255]).only("id")).id)
        finally:
            if worker is not None and handing:
                worker.hand(handed)
        if worker is not None and not handing:
            worker.queued()
        return int(row.id)

    async def reprint(self, job_id: int, printer: str | None = None) -> int:
        """Print a job again as a new job marked as a copy; returns the new job id."""
        original = await self._get(job_id)
        root = original.copy_of_id or original.id
        if printer is None:
            try:
                printer = self.route(original.station, original.kind)
            except NoPrinterRoute:
                printer = original.printer
        request = PrintRequest(
            station=original.station,
            kind=original.kind,
            title=original.title,
            content_type=original.content_type,
            payload=open_payload(bytes(original.payload), self.box),
            key=f"{original.key[:200]}#copy-{uuid.uuid4().hex[:16]}",
            copy=True,
        )
        return await self.submit_to(printer, request, copy_of=root)

    async def cancel(self, job_id: int) -> None:
        """Withdraw a job that has not printed yet; a printed or printing one raises ConflictError."""
        row = await self._get(job_id)
        changed = await PrintJobRow.filter(id=job_id, status__in=(QUEUED, FAILED)).update(
            status=CANCELLED, updated_at=utcnow()
        )
        if changed or row.status == CANCELLED:
            return
        row = await self._get(job_id)
        if row.status == PRINTING:
            raise ConflictError(f"Print job {job_id} is being sent to {row.printer} right now.")
        if row.status == DONE:
            raise ConflictError(f"Print job {job_id} has already printed on {row.printer}.")

    async def retry(self, job_id: int) -> None:
        """Queue a failed job again (after the reason was fixed)."""
        row = await self._get(job_id)
        if row.status != FAILED:
            raise ConflictError(f"Print job {job_id} is {row.status}, not failed.")
        await PrintJobRow.filter(id=job_id, status=FAILED).update(
            status=QUEUED, due_at=utcnow(), updated_at=utcnow()
        )
        if row.printer in self._workers:
            self._workers[row.printer].nudge()

    async def job(self, job_id: int) -> PrintJobView:
        return PrintJobView.of(await self._get(job_id))

    async def jobs(
        self, *, printer: str | None = None, status: str | None = None, limit: int = 50
    ) -> list[PrintJobView]:
        query = PrintJobRow.all()
        if printer:
            query = query.filter(printer=printer)
        if status:
            query = query.filter(status=status)
        rows = await query.order_by("-id").limit(limit)
        return [PrintJobView.of(r) for r in rows]

    async def _get(self, job_id: int) -> PrintJobRow:
        row = await PrintJobRow.get_or_none(id=job_id)
        if row is None:
            raise UnknownPrintJob(f"No print job {job_id}.")
        return row

    # -- status and test pages -----------------------------------------------------------------
    async def status(self, probe: bool = False) -> list[PrinterStatus]:
        """Every configured printer's status: stored, or asked now (`probe`) and stored."""
        names = sorted(self.settings.printers)
        if probe:
            found = await asyncio.gather(*(self.transport(n).probe() for n in names))
            return [await store_status(s.name, s.state, s.detail) for s in found]
        stored = await load_statuses()
        return [stored.get(n, PrinterStatus(n, UNKNOWN, "not checked yet")) for n in names]

    async def print_test_page(self, name: str, station: str | None = None) -> PrintJobView:
        """Spool a test page for `name` and send it now, once; an unreachable printer cancels it."""
        from printers.render.testpage import printer_test_page  # fpdf and barcodes: only here

        payload, content_type = printer_test_page(
            self.settings.printers[self._known(name)], name, utcnow()
        )
        request = PrintRequest(
            station=station or self.settings.station,
            kind="test_page",
            title=f"Test page {name}",
            content_type=content_type,
            payload=payload,
            key=f"test:{name}:{uuid.uuid4().hex}",
        )
        job_id = await self.submit_to(name, request)
        worker = self.worker(name)
        await PrintJobRow.filter(id=job_id).update(status=PRINTING, attempts=1)
        stored = seal_payload(request.payload, self.box)  # the worker opens what it claims
        job = ClaimedJob(job_id, request.kind, request.title, content_type, stored, 1)
        if await worker.print_one(job) is not None:
            await PrintJobRow.filter(id=job_id, status=QUEUED).update(status=CANCELLED)
        return await self.job(job_id)

    def _known(self, name: str) -> str:
        self.transport(name)
        return name

    # -- retention -----------------------------------------------------------------------------
    async def purge(self, now: datetime | None = None) -> int:
        """Delete finished jobs past the retention, with the files folder printers wrote."""
        folders = {
            name: Path(p.path)
            for name, p in self.settings.printers.items()
            if isinstance(p, FolderPrinter)
        }
        return await purge_spool(now or utcnow(), self.retention, folders)

    async def _purge_now_and_then(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.purge()
            except Exception:  # the database went away for a moment: try again next time
                log.exception("print spool: purge failed")
            await wait_any((stop,), self._purge_interval_s)

    # -- workers -------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event, printers: Iterable[str] | None = None) -> None:
        """Run one worker per printer (default: the printers this station routes to) until `stop`."""
        names = list(printers) if printers is not None else self.station_printers()
        async with asyncio.TaskGroup() as group:
            group.create_task(self._purge_now_and_then(stop), name="print-spool-purge")
            for name in names:
                group.create_task(self.worker(name).run(stop), name=f"print-worker-{name}")


def pick_slip_request(station: str, slip: PickSlip, key: str | None = None) -> PrintRequest:
    """A `PrintRequest` for a pick slip; the spool renders it for whichever printer takes it."""
    return PrintRequest(
        station=station,
        kind="pick_slip",
        title=f"Pick slip {slip.order_ref}",
        content_type=PICK_SLIP_TYPE,
        payload=slip.to_json(),
        key=key or f"pick_slip:{slip.order_ref}",
    )
