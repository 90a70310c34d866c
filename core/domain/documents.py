"""Documents as records: numbered, immutable once issued. Rendering lives in core/documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    DELIVERY_NOTE = "delivery_note"
    CREDIT_NOTE = "credit_note"


@dataclass
class Document:
    """An issued document. `content` is the frozen snapshot it is rendered from, every time."""

    kind: DocumentKind
    number: str
    order_id: int
    issued_at: datetime
    content: dict[str, Any] = field(default_factory=dict)
    refers_to_id: int | None = None  # a credit note refers to its invoice
    shipment_id: int | None = None
    id: int | None = None
