"""What the spool's bookkeeping costs per job, counted in database statements, not in seconds.

The benchmark (`python -m bench printers`) times it; these tests pin the cause: a job used to cost
seven statements (look the key up, insert, find the next due job, claim it, mark it done, look
again, look for a later one), each a round trip that a loaded machine makes slow. Now: insert,
claim (one statement), and "done + claim the next" (one statement). The guarantees stay: done only
after the printer took the job, never two workers on one job, crashes put the job back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from core.persistence.models import PrintJobRow
from printers import Backoff, PickLine, PickSlip, Spool, pick_slip_request
from printers.worker import utcnow
from tests.printers.conftest import eventually, make_settings
from tests.printers.sink import Sink
from tests.support.escpos_decode import barcodes_of, decode

pytestmark = pytest.mark.network

FAST = Backoff(base_s=0.05, max_s=0.2)
CALLS = ("execute_insert", "execute_query", "execute_query_dict", "execute_many", "execute_script")


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every statement the application sends to the database while the block runs, each as
    "task name: statement" (a spool's worker task is named print-worker-<printer>)."""
    client: Any = PrintJobRow._meta.db
    seen: list[str] = []
    originals = {name: getattr(client, name) for name in CALLS}

    def counting(name: str) -> Any:
        async def call(query: str, *args: Any, **kwargs: Any) -> Any:
            task = asyncio.current_task()
            seen.append(f"{task.get_name() if task else '-'}: {' '.join(query.split())[:100]}")
            return await originals[name](query, *args, **kwargs)

        return call

    for name in CALLS:
        setattr(client, name, counting(name))
    try:
        yield seen
    finally:
        for name in CALLS:
            delattr(client, name)  # back to the class's methods


def slip(ref: str) -> PickSlip:
    return PickSlip(ref, (PickLine("SKU-1", "Größe M", 1, "A-1"),))


def receipt_spool(sink: Sink, backoff: Backoff = FAST, **kwargs: Any) -> Spool:
    settings = make_settings(
        {"receipt": {"kind": "escpos", "host": sink.host, "port": sink.port, "timeout_s": 2}},
        {"pick_slip": "receipt"},
    )
    return Spool(settings, backoff=backoff, **kwargs)


async def test_a_printed_job_costs_three_statements(db: str, sink: Sink) -> None:
    spool = receipt_spool(sink)
    worker = spool.worker("receipt")
    await spool.submit(pick_slip_request("desk-1", slip("302-0000001")))
    await worker.drain()  # the first job also stores "online" and checks for interrupted jobs
    with statements() as seen:
        job_id = await spool.submit(pick_slip_request("desk-1", slip("302-0000002")))
        assert await worker.drain() is None
    row = await PrintJobRow.get(id=job_id)
    assert row.status == "done" and row.attempts == 1 and row.printed_at is not None
    assert [barcodes_of(decode(j))[0] for j in sink.jobs] == ["302-0000001", "302-0000002"]
    assert len(seen) <= 3, "\n".join(seen)


@asynccontextmanager
async def running_spool(sink: Sink, **kwargs: Any) -> AsyncIterator[Spool]:
    spool = receipt_spool(sink, poll_interval_s=30, **kwargs)  # no poll in the middle of a count
    stop = asyncio.Event()
    task = asyncio.create_task(spool.run(stop))
    try:
        yield spool
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)


@pytest.fixture
async def running(db: str, sink: Sink) -> AsyncIterator[Spool]:
    async with running_spool(sink) as spool:
        yield spool


async def done(job_id: int) -> bool:
    return (await PrintJobRow.get(id=job_id)).status == "done"


async def test_a_job_spooled_while_the_worker_waits_is_handed_over(
    running: Spool, sink: Sink
) -> None:
    worker = running.worker("receipt")
    await eventually(lambda: worker.takes_hand_over)
    with statements() as seen:
        job_id = await running.submit(pick_slip_request("desk-1", slip("302-HAND")))
        spooling = list(seen)
        await eventually(lambda: done(job_id))
    by_worker = [q for q in seen if q.startswith("print-worker-receipt:")]
    # spooling writes the job already claimed; the worker's only statement records it done
    # (and would have claimed the next job in the same breath)
    assert len(spooling) == 1 and "INSERT" in spooling[0], spooling
    assert len(by_worker) == 1 and "UPDATE" in by_worker[0], by_worker
    row = await PrintJobRow.get(id=job_id)
    assert (row.status, row.attempts) == ("done", 1) and row.printed_at is not None
    assert barcodes_of(decode(sink.jobs[0])) == ["302-HAND"]


async def test_a_handed_over_job_goes_back_to_the_queue_when_the_printer_pauses(
    db: str, sink: Sink
) -> None:
    async with running_spool(sink, backoff=Backoff(base_s=60, max_s=60)) as spool:
        await _handed_over_then_paused(spool, sink)


async def _handed_over_then_paused(running: Spool, sink: Sink) -> None:
    worker = running.worker("receipt")
    gate = asyncio.Event()
    send = worker.transport.send

    async def slow(job: Any) -> Any:
        await gate.wait()  # the first job is on the wire while the second is spooled
        return await send(job)

    worker.transport.send = slow  # type: ignore[method-assign]
    await eventually(lambda: worker.takes_hand_over)
    sink.mode = "paper_out"
    first = await running.submit(pick_slip_request("desk-1", slip("302-P1")))
    await eventually(lambda: worker.takes_hand_over)  # the first one is being sent
    second = await running.submit(pick_slip_request("desk-1", slip("302-P2")))
    assert (await PrintJobRow.get(id=second)).status == "printing"  # handed over
    gate.set()
    await eventually(lambda: PrintJobRow.get_or_none(id=second, status="queued"))
    rows = {r.id: r for r in await PrintJobRow.filter(id__in=[first, second])}
    assert (rows[first].status, rows[first].attempts) == ("queued", 1)
    assert rows[second].attempts == 0  # never sent: its attempt is not counted
    await running.cancel(second)  # waiting in the queue, so a packer may withdraw it
    assert (await PrintJobRow.get(id=second)).status == "cancelled" and sink.jobs == []


async def test_a_job_is_printing_while_sent_and_done_only_after(db: str, sink: Sink) -> None:
    spool = receipt_spool(sink)
    worker = spool.worker("receipt")
    seen_while_sending: list[tuple[str, int]] = []
    send = worker.transport.send

    async def watching(job: Any) -> Any:
        row = await PrintJobRow.get(id=job.id)
        seen_while_sending.append((row.status, row.attempts))
        return await send(job)

    worker.transport.send = watching  # type: ignore[method-assign]
    first = await spool.submit(pick_slip_request("desk-1", slip("302-A")))
    second = await spool.submit(pick_slip_request("desk-1", slip("302-B")))
    await worker.drain()
    # the first job was marked done in the statement that claimed the second
    assert seen_while_sending == [("printing", 1), ("printing", 1)]
    rows = {r.id: r for r in await PrintJobRow.filter(id__in=[first, second])}
    assert {r.status for r in rows.values()} == {"done"}
    assert rows[first].transport_ref.startswith("tcp:") and rows[first].printed_at is not None
    assert [barcodes_of(decode(j))[0] for j in sink.jobs] == ["302-A", "302-B"]


async def test_a_crash_after_sending_leaves_the_job_to_be_checked_not_lost(
    db: str, sink: Sink
) -> None:
    spool = receipt_spool(sink, lease_s=0.2)
    worker = spool.worker("receipt")
    job_id = await spool.submit(pick_slip_request("desk-1", slip("302-CRASH")))

    async def crash_after_send(job: Any) -> Any:
        await send(job)
        raise asyncio.CancelledError  # the process dies before the outcome is written

    send = worker.transport.send
    worker.transport.send = crash_after_send  # type: ignore[method-assign]
    with pytest.raises(asyncio.CancelledError):
        await worker.drain()
    assert (await PrintJobRow.get(id=job_id)).status == "printing"
    worker.transport.send = send  # type: ignore[method-assign]
    later = receipt_spool(sink, lease_s=0.2).worker("receipt")  # the next process
    await PrintJobRow.filter(id=job_id).update(updated_at=utcnow() - timedelta(seconds=1))
    await later.drain()
    row = await PrintJobRow.get(id=job_id)
    assert row.status == "done" and row.attempts == 2  # at least once, never silently lost


async def test_two_workers_on_one_printer_print_each_job_once(db: str, sink: Sink) -> None:
    one, two = receipt_spool(sink), receipt_spool(sink)  # two processes of the same desk
    ids = [await one.submit(pick_slip_request("desk-1", slip(f"302-{i:03}"))) for i in range(12)]
    await asyncio.gather(one.worker("receipt").drain(), two.worker("receipt").drain())
    assert await PrintJobRow.filter(id__in=ids, status="done", attempts=1).count() == 12
    printed = sorted(barcodes_of(decode(j))[0] for j in sink.jobs)
    assert printed == [f"302-{i:03}" for i in range(12)]


async def test_the_same_key_twice_is_one_job(db: str, sink: Sink, tmp_path: Path) -> None:
    spool = receipt_spool(sink)
    first = await spool.submit(pick_slip_request("desk-1", slip("302-K"), key="k-1"))
    with statements() as seen:
        again = await spool.submit(pick_slip_request("desk-1", slip("302-K"), key="k-1"))
    assert again == first and await PrintJobRow.all().count() == 1
    assert len(seen) <= 2, "\n".join(seen)  # the insert that clashes, and reading the job
