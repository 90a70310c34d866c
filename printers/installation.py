"""This database's installation id, made once and kept in the `installation` table."""

from __future__ import annotations

import uuid

from tortoise.exceptions import IntegrityError

from core.persistence.models import InstallationRow


async def installation_id() -> str:
    """The id; the first process to ask creates it, and every process reads the oldest row."""
    row = await InstallationRow.all().order_by("id").first()
    if row is None:
        try:
            await InstallationRow.create(uid=uuid.uuid4().hex[:12])
        except IntegrityError:  # pragma: no cover - two processes at the very same moment
            pass
        row = await InstallationRow.all().order_by("id").first()
    assert row is not None
    return str(row.uid)
