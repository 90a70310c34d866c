"""Outbox: idempotent enqueue, retries with backoff, dead letters, leases, several runners."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from core.domain.outbox import JobKind, OutboxJob, backoff_delay
from core.persistence.models import OutboxJobRow
from core.services.outbox import (
    OutboxRunner,
    PermanentFailure,
    RetryLater,
    discard_job,
    enqueue,
    queue_job,
    retry_job,
)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


async def test_enqueue_is_idempotent_by_key(db):
    async with in_transaction() as conn:
        await enqueue("mail.invoice", "mail.invoice:1", {"document_id": 1}, using_db=conn)
        await enqueue("mail.invoice", "mail.invoice:1", {"document_id": 1}, using_db=conn)
    assert await OutboxJobRow.all().count() == 1


async def test_a_job_enqueued_in_a_rolled_back_transaction_does_not_exist(db):
    try:
        async with in_transaction() as conn:
            await enqueue("x", "x:1", {}, using_db=conn)
            raise RuntimeError
    except RuntimeError:
        pass
    assert await OutboxJobRow.all().count() == 0


async def test_retry_with_backoff_then_success(db):
    clock = Clock()
    calls: list[int] = []

    async def flaky(job: OutboxJob) -> None:
        calls.append(job.attempts)
        if len(calls) < 3:
            raise ConnectionError("SMTP server not reachable")

    runner = OutboxRunner({"flaky": flaky}, clock=clock, base_delay_s=10, rng=random.Random(1))
    await enqueue("flaky", "flaky:1", {}, due_at=clock.now)
    assert (await runner.run_once()).retried == 1
    row = await OutboxJobRow.get(key="flaky:1")
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "SMTP server not reachable")
    first_delay = (row.due_at - clock.now).total_seconds()
    assert 5 <= first_delay <= 10
    assert (await runner.run_once()).retried == 0  # not due yet: nothing runs
    clock.advance(first_delay)
    await runner.run_once()
    row = await OutboxJobRow.get(key="flaky:1")
    second_delay = (row.due_at - clock.now).total_seconds()
    assert 10 <= second_delay <= 20  # doubled
    clock.advance(second_delay)
    assert (await runner.run_once()).done == 1
    assert calls == [0, 1, 2]
    assert (await OutboxJobRow.get(key="flaky:1")).status == "done"


async def test_dead_after_max_attempts_and_permanent_failures(db):
    clock = Clock()

    async def broken(job: OutboxJob) -> None:
        raise TimeoutError("Amazon did not answer")

    async def refused(job: OutboxJob) -> None:
        raise PermanentFailure("550 mailbox unavailable")

    runner = OutboxRunner(
        {"broken": broken, "refused": refused}, clock=clock, max_attempts=3, base_delay_s=1
    )
    await enqueue("broken", "b", {}, due_at=clock.now)
    await enqueue("refused", "r", {}, due_at=clock.now)
    for _ in range(5):
        await runner.run_once()
        clock.advance(3600)
    broken_row, refused_row = await OutboxJobRow.get(key="b"), await OutboxJobRow.get(key="r")
    assert (broken_row.status, broken_row.attempts) == ("dead", 3)
    assert broken_row.last_error == "Amazon did not answer"
    assert (refused_row.status, refused_row.attempts) == ("dead", 1)
    await retry_job(broken_row.id)
    assert (await OutboxJobRow.get(key="b")).status == "pending"
    await discard_job(refused_row.id)
    assert (await OutboxJobRow.get(key="r")).status == "discarded"


async def test_rate_limit_reschedules_without_counting_an_attempt(db):
    clock = Clock()

    async def throttled(job: OutboxJob) -> None:
        raise RetryLater("throttled by Amazon", 30)

    runner = OutboxRunner({"t": throttled}, clock=clock)
    await enqueue("t", "t", {}, due_at=clock.now)
    await runner.run_once()
    row = await OutboxJobRow.get(key="t")
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.due_at == clock.now + timedelta(seconds=30)


async def test_lease_of_a_dead_runner_expires(db):
    clock = Clock()
    seen: list[str] = []

    async def handler(job: OutboxJob) -> None:
        seen.append(job.key)

    crashed = OutboxRunner({"k": handler}, worker="crashed", clock=clock, lease_s=60)
    await enqueue("k", "k:1", {}, due_at=clock.now)
    assert len(await crashed.claim()) == 1  # claimed, then the process "dies"
    survivor = OutboxRunner({"k": handler}, worker="survivor", clock=clock, lease_s=60)
    assert await survivor.claim() == []
    clock.advance(61)
    assert (await survivor.run_once()).done == 1
    assert seen == ["k:1"]


async def test_several_runners_run_each_job_exactly_once(db):
    seen: list[str] = []

    async def handler(job: OutboxJob) -> None:
        await asyncio.sleep(0)
        seen.append(job.key)

    for n in range(60):
        await enqueue("k", f"k:{n}", {})
    runners = [OutboxRunner({"k": handler}, worker=f"r{i}") for i in range(4)]
    await asyncio.gather(*(r.drain() for r in runners))
    assert sorted(seen) == sorted(f"k:{n}" for n in range(60))
    assert await OutboxJobRow.filter(status="done").count() == 60


def test_backoff_is_capped_and_jittered():
    rng = random.Random(3)
    delays = [backoff_delay(a, 2, 60, rng) for a in range(1, 12)]
    assert all(d <= 60 for d in delays)
    assert 1 <= delays[0] <= 2
    assert delays[-1] >= 30


async def test_a_job_kind_queues_one_job_per_subject_under_its_stored_name(db):
    async with in_transaction() as conn:
        first = await queue_job(JobKind.MAIL_INVOICE, 7, {"document_id": 7}, using_db=conn)
        again = await queue_job(JobKind.MAIL_INVOICE, 7, {"document_id": 7}, using_db=conn)
    assert first == again == "mail.invoice:7"  # the key rule stored rows were written with
    row = await OutboxJobRow.get(key=first)
    assert row.kind == "mail.invoice" and JobKind(row.kind) is JobKind.MAIL_INVOICE
    assert await OutboxJobRow.all().count() == 1
