"""One worker per printer: claims due jobs in order, renders, sends, records the outcome.

As close to exactly once as the transport can tell: a job is claimed (`printing`, attempts + 1)
before it is sent and marked `done` with the transport's reference (CUPS job id, file name …) only
after the transport said the printer has it, in the statement that claims the next job
(printers/queue.py: two statements per job). A transient failure puts it back with a later
`due_at` and pauses the whole printer (backoff), so jobs keep their order; the CUPS transport looks
for an earlier submission before sending again. A job left `printing` by a crashed process is put
back after `lease_s`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F
from tortoise.queryset import QuerySet

from core.config import CupsPrinter, EscposPrinter, FolderPrinter, ZplPrinter
from core.persistence.models import PrintJobRow
from core.security import SecretBox
from printers.errors import PrinterUnavailable, UnprintableJob
from printers.installation import installation_id
from printers.queue import (
    CANCELLED,
    DONE,
    FAILED,
    PRINTING,
    QUEUED,
    ClaimedJob,
    Outcome,
    claim,
    record,
)
from printers.render.media import IMAGE_TYPES
from printers.retention import open_payload
from printers.status import ERROR, ONLINE, PrinterStatus, store_status
from printers.transports.base import OutgoingJob, Transport
from printers.transports.cups import CupsTransport

PrinterSettings = EscposPrinter | ZplPrinter | CupsPrinter | FolderPrinter
log = logging.getLogger(__name__)

__all__ = ["CANCELLED", "DONE", "FAILED", "PRINTING", "QUEUED", "Backoff", "PrinterWorker"]

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
        # Hand-over: a job spooled in this process while nothing waits in the queue before it is
        # written already claimed and given to the worker in memory (no claim round trip). It
        # waits at most for the job being sent now (bounded by the transport's timeout, far
        # below the lease), and goes back to the queue if the printer pauses first.
        self._running = False
        self._queue_empty = False  # the last claim found nothing, and nothing was queued since
        self._handed: list[ClaimedJob] = []
        self._handing = False  # a job is being written to be handed over

    @property
    def takes_hand_over(self) -> bool:
        """Would the next job spooled here skip the queue (see `take_next`)?"""
        return (
            self._running
            and self._queue_empty
            and not self._handed
            and not self._handing
            and self._paused_until <= time.monotonic()
        )

    def take_next(self) -> bool:
        """Reserve the hand-over for the next job spooled here (written `printing`, then `hand`).

        Yes while the worker runs, is not paused, nothing is queued before the job and no other
        job is on its way; one at a time, so the order stays the order spooled. A yes must be
        followed by `hand(job)`, or `hand(None)` when the job was not written.
        """
        if not self.takes_hand_over:
            return False
        self._handing = True
        return True

    def hand(self, job: ClaimedJob | None) -> None:
        """Give the worker the job `take_next` accepted; it prints it before claiming more."""
        self._handing = False
        if job is not None:
            self._handed.append(job)
        self.wake.set()

    def queued(self) -> None:
        """A job for this worker was written to the queue: look, and hand nothing over before it."""
        self._queue_empty = False
        self.wake.set()

    def nudge(self) -> None:
        """Try now: end a backoff pause and wake the worker (a person fixed the printer)."""
        self._paused_until = 0.0
        self._queue_empty = False
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
        self._running = True
        try:
            await self._run(stop)
        finally:
            self._running = False
            with contextlib.suppress(
                Exception
            ):  # stopping: what was handed over waits in the queue
                await self._put_back_handed()

    async def _run(self, stop: asyncio.Event) -> None:
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
        """Print every due job; return seconds until the next try, or None when nothing waits.

        Jobs that failed here wait out the printer's pause (returned by `print_one`); a job that
        another process put back for later is found by the next poll.
        """
        pause = self._paused_until - time.monotonic()
        if pause > 0:
            await self._put_back_handed()
            return pause
        await self._recover()
        finished: Outcome | None = None
        while True:
            if self._handed:
                job: ClaimedJob | None = self._handed.pop(0)
                if finished is not None:
                    await record(finished, utcnow())
                    finished = None
            else:
                job = await claim(self.name, self.station, utcnow(), finished)
                self._queue_empty = job is None
            if job is None:
                return None
            finished, pause_s = await self.attempt(job)
            if pause_s is not None:
                await self._put_back_handed()
                return pause_s

    async def _put_back_handed(self) -> None:
        """Jobs handed over but not sent (the printer paused, the worker stops) join the queue."""
        if self._handed:
            self._queue_empty = False
            ids = [job.id for job in self._handed]
            self._handed.clear()
            await PrintJobRow.filter(id__in=ids, status=PRINTING).update(
                status=QUEUED, attempts=F("attempts") - 1, due_at=utcnow(), updated_at=utcnow()
            )

    def _mine(self, **conditions: object) -> QuerySet[PrintJobRow]:
        query = PrintJobRow.filter(printer=self.name, **conditions)
        return query if self.station is None else query.filter(station=self.station)

    async def print_one(self, job: ClaimedJob) -> float | None:
        """Send one claimed job and record how it ended; return the pause after a failure."""
        outcome, pause_s = await self.attempt(job)
        if outcome is not None:
            await record(outcome, utcnow())
        return pause_s

    async def attempt(self, job: ClaimedJob) -> tuple[Outcome | None, float | None]:
        """Render and send one claimed job.

        Returns its outcome for the caller to record (done, or failed for good), or, after a
        transient failure, (None, pause): the job is then already back in the queue.
        """
        # Rendering loads pypdf and Pillow: on the first job, not while the desk starts.
        from printers.render.convert import prepare

        try:
            payload = open_payload(job.payload, self.box)
            if job.content_type in RASTERISED:  # seconds of CPU: off the event loop
                prepared = await asyncio.to_thread(prepare, job.content_type, payload, self.printer)
            else:  # receipts, pick slips, ZPL: microseconds, not worth a thread hop per job
                prepared = prepare(job.content_type, payload, self.printer)
            payload = prepared.payload
            if job.attempts > 1 and prepared.content_type == "application/zpl":
                payload = ZPL_DISCARD_PARTIAL + payload
            outgoing = OutgoingJob(
                job.id,
                job.kind,
                job.title,
                payload,
                prepared.content_type,
                prepared.extension,
                attempt=job.attempts,
            )
            if isinstance(self.transport, CupsTransport) and not self.transport.installation:
                self.transport.installation = await installation_id()
            delivery = await self.transport.send(outgoing)
        except UnprintableJob as exc:
            log.warning("print job %s failed for good: %s", job.id, exc)
            return Outcome(job.id, FAILED, note=str(exc)), None
        except PrinterUnavailable as exc:
            return None, await self._later(job, exc.state, str(exc))
        except Exception as exc:  # a bug or an unexpected library error: keep the job, say why
            log.exception("print job %s: unexpected error", job.id)
            reason = f"unexpected error: {type(exc).__name__}: {exc}"
            return None, await self._later(job, ERROR, reason)
        self.failures = 0
        await self.report(ONLINE, "")  # a write only when the printer was not online before
        return Outcome(job.id, DONE, delivery.note, delivery.ref, utcnow()), None

    async def _later(self, job: ClaimedJob, state: str, reason: str) -> float:
        self.failures += 1
        delay = self.backoff.delay(self.failures)
        # The job is due when the pause ends (read in this order, the pause ends no earlier).
        due = utcnow() + timedelta(seconds=delay)
        self._paused_until = time.monotonic() + delay
        self._queue_empty = False
        await self.report(state, reason)  # first: whoever sees the job back sees why
        await PrintJobRow.filter(id=job.id).update(
            status=QUEUED, last_error=reason, due_at=due, updated_at=utcnow()
        )
        return delay
