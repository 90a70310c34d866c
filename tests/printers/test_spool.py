"""The spool on a real database and a real TCP peer: routing, exactly once, retries, reprint, cancel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from core.errors import ConflictError
from core.persistence.models import PrinterStatusRow, PrintJobRow
from core.ports import PrintPort, PrintRequest
from printers import Backoff, NoPrinterRoute, PickLine, PickSlip, Spool, pick_slip_request
from printers.worker import utcnow
from tests.printers.conftest import eventually, make_settings
from tests.printers.sink import Sink
from tests.support.escpos_decode import barcodes_of, decode

pytestmark = pytest.mark.network

FAST = Backoff(base_s=0.05, max_s=0.2)


def slip(ref: str) -> PickSlip:
    return PickSlip(ref, (PickLine("SKU-1", "Größe M", 1, "A-1"),))


def escpos_settings(sink: Sink, tmp_path: Path, **extra: Any) -> Any:
    return make_settings(
        {
            "receipt": {
                "kind": "escpos",
                "host": sink.host,
                "port": sink.port,
                "timeout_s": 0.5,
                **extra,
            },
            "files": {"kind": "folder", "path": str(tmp_path / "out")},
        },
        {"pick_slip": "receipt", "invoice": "files", "delivery_note": "files"},
    )


@pytest.fixture
async def running(db: str, sink: Sink, tmp_path: Path) -> AsyncIterator[Spool]:
    spool = Spool(escpos_settings(sink, tmp_path), backoff=FAST, poll_interval_s=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(spool.run(stop))
    yield spool
    stop.set()
    await asyncio.wait_for(task, 5)


async def status_of(name: str) -> str:
    row = await PrinterStatusRow.get_or_none(name=name)
    return row.state if row else ""


async def done(job_id: int) -> bool:
    return (await PrintJobRow.get(id=job_id)).status == "done"


async def test_pick_slip_reaches_the_printer_once(running: Spool, sink: Sink) -> None:
    assert isinstance(running, PrintPort)
    job_id = await running.submit(pick_slip_request("desk-1", slip("302-0000001-0000001")))
    again = await running.submit(pick_slip_request("desk-1", slip("302-0000001-0000001")))
    assert again == job_id  # same key, same job
    await eventually(lambda: done(job_id))
    assert len(sink.jobs) == 1
    assert barcodes_of(decode(sink.jobs[0])) == ["302-0000001-0000001"]
    row = await PrintJobRow.get(id=job_id)
    assert row.attempts == 1 and row.transport_ref.startswith("tcp:") and row.printed_at
    assert await status_of("receipt") == "online"


async def test_no_route_is_an_error_with_a_sentence(running: Spool) -> None:
    request = PrintRequest("desk-1", "label", "Label", "application/zpl", b"^XA^XZ", "l-1")
    with pytest.raises(NoPrinterRoute, match="has no printer for labels"):
        await running.submit(request)
    with pytest.raises(NoPrinterRoute, match="desk-9"):
        await running.submit(PrintRequest("desk-9", "pick_slip", "x", "text/plain", b"x", "k"))
    assert await PrintJobRow.all().count() == 0


async def test_offline_printer_keeps_jobs_and_prints_each_once_when_back(
    db: str, tmp_path: Path
) -> None:
    sink = await Sink().start()
    port = sink.port
    await sink.stop()  # switched off
    spool = Spool(escpos_settings(sink, tmp_path), backoff=FAST, poll_interval_s=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(spool.run(stop))
    ids = [await spool.submit(pick_slip_request("desk-1", slip(f"302-{i}"))) for i in range(3)]
    await eventually(lambda: status_of("receipt"), 2)
    assert await status_of("receipt") == "offline"
    first = await eventually(
        lambda: PrintJobRow.get_or_none(id=ids[0], attempts__gte=2, status="queued")
    )
    assert first.status == "queued" and "cannot be reached" in first.last_error
    back = await Sink(port=port).start()  # switched on again
    try:
        await eventually(lambda: all_done(ids))
        refs = [barcodes_of(decode(j))[0] for j in back.jobs]
        assert refs == ["302-0", "302-1", "302-2"]  # each once, in order
        await eventually(lambda: _is(status_of("receipt"), "online"))
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
        await back.stop()


async def _is(value: Any, expected: str) -> bool:
    return (await value) == expected


async def all_done(ids: list[int]) -> bool:
    return await PrintJobRow.filter(id__in=ids, status="done").count() == len(ids)


async def test_hang_mid_job_retries_whole_job_and_prints_one_complete_copy(
    running: Spool, sink: Sink
) -> None:
    sink.mode, sink.hang_after = "hang", 200
    big = PickSlip("302-HANG", tuple(PickLine(f"SKU-{i}", "x" * 40, 1, "A") for i in range(4000)))
    job_id = await running.submit(pick_slip_request("desk-1", big))
    await eventually(lambda: PrintJobRow.get_or_none(id=job_id, attempts__gte=1, status="queued"))
    row = await PrintJobRow.get(id=job_id)
    assert "stopped" in row.last_error or "part of the job" in row.last_error
    assert await status_of("receipt") == "offline"
    sink.mode = "ok"
    await sink.stop()  # the printer is power-cycled …
    back = await Sink(port=sink.port).start()  # … and takes the job
    try:
        await eventually(lambda: done(job_id), 10)
        assert len(back.jobs) == 1 and barcodes_of(decode(back.jobs[0])) == ["302-HANG"]
        assert sink.jobs == []  # the hanging printer never got a complete copy
    finally:
        await back.stop()


async def test_paper_out_waits_then_prints(running: Spool, sink: Sink) -> None:
    sink.mode = "paper_out"
    job_id = await running.submit(pick_slip_request("desk-1", slip("302-PAPER")))
    await eventually(lambda: _is(status_of("receipt"), "paper_out"))
    # the status is stored first, then the job goes back to the queue
    await eventually(lambda: PrintJobRow.get_or_none(id=job_id, status="queued", attempts__gte=1))
    sink.mode = "ok"
    await eventually(lambda: done(job_id))
    assert len(sink.jobs) == 1


async def test_corrupt_label_fails_with_reason_and_queue_moves_on(
    db: str, sink: Sink, tmp_path: Path
) -> None:
    settings = make_settings(
        {"zebra": {"kind": "zpl", "host": sink.host, "port": sink.port, "timeout_s": 0.5}},
        {"label": "zebra"},
    )
    spool = Spool(settings, backoff=FAST)
    bad = await spool.submit(
        PrintRequest("desk-1", "label", "L1", "application/pdf", b"%PDF-1.4 junk", "l1")
    )
    good = await spool.submit(
        PrintRequest("desk-1", "label", "L2", "application/zpl", b"^XA^FDok^FS^XZ", "l2")
    )
    assert await spool.worker("zebra").drain() is None
    bad_row, good_row = await PrintJobRow.get(id=bad), await PrintJobRow.get(id=good)
    assert bad_row.status == "failed" and "damaged" in bad_row.last_error
    assert good_row.status == "done" and sink.jobs == [b"^XA^FDok^FS^XZ"]


async def test_reprint_and_cancel(running: Spool, sink: Sink) -> None:
    job_id = await running.submit(pick_slip_request("desk-1", slip("302-R")))
    await eventually(lambda: done(job_id))
    copy_id = await running.reprint(job_id)
    await eventually(lambda: done(copy_id))
    copy = await PrintJobRow.get(id=copy_id)
    assert copy.copy_of_id == job_id and len(sink.jobs) == 2
    with pytest.raises(ConflictError, match="already printed"):
        await running.cancel(job_id)
    assert [barcodes_of(decode(j))[0] for j in sink.jobs] == ["302-R", "302-R"]


async def test_cancel_a_job_waiting_at_a_printer_out_of_paper(
    db: str, sink: Sink, tmp_path: Path
) -> None:
    # A printer that failed pauses for its backoff: the job waits in the queue, not on the wire,
    # so cancelling it is certain (cancelling one being sent right now is a ConflictError).
    spool = Spool(
        escpos_settings(sink, tmp_path), backoff=Backoff(base_s=60, max_s=60), poll_interval_s=0.05
    )
    stop = asyncio.Event()
    task = asyncio.create_task(spool.run(stop))
    try:
        sink.mode = "paper_out"
        waiting = await spool.submit(pick_slip_request("desk-1", slip("302-C")))
        await eventually(lambda: _is(status_of("receipt"), "paper_out"))
        await eventually(lambda: _back_in_the_queue(waiting))
        await spool.cancel(waiting)
        sink.mode = "ok"
        nudge = await spool.submit(pick_slip_request("desk-1", slip("302-D")))
        spool.worker("receipt").nudge()  # a person loaded paper and pressed "try now"
        await eventually(lambda: done(nudge))
        assert (await PrintJobRow.get(id=waiting)).status == "cancelled"
        assert [barcodes_of(decode(j))[0] for j in sink.jobs] == ["302-D"]
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)


async def _back_in_the_queue(job_id: int) -> bool:
    """Tried once and put back to wait out the printer's pause."""
    row = await PrintJobRow.get(id=job_id)
    return row.attempts >= 1 and row.status == "queued"


async def test_folder_printer_names_files_and_never_writes_twice(
    db: str, sink: Sink, tmp_path: Path
) -> None:
    spool = Spool(escpos_settings(sink, tmp_path), backoff=FAST, lease_s=1)
    pdf = b"%PDF-1.4\n" + Path(__file__).with_name("minimal.pdf").read_bytes()[9:]
    job_id = await spool.submit(
        PrintRequest("desk-1", "invoice", "RE-2026/0001 Müller", "application/pdf", pdf, "inv-1")
    )
    await spool.worker("files").drain()
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == [f"{job_id}-invoice-RE-2026_0001_Muller.pdf"]
    assert (tmp_path / "out" / files[0]).read_bytes() == pdf
    # A crash after the file was written but before the row said "done": the job is put back …
    old = utcnow() - timedelta(seconds=5)
    await PrintJobRow.filter(id=job_id).update(status="printing", updated_at=old)
    worker = spool.worker("files")
    worker._recovered_at = float("-inf")
    await worker.drain()
    row = await PrintJobRow.get(id=job_id)
    assert row.status == "done" and row.attempts == 2
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == files  # … and not written twice


async def test_status_lists_every_printer(db: str, sink: Sink, tmp_path: Path) -> None:
    spool = Spool(escpos_settings(sink, tmp_path))
    assert {s.name: s.state for s in await spool.status()} == {
        "files": "unknown",
        "receipt": "unknown",
    }
    probed = {s.name: s.state for s in await spool.status(probe=True)}
    assert probed == {"files": "online", "receipt": "online"}
    await sink.stop()
    assert {s.name: s.state for s in await spool.status(probe=True)}["receipt"] == "offline"
    assert {s.name: s.state for s in await spool.status()}["receipt"] == "offline"
