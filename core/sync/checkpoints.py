"""A report stream's checkpoint: a few text fields, kept as JSON per account in `sync_checkpoint`.

The FBA shipments and VAT invoice streams each wait for an Amazon report across sync cycles; what
they remember (the pending report, when it was asked for …) survives restarts here.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any, ClassVar, Self

from core.persistence.models import SyncCheckpointRow


class ReportCheckpoint:
    """Base of a dataclass of `str` fields; `STREAM` names its row. Unreadable rows start empty."""

    STREAM: ClassVar[str]

    @classmethod
    def parse(cls, value: str | None) -> Self:
        try:
            data: Any = json.loads(value or "{}")
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: str(v) for k, v in data.items() if k in names})

    def dump(self) -> str:
        return json.dumps({k: v for k, v in self.__dict__.items() if v}, separators=(",", ":"))

    @classmethod
    async def load(cls, account_id: int) -> Self:
        row = await SyncCheckpointRow.get_or_none(account_id=account_id, stream=cls.STREAM)
        return cls.parse(row.value if row else None)

    async def save(self, account_id: int) -> None:
        value, stream = self.dump(), self.STREAM
        if not await SyncCheckpointRow.filter(account_id=account_id, stream=stream).update(
            value=value
        ):
            await SyncCheckpointRow.create(account_id=account_id, stream=stream, value=value)
