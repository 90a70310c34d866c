"""CUPS hand-over: whose job it is, whether CUPS finished it, and a queue whose printer is gone."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from core.persistence.models import PrintJobRow
from core.ports import PrintRequest
from printers import Backoff, Spool
from printers.installation import installation_id
from printers.render.testpage import pdf_test_page
from printers.transports import CupsTransport, OutgoingJob
from tests.printers.conftest import make_settings

pytestmark = pytest.mark.cups

FAST = Backoff(base_s=0.05, max_s=0.2)


def pdf(title: str) -> bytes:
    return pdf_test_page(title, datetime(2026, 11, 26, tzinfo=UTC))


async def test_another_installations_job_is_not_taken_for_ours(cups: dict[str, str]) -> None:
    queue, server = cups["PACKDESK_TEST_CUPS_PDF_QUEUE"], cups["PACKDESK_TEST_CUPS_SERVER"]
    job_id = 20_000_000 + uuid.uuid4().int % 1_000_000
    job = OutgoingJob(job_id, "invoice", "RE-Y", pdf("y"), "application/pdf", "pdf")
    test_db = CupsTransport("a4", queue, server, installation="test-db")
    production = CupsTransport("a4", queue, server, installation="production")
    theirs = await test_db.send(job)
    # production's job with the same id was interrupted and is tried again: it must print
    ours = await production.send(OutgoingJob(**{**job.__dict__, "attempt": 2}))
    assert ours.ref != theirs.ref and "earlier try" not in ours.note
    again = await production.send(OutgoingJob(**{**job.__dict__, "attempt": 3}))
    assert again.ref == ours.ref and "earlier try" in again.note


async def test_installation_id_is_stored_once(db: str) -> None:
    first = await installation_id()
    assert first == await installation_id() and len(first) >= 8


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens here once closed


@pytest.fixture
def unreachable_queue(cups: dict[str, str]) -> Iterator[str]:
    if os.geteuid() != 0 or shutil.which("lpadmin") is None:
        pytest.skip("adding a CUPS queue needs lpadmin as root")
    name = f"PACKDESK_GONE_{uuid.uuid4().hex[:6]}"
    subprocess.run(
        ["lpadmin", "-p", name, "-E", "-v", f"socket://127.0.0.1:{_dead_port()}", "-m", "raw"],
        check=True,
        capture_output=True,
    )
    yield name
    subprocess.run(["lpadmin", "-x", name], check=False)


async def test_queue_whose_printer_is_unreachable_is_not_online_and_its_job_not_done(
    db: str, cups: dict[str, str], unreachable_queue: str
) -> None:
    settings = make_settings(
        {
            "gone": {
                "kind": "cups",
                "queue": unreachable_queue,
                "server": cups["PACKDESK_TEST_CUPS_SERVER"],
                "timeout_s": 3,
            }
        },
        {"label": "gone"},
    )
    spool = Spool(settings, backoff=FAST, poll_interval_s=0.05)
    job_id = await spool.submit(
        PrintRequest("desk-1", "label", "L", "application/zpl", b"^XA^XZ", f"g-{uuid.uuid4()}")
    )
    await spool.worker("gone").drain()
    row = await PrintJobRow.get(id=job_id)
    assert row.status == "queued" and row.printed_at is None
    assert "cannot reach" in row.last_error
    status = (await spool.status(probe=True))[0]
    assert status.state == "offline", status
    # tried again: CUPS still holds the first submission, so it is not sent a second time
    await PrintJobRow.filter(id=job_id).update(due_at=row.created_at)
    spool.worker("gone").nudge()
    await spool.worker("gone").drain()
    again = await PrintJobRow.get(id=job_id)
    assert again.status == "queued" and again.attempts == 2
    assert "still holds" in again.last_error
