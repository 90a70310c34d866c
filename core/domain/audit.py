"""Who did what, where, when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class AuditEvent:
    actor: str  # packer name or "system"
    action: str  # e.g. order.claimed, order.shipped
    subject: str  # e.g. order:123
    station: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None
    id: int | None = None
