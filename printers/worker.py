"""One worker per printer: claims due jobs in order, renders, sends, records the outcome.

Exactly once, as far as the transport can tell: a job is claimed (`printing`, attempts + 1) before
it is sent and marked `done` with the transport's reference (CUPS job id, file name …) right after.
A transient failure puts it back with a later `due_at` and pauses the whole printer (backoff), so
jobs keep their order; the CUPS transport looks for an earlier submission before sending again.
A job left `printing` by a crashed process is put back after `lease_s`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.queryset import QuerySet

from core.config import CupsPrinter, EscposPrinter, FolderPrinter, ZplPrinter
from core.persistence.models import PrintJobRow
from core.security import SecretBox
from printers.errors import PrinterUnavailable, UnprintableJob
from printers.installation import installation_id
from printers.render.convert import prepare
from printers.render.raster import IMAGE_TYPES
from printers.retention import open_payload
from printers.status import ERROR, ONLINE, PrinterStatus, store_status
from printers.transports.base import OutgoingJob, Transport
from printers.transports.cups import CupsTransport

PrinterSettings = EscposPrinter | ZplPrinter | CupsPrinter | FolderPrinter
log = logging.getLogger(__name__)

QUEUED, PRINTING, DONE, FAILED, CANCELLED = "queued", "printing", "done", "failed", "cancelled"

# ZPL II "~JX": cancel a format that is only partly received. A Zebra keeps parsing across
# connections, so without it the rest of a cut job and the start of the resend would become one
# garbled label; a tilde command acts at once and leaves complete formats (and printing) alone.
ZPL_DISCARD_PARTIAL = b"~JX"
RASTERISED = frozenset({"application/pdf", *IMAGE_TYPES})


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Backoff:
    """Delay before the next try after `failures` transient failures in a row (with ±10 % jitter)."""

    base_s: float = 1.0
    max_s: float = 30.0

    def delay(self, failures: int) -> float:
        plain = min(self.max_s, self.base_s * 2.0 ** max(0, failures - 1))
        return float(plain * random.uniform(0.9, 1.1))


async def wait_any(events: tuple[asyncio.Event, ...], seconds: float) -> None:
    """Return when any event is set or `seconds` have passed."""
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=max(0.0, seconds), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()


class PrinterWorker:
    """Drains one printer's queue; `run(stop)` until the event is set."""

    def __init__(
        self,
        name: str,
        printer: PrinterSettings,
        transport: Transport,
        *,
        backoff: Backoff | None = None,
        poll_interval_s: float = 2.0,
        status_interval_s: float | None = 60.0,
        lease_s: float = 120.0,
        station: str | None = None,
        box: SecretBox | None = None,
    ) -> None:
        self.box = box
        self.name = name
        # Whose jobs: printer names are per process config ("receipt" at every desk), so a job
        # is this worker's only when it was spooled for this process's station as well.
        self.station = station
        self.printer = printer
        self.transport = transport
        self.backoff = backoff or Backoff()
        self.poll_interval_s = poll_interval_s
        self.status_interval_s = status_interval_s
        self.lease_s = lease_s
        self.wake = asyncio.Event()
        self.failures = 0
        self._paused_until = 0.0  # monotonic
        self._reported: tuple[str, str] | None = None
        self._reported_at = 0.0
        self._recovered_at = float("-inf")

    def nudge(self) -> None:
        """Try now: end a backoff pause and wake the worker (a person fixed the printer)."""
        self._paused_until = 0.0
        self.wake.set()

    async def report(self, state: str, detail: str = "", force: bool = False) -> None:
        """Store the printer's status when it changed (or when forced)."""
        if force or self._reported != (state, detail):
            await store_status(self.name, state, detail)
            self._reported = (state, detail)
            self._reported_at = time.monotonic()

    async def refresh_status(self) -> PrinterStatus:
        status = await self.transport.probe()
        await self.report(status.state, status.detail, force=True)
        return status

    async def run(self, stop: asyncio.Event) -> None:
        with contextlib.suppress(Exception):
            await self.refresh_status()
        while not stop.is_set():
            self.wake.clear()
            try:
                delay = await self.drain()
            except Exception:  # the database went away for a moment: keep the worker alive
                log.exception("print worker %s: draining failed", self.name)
                delay = self.backoff.delay(2)
            timeout = self.poll_interval_s if delay is None else min(delay, self.poll_interval_s)
            if (
                delay is None
                and self.status_interval_s is not None
                and time.monotonic() - self._reported_at > self.status_interval_s
            ):
                with contextlib.suppress(Exception):
                    await self.refresh_status()
            await wait_any((stop, self.wake), timeout)

    async def _recover(self) -> None:
        if time.monotonic() - self._recovered_at < self.lease_s / 2:
            return
        self._recovered_at = time.monotonic()
        now = utcnow()
        count = await self._mine(
            status=PRINTING, updated_at__lt=now - timedelta(seconds=self.lease_s)
        ).update(
            status=QUEUED,
            due_at=now,
            updated_at=now,
            last_error="interrupted while printing; checked before sending again",
        )
        if count:
            log.warning("print worker %s: %d interrupted job(s) put back", self.name, count)

    async def drain(self) -> float | None:
        """Print every due job; return seconds until the next try, or None when nothing waits."""
        pause = self._paused_until - time.monotonic()
        if pause > 0:
            return pause
        await self._recover()
        while True:
            now = utcnow()
            row = await self._mine(status=QUEUED, due_at__lte=now).order_by("id").first()
            if row is None:
                upcoming = await self._mine(status=QUEUED).order_by("due_at").first()
                return (
                    None if upcoming is None else max(0.0, (upcoming.due_at - now).total_seconds())
                )
            claimed = await PrintJobRow.filter(id=row.id, status=QUEUED).update(
                status=PRINTING, attempts=row.attempts + 1, updated_at=now
            )
            if not claimed:
                continue  # another worker took it
            row.attempts += 1
            pause_s = await self.print_one(row)
            if pause_s is not None:
                return pause_s

    def _mine(self, **conditions: object) -> QuerySet[PrintJobRow]:
        query = PrintJobRow.filter(printer=self.name, **conditions)
        return query if self.station is None else query.filter(station=self.station)

    async def print_one(self, row: PrintJobRow) -> float | None:
        """Render and send one claimed job; return the pause after a transient failure."""
        try:
            payload = open_payload(bytes(row.payload), self.box)
            if row.content_type in RASTERISED:  # seconds of CPU: off the event loop
                prepared = await asyncio.to_thread(prepare, row.content_type, payload, self.printer)
            else:  # receipts, pick slips, ZPL: microseconds, not worth a thread hop per job
                prepared = prepare(row.content_type, payload, self.printer)
            payload = prepared.payload
            if row.attempts > 1 and prepared.content_type == "application/zpl":
                payload = ZPL_DISCARD_PARTIAL + payload
            job = OutgoingJob(
                row.id,
                row.kind,
                row.title,
                payload,
                prepared.content_type,
                prepared.extension,
                attempt=row.attempts,
            )
            if isinstance(self.transport, CupsTransport) and not self.transport.installation:
                self.transport.installation = await installation_id()
            delivery = await self.transport.send(job)
        except UnprintableJob as exc:
            await self._finish(row, FAILED, last_error=str(exc))
            log.warning("print job %s failed for good: %s", row.id, exc)
            return None
        except PrinterUnavailable as exc:
            return await self._later(row, exc.state, str(exc))
        except Exception as exc:  # a bug or an unexpected library error: keep the job, say why
            log.exception("print job %s: unexpected error", row.id)
            return await self._later(row, ERROR, f"unexpected error: {type(exc).__name__}: {exc}")
        await self._finish(
            row,
            DONE,
            last_error=delivery.note,
            transport_ref=delivery.ref[:128],
            printed_at=utcnow(),
        )
        self.failures = 0
        await self.report(ONLINE, "")
        return None

    async def _later(self, row: PrintJobRow, state: str, reason: str) -> float:
        self.failures += 1
        delay = self.backoff.delay(self.failures)
        self._paused_until = time.monotonic() + delay
        due = utcnow() + timedelta(seconds=delay)
        await self.report(state, reason)  # first: whoever sees the job back sees why
        await self._finish(row, QUEUED, last_error=reason, due_at=due)
        return delay

    @staticmethod
    async def _finish(row: PrintJobRow, status: str, **values: object) -> None:
        await PrintJobRow.filter(id=row.id).update(status=status, updated_at=utcnow(), **values)
