"""The `print_job` table as a printer's worker uses it: one statement per step of a job.

A worker's round trips are its cost (on a loaded machine each one waits for a time slice), so a
job takes two after it was spooled: `claim` marks the next due job `printing` (attempts + 1) and
returns what is needed to print it; after sending, `claim(finished=…)` records that job's outcome
*and* claims the next one in the same statement. The outcome is written only after the transport
said the printer has the job; a process that dies before leaves it `printing`, and the lease puts
it back (at least once; transports that can tell, CUPS and folders, look before sending again).

Two workers for one printer (two processes of a desk) never get the same job: SQLite runs a
statement under its write lock; PostgreSQL skips a row another claim has locked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.persistence.models import PrintJobRow

QUEUED, PRINTING, DONE, FAILED, CANCELLED = "queued", "printing", "done", "failed", "cancelled"


@dataclass(frozen=True)
class ClaimedJob:
    """A job this worker holds (`printing`): what the transport needs, nothing else."""

    id: int
    kind: str
    title: str
    content_type: str
    payload: bytes
    attempts: int


@dataclass(frozen=True)
class Outcome:
    """How a claimed job ended: done (with the transport's reference) or failed for good."""

    job_id: int
    status: str
    note: str = ""
    transport_ref: str = ""
    printed_at: datetime | None = None


# {n} becomes the n-th parameter ($n on PostgreSQL, ?n on SQLite; both let one be used twice).
# Without a finished job {1} is NULL: "id = NULL" is never true, so only the claim happens.
_CLAIM = """
UPDATE print_job SET
    status = CASE WHEN id = {1} THEN CAST({2} AS VARCHAR(10)) ELSE 'printing' END,
    attempts = CASE WHEN id = {1} THEN attempts ELSE attempts + 1 END,
    last_error = CASE WHEN id = {1} THEN CAST({3} AS TEXT) ELSE last_error END,
    transport_ref = CASE WHEN id = {1} THEN CAST({4} AS VARCHAR(128)) ELSE transport_ref END,
    printed_at = CASE WHEN id = {1} THEN {5} ELSE printed_at END,
    updated_at = {6}
WHERE id = {1} OR id = (
    SELECT id FROM print_job
    WHERE printer = {7} AND status = 'queued' AND due_at <= {6}{station}
    ORDER BY id LIMIT 1{lock}
)
RETURNING id, kind, title, content_type, payload, attempts
"""


def _sql(postgres: bool, with_station: bool) -> str:
    mark = "${}" if postgres else "?{}"
    station = " AND station = {8}" if with_station else ""
    text = _CLAIM.replace("{station}", station).replace(
        "{lock}", " FOR UPDATE SKIP LOCKED" if postgres else ""
    )
    for n in range(8, 0, -1):
        text = text.replace(f"{{{n}}}", mark.format(n))
    return text


_STATEMENTS = {(pg, st): _sql(pg, st) for pg in (False, True) for st in (False, True)}


async def claim(
    printer: str, station: str | None, now: datetime, finished: Outcome | None = None
) -> ClaimedJob | None:
    """Record `finished` (if any) and claim the printer's next due job, in one statement."""
    client: Any = PrintJobRow._meta.db
    postgres = client.capabilities.dialect == "postgres"
    values: list[Any] = [
        finished.job_id if finished else None,
        finished.status if finished else None,
        finished.note if finished else None,
        finished.transport_ref[:128] if finished else None,
        finished.printed_at if finished else None,
        now,
        printer,
    ]
    if station is not None:
        values.append(station)
    rows = await client.execute_query_dict(_STATEMENTS[postgres, station is not None], values)
    for row in rows:
        if finished is None or row["id"] != finished.job_id:
            return ClaimedJob(
                int(row["id"]),
                str(row["kind"]),
                str(row["title"]),
                str(row["content_type"]),
                bytes(row["payload"]),
                int(row["attempts"]),
            )
    return None


async def record(outcome: Outcome, now: datetime) -> None:
    """Write one job's outcome on its own (nothing is claimed after it)."""
    await PrintJobRow.filter(id=outcome.job_id).update(
        status=outcome.status,
        last_error=outcome.note,
        transport_ref=outcome.transport_ref[:128],
        printed_at=outcome.printed_at,
        updated_at=now,
    )
