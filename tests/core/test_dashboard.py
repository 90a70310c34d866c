"""The shift dashboard counts what a person must act on."""

from __future__ import annotations

from datetime import UTC, datetime

from core.persistence.models import OutboxJobRow
from core.services.queries.dashboard import dashboard


async def _job(n: int, status: str) -> None:
    await OutboxJobRow.create(
        kind="documents.render",
        key=f"documents.render:{n}",
        payload={"document_id": n},
        status=status,
        due_at=datetime.now(UTC),
    )


async def test_failed_jobs_include_those_waiting_for_configuration(db):
    # A job in needs_config never runs until someone fills in a setting: it is a failure a
    # person must act on, like a dead one. The dashboard counted 1 of these 3.
    await _job(1, "dead")
    await _job(2, "needs_config")
    await _job(3, "needs_config")
    await _job(4, "pending")
    await _job(5, "done")
    await _job(6, "discarded")
    assert (await dashboard()).failed_jobs == 3
