"""Who is signed in where: one row per desk session (local terminal, SSH, browser).

The desk writes its row at sign-in and checks it on every poll (`still_open`); whoever ends the row
(deactivating the packer, a supervisor) thereby signs the packer out at that desk, whichever
process and machine it runs on.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from core.persistence.models import StationSessionRow
from core.services import audit

KINDS = ("local", "ssh", "web")
HEARTBEAT = timedelta(seconds=30)


async def start_session(packer: str, station: str, kind: str = "local") -> int:
    if kind not in KINDS:
        raise ValueError(f"session kind {kind!r} is not one of {KINDS}")
    row = await StationSessionRow.create(
        packer=packer, station=station, kind=kind, seen_at=datetime.now(UTC)
    )
    await audit.record(packer, "session.started", f"session:{row.id}", station=station, kind=kind)
    return int(row.id)


async def still_open(session_id: int) -> bool:
    """The desk's check on every poll: True while the session stands.

    A read each time; `seen_at` is written only every `HEARTBEAT`, so a desk polling every second
    does not become a writer on a shared SQLite file.
    """
    row = await StationSessionRow.filter(id=session_id).only("id", "ended_at", "seen_at").first()
    if row is None or row.ended_at is not None:
        return False
    now = datetime.now(UTC)
    if row.seen_at is None or row.seen_at < now - HEARTBEAT:
        await StationSessionRow.filter(id=session_id, ended_at__isnull=True).update(seen_at=now)
    return True


async def end_session(session_id: int, reason: str = "signed_out") -> None:
    await StationSessionRow.filter(id=session_id, ended_at__isnull=True).update(
        ended_at=datetime.now(UTC), end_reason=reason
    )


async def end_sessions_of(
    packer: str, reason: str, *, using_db: BaseDBAsyncClient | None = None
) -> int:
    """End every open session of `packer`; returns how many were open."""
    return await (
        StationSessionRow.filter(packer=packer, ended_at__isnull=True)
        .using_db(using_db)
        .update(ended_at=datetime.now(UTC), end_reason=reason)
    )


async def open_sessions(packer: str = "") -> list[StationSessionRow]:
    query = StationSessionRow.filter(ended_at__isnull=True)
    if packer:
        query = query.filter(packer=packer)
    return list(await query.order_by("id"))
