"""The outbox: side effects written with the change that causes them, run later with retries.

`enqueue` is called inside the caller's transaction. `OutboxRunner` claims due jobs (PostgreSQL:
`FOR UPDATE SKIP LOCKED`, so several runners share the work; SQLite: one writer at a time), runs the
handler registered for the job's kind outside any transaction, and records the outcome. A job that
fails is retried with exponential backoff and jitter; after `max_attempts` it is `dead` with its
last error, for a person to retry or discard. A runner that dies leaves its jobs leased; the lease
runs out and another runner takes them.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.domain.outbox import JobKind, JobStatus, OutboxJob, backoff_delay
from core.errors import ConfigurationMissing, NotFound, Outcome, PackdeskError, RemoteError
from core.persistence.models import OutboxJobRow

log = logging.getLogger(__name__)

Handler = Callable[[OutboxJob], Awaitable[None]]


class PermanentFailure(PackdeskError):
    """Retrying cannot help (a 5xx from SMTP, a validation error from Amazon): the job dies now."""


class RetryLater(PackdeskError):
    """Not a failure: try again after `delay_s` without counting an attempt (e.g. a rate limit)."""

    def __init__(self, message: str, delay_s: float) -> None:
        super().__init__(message)
        self.delay_s = delay_s


def outcome_of(exc: BaseException) -> tuple[Outcome, float]:
    """What a job does after `exc`, and for WAIT how long: the one rule every handler shares."""
    if isinstance(exc, RetryLater):
        return Outcome.WAIT, exc.delay_s
    if isinstance(exc, PermanentFailure):
        return Outcome.FAIL, 0.0
    if isinstance(exc, RemoteError):
        return exc.outcome, exc.wait_s
    return Outcome.RETRY, 0.0


def utcnow() -> datetime:
    return datetime.now(UTC)


async def enqueue(
    kind: str,
    key: str,
    payload: dict[str, Any],
    *,
    using_db: BaseDBAsyncClient | None = None,
    account_id: int | None = None,
    due_at: datetime | None = None,
) -> None:
    """Queue a job unless one with the same idempotency key exists (then nothing happens)."""
    row = OutboxJobRow(
        kind=kind,
        key=key,
        payload=payload,
        account_id=account_id,
        due_at=due_at or utcnow(),
        status=JobStatus.PENDING.value,
    )
    await OutboxJobRow.bulk_create([row], ignore_conflicts=True, using_db=using_db)


async def queue_job(
    kind: JobKind,
    subject: int | str,
    payload: dict[str, Any],
    *,
    using_db: BaseDBAsyncClient | None = None,
    account_id: int | None = None,
    due_at: datetime | None = None,
) -> str:
    """Queue the job `kind` does for `subject` (once: its key is `kind:subject`); returns the key."""
    key = kind.key(subject)
    await enqueue(kind, key, payload, using_db=using_db, account_id=account_id, due_at=due_at)
    return key


def to_job(row: OutboxJobRow) -> OutboxJob:
    return OutboxJob(
        kind=row.kind,
        key=row.key,
        payload=row.payload,
        status=JobStatus(row.status),
        attempts=row.attempts,
        due_at=row.due_at,
        last_error=row.last_error,
        account_id=row.account_id,
        id=row.id,
    )


@dataclass
class RunSummary:
    done: int = 0
    retried: int = 0
    dead: int = 0
    needs_config: int = 0

    def __iadd__(self, other: RunSummary) -> RunSummary:
        self.done += other.done
        self.retried += other.retried
        self.dead += other.dead
        self.needs_config += other.needs_config
        return self


class OutboxRunner:
    """Claims and runs due jobs. Safe to run several at once, in one process or many."""

    def __init__(
        self,
        handlers: Mapping[str, Handler],
        *,
        worker: str = "runner",
        max_attempts: int = 8,
        base_delay_s: float = 2.0,
        max_delay_s: float = 3600.0,
        lease_s: float = 300.0,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        config_recheck_s: float = 300.0,
    ) -> None:
        self.handlers = dict(handlers)
        self.worker = worker
        self.max_attempts = max_attempts
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.lease_s = lease_s
        self.clock = clock
        self.rng = rng or random.Random()
        self.config_recheck_s = config_recheck_s
        self._config_rechecked = False

    async def claim(
        self,
        limit: int = 20,
        kinds: Iterable[str] | None = None,
        account_id: int | None = None,
    ) -> list[OutboxJob]:
        """Lease up to `limit` due jobs to this runner."""
        now = self.clock()
        if not self._config_rechecked:
            # A new runner is a process that read its config anew: what waited may run now.
            self._config_rechecked = True
            await OutboxJobRow.filter(status=JobStatus.NEEDS_CONFIG.value).update(due_at=now)
        due = (
            Q(status=JobStatus.PENDING.value, due_at__lte=now)
            | Q(status=JobStatus.NEEDS_CONFIG.value, due_at__lte=now)
            | Q(status=JobStatus.RUNNING.value, locked_until__lt=now)
        )
        wanted = list(kinds) if kinds is not None else list(self.handlers)
        async with in_transaction() as conn:
            query = OutboxJobRow.filter(due, kind__in=wanted)
            if account_id is not None:
                query = query.filter(account_id=account_id)
            rows = (
                await query.order_by("due_at", "id")
                .limit(limit)
                .select_for_update(skip_locked=True)
                .using_db(conn)
            )
            if not rows:
                return []
            await (
                OutboxJobRow.filter(id__in=[r.id for r in rows])
                .using_db(conn)
                .update(
                    status=JobStatus.RUNNING.value,
                    locked_by=self.worker,
                    locked_until=now + timedelta(seconds=self.lease_s),
                )
            )
        return [to_job(r) for r in rows]

    async def run_job(self, job: OutboxJob) -> JobStatus:
        """Run one claimed job and record what happened."""
        handler = self.handlers[job.kind]
        try:
            await handler(job)
        except ConfigurationMissing as exc:
            # Not the job's fault and no attempt used: it waits, visibly, for a person to act.
            log.warning("outbox job %s (%s) needs configuration: %s", job.id, job.kind, exc)
            await OutboxJobRow.filter(id=job.id).update(
                status=JobStatus.NEEDS_CONFIG.value,
                last_error=_describe(exc),
                due_at=self.clock() + timedelta(seconds=self.config_recheck_s),
                locked_by="",
                locked_until=None,
            )
            return JobStatus.NEEDS_CONFIG
        except Exception as exc:  # every failure is recorded on the job, none escapes the runner
            error = _describe(exc)
            outcome, wait_s = outcome_of(exc)
            if outcome is Outcome.WAIT:
                await self._reschedule(job, error, wait_s, count_attempt=False)
                return JobStatus.PENDING
            attempts = job.attempts + 1
            if outcome is Outcome.FAIL or attempts >= self.max_attempts:
                log.warning("outbox job %s (%s) is dead: %s", job.id, job.kind, error)
                await OutboxJobRow.filter(id=job.id).update(
                    status=JobStatus.DEAD.value,
                    attempts=attempts,
                    last_error=error,
                    locked_by="",
                    locked_until=None,
                )
                return JobStatus.DEAD
            delay = backoff_delay(attempts, self.base_delay_s, self.max_delay_s, self.rng)
            log.info(
                "outbox job %s (%s) failed, retry in %.1fs: %s", job.id, job.kind, delay, error
            )
            await self._reschedule(job, error, delay, count_attempt=True)
            return JobStatus.PENDING
        await OutboxJobRow.filter(id=job.id).update(
            status=JobStatus.DONE.value,
            attempts=job.attempts + 1,
            done_at=self.clock(),
            locked_by="",
            locked_until=None,
        )
        return JobStatus.DONE

    async def _reschedule(
        self, job: OutboxJob, error: str, delay_s: float, *, count_attempt: bool
    ) -> None:
        await OutboxJobRow.filter(id=job.id).update(
            status=JobStatus.PENDING.value,
            attempts=job.attempts + (1 if count_attempt else 0),
            last_error=error,
            due_at=self.clock() + timedelta(seconds=delay_s),
            locked_by="",
            locked_until=None,
        )

    async def run_once(
        self,
        limit: int = 50,
        kinds: Iterable[str] | None = None,
        account_id: int | None = None,
        concurrency: int = 4,
    ) -> RunSummary:
        """Claim one batch of due jobs and run them, a few at a time."""
        jobs = await self.claim(limit, kinds, account_id)
        summary = RunSummary()
        gate = asyncio.Semaphore(concurrency)

        async def one(job: OutboxJob) -> None:
            async with gate:
                status = await self.run_job(job)
            if status is JobStatus.DONE:
                summary.done += 1
            elif status is JobStatus.DEAD:
                summary.dead += 1
            elif status is JobStatus.NEEDS_CONFIG:
                summary.needs_config += 1
            else:
                summary.retried += 1

        await asyncio.gather(*(one(j) for j in jobs))
        return summary

    async def drain(
        self,
        kinds: Iterable[str] | None = None,
        account_id: int | None = None,
        max_rounds: int = 100,
    ) -> RunSummary:
        """Run batches until nothing is due (or `max_rounds` batches ran)."""
        total = RunSummary()
        for _ in range(max_rounds):
            batch = await self.run_once(kinds=kinds, account_id=account_id)
            total += batch
            if batch.done + batch.retried + batch.dead + batch.needs_config == 0:
                break
        return total

    async def run_forever(self, stop: asyncio.Event, idle_s: float = 1.0) -> None:
        """Drain until `stop` is set, resting `idle_s` when nothing is due."""
        while not stop.is_set():
            try:
                batch = await self.run_once()
            except Exception:  # the database may be briefly unavailable; try again shortly
                log.exception("outbox runner %s: claiming failed", self.worker)
                batch = RunSummary()
            if batch.done + batch.retried + batch.dead + batch.needs_config == 0:
                try:
                    await asyncio.wait_for(stop.wait(), idle_s)
                except TimeoutError:
                    pass


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:2000]


async def retry_job(job_id: int) -> None:
    """A person asks for a dead (or waiting) job to run again now."""
    waiting = ["dead", "pending", JobStatus.NEEDS_CONFIG.value]
    updated = await OutboxJobRow.filter(id=job_id, status__in=waiting).update(
        status=JobStatus.PENDING.value, due_at=utcnow(), attempts=0
    )
    if not updated:
        raise NotFound(f"No waiting or dead outbox job {job_id}.")


async def discard_job(job_id: int) -> None:
    """A person gives up on a dead job; it stays as a record."""
    updated = await OutboxJobRow.filter(id=job_id, status="dead").update(
        status=JobStatus.DISCARDED.value, done_at=utcnow()
    )
    if not updated:
        raise NotFound(f"No dead outbox job {job_id}.")
