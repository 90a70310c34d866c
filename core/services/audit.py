"""Audit trail: who (packer or system), where (station), what, when."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from core.domain.audit import AuditEvent
from core.persistence.models import AuditEventRow

SYSTEM = "system"


def event_fields(
    actor: str, action: str, subject: str, station: str = "", **detail: Any
) -> dict[str, Any]:
    """One audit event's fields, for writing many at once (core/persistence/bulk.py)."""
    return {"actor": actor, "action": action, "subject": subject, "station": station,
            "detail": detail}  # fmt: skip


def event_row(
    actor: str, action: str, subject: str, station: str = "", **detail: Any
) -> AuditEventRow:
    return AuditEventRow(**event_fields(actor, action, subject, station, **detail))


async def record(
    actor: str,
    action: str,
    subject: str,
    *,
    station: str = "",
    using_db: BaseDBAsyncClient | None = None,
    **detail: Any,
) -> None:
    """Write one audit event, in the caller's transaction when `using_db` is given."""
    await event_row(actor, action, subject, station, **detail).save(using_db=using_db)


async def trail(subject: str, limit: int = 200) -> list[AuditEvent]:
    rows = await AuditEventRow.filter(subject=subject).order_by("-at", "-id").limit(limit)
    return [
        AuditEvent(
            actor=r.actor,
            action=r.action,
            subject=r.subject,
            station=r.station,
            detail=r.detail,
            at=r.at,
            id=r.id,
        )
        for r in rows
    ]


async def last_detail(
    subject: str, action: str, *, using_db: BaseDBAsyncClient | None = None
) -> dict[str, Any]:
    """The detail of the newest `action` event on `subject` ({} when there is none)."""
    row = (
        await AuditEventRow.filter(subject=subject, action=action)
        .using_db(using_db)
        .order_by("-id")
        .first()
    )
    return dict(row.detail) if row is not None and isinstance(row.detail, dict) else {}
