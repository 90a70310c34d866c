"""Against a real cupsd (`.ci/cups.sh`): a PDF queue (cups-pdf) and a raw socket queue."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.persistence.models import PrinterStatusRow, PrintJobRow
from core.ports import PrintRequest
from printers import Backoff, Spool
from printers.render.testpage import pdf_test_page
from printers.transports import CupsTransport, OutgoingJob
from tests.printers.conftest import eventually, make_settings
from tests.printers.sink import Sink

pytestmark = pytest.mark.cups

FAST = Backoff(base_s=0.05, max_s=0.2)


def pdf(title: str) -> bytes:
    return pdf_test_page(title, datetime(2026, 11, 26, tzinfo=UTC))


def cups_pdf_file(directory: str, cups_job: str) -> Path | None:
    """cups-pdf names files `…job_<id>.pdf`; the file is complete once its size stops at > 0."""
    for path in Path(directory).glob(f"*job_{cups_job}.pdf"):
        if path.stat().st_size > 0:
            return path
    return None


async def test_pdf_reaches_the_cups_pdf_queue(db: str, cups: dict[str, str]) -> None:
    settings = make_settings(
        {
            "a4": {
                "kind": "cups",
                "queue": cups["PACKDESK_TEST_CUPS_PDF_QUEUE"],
                "server": cups["PACKDESK_TEST_CUPS_SERVER"],
            }
        },
        {"invoice": "a4"},
    )
    spool = Spool(settings, backoff=FAST)
    job_id = await spool.submit(
        PrintRequest(
            "desk-1", "invoice", "RE-2026-0001", "application/pdf", pdf("a4"), f"inv-{uuid.uuid4()}"
        )
    )
    await spool.worker("a4").drain()
    row = await PrintJobRow.get(id=job_id)
    assert row.status == "done" and row.transport_ref.startswith("cups:PACKDESK_PDF:")
    cups_job = row.transport_ref.rsplit(":", 1)[1]
    out = await eventually(lambda: cups_pdf_file(cups["PACKDESK_TEST_CUPS_PDF_DIR"], cups_job), 15)
    assert out.read_bytes().startswith(b"%PDF")
    assert (await PrinterStatusRow.get(name="a4")).state == "online"


async def test_zpl_through_the_raw_queue_arrives_byte_identical(
    db: str, cups: dict[str, str]
) -> None:
    sink = await Sink(port=int(cups["PACKDESK_TEST_CUPS_RAW_PORT"])).start()
    try:
        settings = make_settings(
            {
                "zebra": {
                    "kind": "zpl",
                    "connection": "cups",
                    "queue": cups["PACKDESK_TEST_CUPS_RAW_QUEUE"],
                    "server": cups["PACKDESK_TEST_CUPS_SERVER"],
                }
            },
            {"label": "zebra"},
        )
        spool = Spool(settings, backoff=FAST)
        label = "^XA^CI28^FO50,50^A0N,40,40^FH^FDMüller Straße 1^FS^BCN,100^FD1Z999AA10123456784^FS^XZ".encode()
        await spool.submit(
            PrintRequest(
                "desk-1", "label", "1Z999", "application/zpl", label, f"lbl-{uuid.uuid4()}"
            )
        )
        await spool.worker("zebra").drain()
        await eventually(lambda: sink.jobs, 15)
        assert sink.jobs == [label]
    finally:
        await sink.stop()


async def test_retry_after_an_uncertain_submission_does_not_print_twice(
    cups: dict[str, str],
) -> None:
    transport = CupsTransport(
        "a4", cups["PACKDESK_TEST_CUPS_PDF_QUEUE"], cups["PACKDESK_TEST_CUPS_SERVER"]
    )
    job_id = 10_000_000 + uuid.uuid4().int % 1_000_000
    job = OutgoingJob(job_id, "invoice", "RE-X", pdf("x"), "application/pdf", "pdf")
    first = await transport.send(job)
    # the answer was lost (timeout), so the spool tries again: CUPS already has it
    again = await transport.send(OutgoingJob(**{**job.__dict__, "attempt": 2}))
    assert again.ref == first.ref and "earlier try" in again.note


async def test_unknown_queue_is_offline_with_a_sentence(cups: dict[str, str]) -> None:
    status = await CupsTransport("nope", "NO_SUCH_QUEUE", cups["PACKDESK_TEST_CUPS_SERVER"]).probe()
    assert status.state == "offline" and "no queue named 'NO_SUCH_QUEUE'" in status.detail


@pytest.fixture
def stopped_queue(cups: dict[str, str]) -> object:
    if os.geteuid() != 0 or shutil.which("lpadmin") is None:
        pytest.skip("stopping a CUPS queue needs lpadmin as root")
    name = f"PACKDESK_STOP_{uuid.uuid4().hex[:6]}"
    port = cups["PACKDESK_TEST_CUPS_RAW_PORT"]
    subprocess.run(
        ["lpadmin", "-p", name, "-v", f"socket://127.0.0.1:{port}", "-m", "raw"],
        check=True,
        capture_output=True,
    )
    subprocess.run(["cupsaccept", name], check=True)  # accepting, but not enabled: stopped
    yield name
    subprocess.run(["lpadmin", "-x", name], check=False)


async def test_stopped_queue_keeps_the_job_until_enabled(
    db: str, cups: dict[str, str], stopped_queue: str
) -> None:
    sink = await Sink(port=int(cups["PACKDESK_TEST_CUPS_RAW_PORT"])).start()
    try:
        settings = make_settings(
            {
                "raw": {
                    "kind": "cups",
                    "queue": stopped_queue,
                    "server": cups["PACKDESK_TEST_CUPS_SERVER"],
                }
            },
            {"label": "raw"},
        )
        spool = Spool(settings, backoff=FAST, poll_interval_s=0.05)
        job_id = await spool.submit(
            PrintRequest(
                "desk-1", "label", "L", "application/zpl", b"^XA^FDstop^FS^XZ", f"s-{uuid.uuid4()}"
            )
        )
        stop = asyncio.Event()
        task = asyncio.create_task(spool.run(stop, ["raw"]))
        try:
            row = await eventually(
                lambda: PrintJobRow.get_or_none(id=job_id, attempts__gte=1, status="queued")
            )
            assert (
                "is stopped" in row.last_error and f"cupsenable {stopped_queue}" in row.last_error
            )
            assert (await PrinterStatusRow.get(name="raw")).state == "stopped"
            assert sink.jobs == []
            await asyncio.to_thread(subprocess.run, ["cupsenable", stopped_queue], check=True)
            await eventually(lambda: PrintJobRow.get_or_none(id=job_id, status="done"), 10)
            await eventually(lambda: sink.jobs, 15)
            assert sink.jobs == [b"^XA^FDstop^FS^XZ"]
        finally:
            stop.set()
            await asyncio.wait_for(task, 5)
    finally:
        await sink.stop()
