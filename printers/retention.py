"""The spool keeps personal data only as long as it must: sealed at rest, gone after retention.

Payloads (delivery notes, labels, invoices: buyer names and addresses) are sealed with the
installation's key when spooled and opened only to print. Once a job printed (or was cancelled or
failed) and `retention` has passed, its row goes, and so does the file a folder printer wrote for
it. `purge_spool` is what the application-wide purge calls.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from tortoise.expressions import Q

from core.documents.sealing import FERNET_PREFIX, open_blob, seal_blob
from core.persistence.models import PrintJobRow
from core.security import SecretBox
from printers.errors import UnprintableJob

RETENTION = timedelta(days=7)  # long enough to reprint a label from the spool the next days
FINISHED = ("done", "cancelled", "failed")


def seal_payload(payload: bytes, box: SecretBox | None) -> bytes:
    return payload if box is None else seal_blob(payload, box)


def open_payload(stored: bytes, box: SecretBox | None) -> bytes:
    if box is None:
        if stored.startswith(FERNET_PREFIX):
            raise UnprintableJob(
                "The print job is sealed and this process has no key to open it — run it where "
                "the installation's secret key is configured."
            )
        return stored
    return open_blob(stored, box)


async def purge_spool(
    now: datetime, retention: timedelta = RETENTION, folders: Mapping[str, Path] | None = None
) -> int:
    """Delete finished jobs older than `retention` (and their folder files); returns how many."""
    cutoff = now - retention
    old = PrintJobRow.filter(
        Q(printed_at__lt=cutoff) | Q(printed_at__isnull=True, updated_at__lt=cutoff),
        status__in=FINISHED,
    )
    rows = await old.only("id", "printer", "transport_ref")
    for row in rows:
        folder = (folders or {}).get(row.printer)
        if folder is not None and row.transport_ref.startswith("file:"):
            with contextlib.suppress(OSError):
                (folder / row.transport_ref.removeprefix("file:")).unlink(missing_ok=True)
    if not rows:
        return 0
    ids = [r.id for r in rows]
    await PrintJobRow.filter(copy_of_id__in=ids).update(copy_of_id=None)
    return await PrintJobRow.filter(id__in=ids).delete()
