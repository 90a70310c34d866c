"""One mapping from Amazon's errors to the outbox's wait / fail / retry, whichever handler calls."""

from __future__ import annotations

from core.documents.handlers import make_document_handlers
from core.domain.outbox import JobKind
from core.persistence.models import OutboxJobRow
from core.services.outbox import OutboxRunner
from tests.amazon.support import wired
from tests.documents.support import settings, shipped_fba_order


async def _invoice_waiting_for_upload(box, w):  # type: ignore[no-untyped-def]
    """An FBA invoice issued and rendered; its upload job is due. Returns (runner, job key)."""
    connector = next(iter(w.connectors.values()))

    async def connector_for(account_id: int):  # type: ignore[no-untyped-def]
        return connector

    handlers = make_document_handlers(box, settings(), connector_for_account=connector_for)
    runner = OutboxRunner(handlers, max_attempts=8, base_delay_s=0.01, max_delay_s=0.05)
    await runner.drain(kinds=[JobKind.ISSUE_INVOICE, JobKind.RENDER_DOCUMENT])
    job = await OutboxJobRow.get(kind=JobKind.UPLOAD_INVOICE)
    return runner, job.key


async def test_a_throttled_invoice_upload_waits_without_using_an_attempt(db, box, emu):
    await shipped_fba_order(box, email=False)
    async with wired(emu, box) as w:
        runner, key = await _invoice_waiting_for_upload(box, w)
        emu.set_faults("429:op=createFeedDocument")
        await runner.run_once(kinds=[JobKind.UPLOAD_INVOICE])
        job = await OutboxJobRow.get(key=key)
        assert (job.status, job.attempts) == ("pending", 0)
        assert "QuotaExceeded" in job.last_error


async def test_an_invoice_upload_amazon_refuses_fails_at_once(db, box, emu):
    await shipped_fba_order(box, email=False)
    async with wired(emu, box) as w:
        runner, key = await _invoice_waiting_for_upload(box, w)
        emu.set_faults("400:op=createFeedDocument")
        await runner.run_once(kinds=[JobKind.UPLOAD_INVOICE])
        job = await OutboxJobRow.get(key=key)
        assert (job.status, job.attempts) == ("dead", 1)
        assert "InvalidInput" in job.last_error
