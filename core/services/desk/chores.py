"""`DeskChores`: what a desk does besides packing — outbox retries, stock, barcodes, reprints.

Each is one short transaction in its core service, with its audit event naming the station.
"""

from __future__ import annotations

from datetime import UTC, datetime

from core.domain.desk import clean_code
from core.errors import ConflictError, NotFound
from core.persistence.models import PrintJobRow
from core.ports import PrintRequest
from core.services import audit, outbox, stock
from core.services.station_scope import StationScope


class DeskChores(StationScope):
    """Supervisor and stock actions of one station."""

    async def retry_job(self, job_id: int, supervisor: str) -> None:
        await outbox.retry_job(job_id)
        await audit.record(supervisor, "outbox.retried", f"job:{job_id}", station=self.station)

    async def discard_job(self, job_id: int, supervisor: str) -> None:
        await outbox.discard_job(job_id)
        await audit.record(supervisor, "outbox.discarded", f"job:{job_id}", station=self.station)

    async def adjust_stock(self, article_id: int, delta: int, reason: str, actor: str) -> int:
        """Book `delta` pieces in or out of the article's main bin; returns the new on-hand."""
        return await stock.adjust(article_id, delta, reason, actor, station=self.station)

    async def assign_barcode(self, article_id: int, code: str, actor: str) -> str:
        """Give an article one more barcode (scanned at the desk); returns the stored form."""
        return await stock.assign_barcode(article_id, clean_code(code), actor, station=self.station)

    async def reprint(self, job_id: int, actor: str) -> int:
        """Print a job again as a marked copy; returns the new job id."""
        port = self.print_port
        if port is None:
            raise ConflictError("This console has no printers configured — reprint from a desk.")
        reprint = getattr(port, "reprint", None)
        if reprint is not None:  # the spool knows how to copy its own jobs
            new_id = int(await reprint(job_id))
        else:
            job = await PrintJobRow.get_or_none(id=job_id)
            if job is None:
                raise NotFound(f"No print job {job_id}.")
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
            new_id = await port.submit(
                PrintRequest(
                    station=self.station,
                    kind=job.kind,
                    title=job.title,
                    content_type=job.content_type,
                    payload=bytes(job.payload),
                    key=f"reprint:{job.id}:{stamp}",
                    copy=True,
                )
            )
        await audit.record(actor, "print.reprinted", f"print:{job_id}", station=self.station)
        return new_id
