"""A printer that drops the connection mid-job: the job is not done, it is sent again whole.

Before the fix, a cut (FIN or RST) after the bytes sat in the kernel's buffer counted as printed.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from core.persistence.models import PrintJobRow
from core.ports import PrintRequest
from printers import Backoff, Spool
from printers.errors import PrinterHanging
from printers.transports import OutgoingJob, RawTcpTransport
from printers.worker import ZPL_DISCARD_PARTIAL
from tests.printers.conftest import eventually, make_settings
from tests.printers.sink import CuttingPrinter, Sink

pytestmark = pytest.mark.network

FAST = Backoff(base_s=0.05, max_s=0.2)
# The cutting printer does not answer ~HS (test_status_queries covers that): do not ask it.
ZEBRA = {"kind": "zpl", "timeout_s": 1, "status_query": False}


def big_label(size: int = 240_058) -> bytes:
    head, tail = b"^XA^FO10,10^GFA,", b"^FS^XZ"
    return head + b"F" * (size - len(head) - len(tail)) + tail


def label_job(payload: bytes, attempt: int = 1) -> OutgoingJob:
    return OutgoingJob(9, "label", "L", payload, "application/zpl", "zpl", attempt)


@pytest.fixture
async def cutting() -> AsyncIterator[CuttingPrinter]:
    printer = await CuttingPrinter().start()
    yield printer
    await printer.stop()


@pytest.mark.parametrize(
    ("how", "cut_after"),
    [
        *((how, n) for how in ("fin", "rst") for n in (1_000, 100_000, 239_000, 240_057)),
        # a goodbye (FIN) while bytes are still unacknowledged; the old code called this done.
        # (A printer that acknowledged every byte, then says goodbye without reading them, looks
        # exactly like one that printed: TCP cannot tell them apart.)
        ("halfclose", 1_000),
        ("halfclose", 100_000),
        ("greedy", 1_000),
        ("greedy", 100_000),
    ],
)
async def test_printer_dropping_the_connection_is_not_done(
    cutting: CuttingPrinter, how: str, cut_after: int
) -> None:
    cutting.how, cutting.cut_after = how, cut_after
    payload = big_label()
    transport = RawTcpTransport("zebra", cutting.host, cutting.port, 2.0)
    for _ in range(4):  # the issue saw 5 of 8 tries reported done: try several times
        with pytest.raises(PrinterHanging, match="sent again, whole"):
            await transport.send(label_job(payload))
    await eventually(lambda: len(cutting.received) == 4)
    assert cutting.received == [cut_after] * 4 and cutting.jobs == []


async def test_printer_taking_everything_is_done(cutting: CuttingPrinter) -> None:
    cutting.cut_after = None
    payload = big_label()
    delivery = await RawTcpTransport("zebra", cutting.host, cutting.port, 2.0).send(
        label_job(payload)
    )
    assert delivery.note == ""
    await eventually(lambda: cutting.jobs)
    assert cutting.jobs == [payload] and cutting.received == [len(payload)]


async def test_printer_keeping_the_connection_open_costs_well_under_a_second(sink: Sink) -> None:
    sink.mode = "never_close"
    transport = RawTcpTransport("zebra", sink.host, sink.port, 5.0)
    started = time.monotonic()
    for _ in range(3):
        delivery = await transport.send(label_job(b"^XA^FDx^FS^XZ"))
    assert time.monotonic() - started < 3 * 2.5  # was 3 × 5 s; 0.25 s each when idle
    assert "did not confirm" in delivery.note
    await eventually(lambda: len(sink.jobs) == 3 or len(sink._stalled) == 3)


async def test_cut_label_is_sent_again_whole_after_discarding_the_partial_format(
    db: str, cutting: CuttingPrinter
) -> None:
    cutting.cut_after = 100_000
    settings = make_settings(
        {"zebra": {**ZEBRA, "host": cutting.host, "port": cutting.port}},
        {"label": "zebra"},
    )
    spool = Spool(settings, backoff=FAST, poll_interval_s=0.05)
    payload = big_label()
    job_id = await spool.submit(
        PrintRequest("desk-1", "label", "L-1", "application/zpl", payload, "cut-1")
    )
    worker = spool.worker("zebra")
    await worker.drain()
    row = await PrintJobRow.get(id=job_id)
    assert row.status == "queued" and row.attempts == 1 and "sent again" in row.last_error
    assert cutting.received == [100_000] and cutting.jobs == []
    cutting.cut_after = None  # the printer is back
    worker.nudge()
    await eventually(lambda: _drained_done(worker, job_id))
    assert cutting.jobs == [ZPL_DISCARD_PARTIAL + payload]  # one whole copy, partial one dropped
    assert cutting.received == [100_000, len(ZPL_DISCARD_PARTIAL + payload)]
    assert (await PrintJobRow.get(id=job_id)).attempts == 2


async def _drained_done(worker, job_id: int) -> bool:  # type: ignore[no-untyped-def]
    await worker.drain()
    return (await PrintJobRow.get(id=job_id)).status == "done"


@pytest.mark.parametrize("cut_after", [1_000, 239_000, 240_057, None])
async def test_connection_reset_is_a_sentence_not_a_traceback(
    db: str, cutting: CuttingPrinter, cut_after: int | None, caplog: pytest.LogCaptureFixture
) -> None:
    # None: the reset comes after the printer read the job's end, while we wait for its close;
    # a reset is still treated as a cut (TCP cannot tell what it threw away).
    cutting.how, cutting.cut_after = "rst", cut_after
    settings = make_settings(
        {"zebra": {**ZEBRA, "host": cutting.host, "port": cutting.port}},
        {"label": "zebra"},
    )
    spool = Spool(settings, backoff=FAST, poll_interval_s=0.05)
    job_id = await spool.submit(
        PrintRequest("desk-1", "label", "L-2", "application/zpl", big_label(), f"rst-{cut_after}")
    )
    await spool.worker("zebra").drain()
    row = await PrintJobRow.get(id=job_id)
    assert row.status == "queued" and "sent again, whole" in row.last_error
    assert [r for r in caplog.records if r.exc_info] == []
    assert cutting.received == [cut_after or len(big_label())]
