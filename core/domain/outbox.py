"""Jobs that leave the machine, written in the same transaction as the change that causes them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class JobKind(StrEnum):
    """Every kind of outbox job. The stored value is the string in the `outbox_job.kind` column."""

    RENDER_DOCUMENT = "documents.render"  # subject: document id
    ISSUE_INVOICE = "invoice.issue"  # subject: order id
    ISSUE_CREDIT_NOTE = "credit_note.issue"  # subject: the invoice it credits
    MAIL_INVOICE = "mail.invoice"  # subject: document id
    UPLOAD_INVOICE = "amazon.upload_invoice"  # subject: document id
    CHECK_INVOICE_UPLOAD = "amazon.invoice_result"  # subject: document id; Amazon's verdict
    BUY_LABEL = "label.buy"  # subject: package id
    CONFIRM_SHIPMENT = "amazon.confirm_shipment"  # subject: package id
    DELIVER_TO_PROVIDER = "thirdparty.deliver"  # subject: order id
    PROVIDER_FILE = "thirdparty.file"  # subject: sha256 of the file; a record, never run

    def key(self, subject: int | str) -> str:
        """The idempotency key: one job per kind and subject, so the same effect is queued once."""
        return f"{self.value}:{subject}"


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    DEAD = "dead"
    # Waits for a setting a person must fill in (company data, ...); runs again when a runner
    # starts (the config was read anew) and every few minutes — never dies of it.
    NEEDS_CONFIG = "needs_config"
    DISCARDED = "discarded"  # a person gave up on a dead job; kept as a record


@dataclass
class OutboxJob:
    kind: str  # a JobKind value (kept a str: a row may hold a kind this version does not know)
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
