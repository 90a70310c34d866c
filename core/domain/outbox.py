"""Jobs that leave the machine, written in the same transaction as the change that causes them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    DEAD = "dead"
    DISCARDED = "discarded"  # a person gave up on a dead job; kept as a record


@dataclass
class OutboxJob:
    kind: str  # e.g. amazon.confirm_shipment, mail.invoice, print.document
    key: str  # idempotency key, unique: the same effect is never queued twice
    payload: dict[str, Any] = field(default_factory=dict)
    status: JobStatus = JobStatus.PENDING
    attempts: int = 0
    due_at: datetime | None = None
    last_error: str = ""
    account_id: int | None = None
    id: int | None = None


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter (AWS architecture blog), never above `cap` seconds."""
    ceiling = min(cap, base * (2 ** max(attempt - 1, 0)))
    return (rng or random).uniform(ceiling / 2, ceiling)
