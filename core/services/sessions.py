"""Who is signed in where: one row per desk session (local terminal, SSH, browser).

The desk writes its row at sign-in and checks it on every poll (`still_open`); whoever ends the row
(deactivating the packer, a supervisor) thereby signs the packer out at that desk, whichever
process and machine it runs on.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from core.persistence.models import StationSessionRow
from core.services import audit

KINDS = ("local", "ssh", "web")


async def start_session(packer: str, station: str, kind: str = "local") -> int:
    if kind not in KINDS:
        raise ValueError(f"session kind {kind!r} is not one of {KINDS}")
    row = await StationSessionRow.create(
        packer=packer, station=station, kind=kind, seen_at=datetime.now(UTC)
    )
    await audit.record(packer, "session.started", f"session:{row.id}", station=station, kind=kind)
    return int(row.id)


async def still_open(session_id: int) -> bool:
    """The desk's heartbeat: True while the session stands (and notes that the desk is alive)."""
    updated = await StationSessionRow.filter(id=session_id, ended_at__isnull=True).update(
        seen_at=datetime.now(UTC)
    )
    return bool(updated)


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
