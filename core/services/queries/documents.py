"""Issued documents as `packdesk documents` shows them: found by number, an order's newest of a
kind, the list. Views, never rows: the rendering and sealing stay in `core.documents.store`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.documents.store import content_of, get_document
from core.errors import NotFound
from core.persistence.models import DocumentRow
from core.security import SecretBox


@dataclass(frozen=True)
class IssuedDocument:
    """One invoice, delivery note or credit note, without its content or PDF."""

    id: int
    kind: str
    number: str
    order_id: int
    issued_at: datetime
    total: str | None  # gross, as the document states it
    currency: str | None
    refers_to_id: int | None  # the invoice a credit note corrects
    rendered: bool  # its original PDF is stored

    def to_json(self) -> dict[str, Any]:
        """The shape of `documents list --json` (and of `documents show --json` without content)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "number": self.number,
            "order_id": self.order_id,
            "issued_at": self.issued_at.isoformat(),
            "total": self.total,
            "currency": self.currency,
            "refers_to_id": self.refers_to_id,
            "rendered": self.rendered,
        }


def _issued(row: DocumentRow) -> IssuedDocument:
    return IssuedDocument(
        id=row.id,
        kind=row.kind,
        number=row.number,
        order_id=row.order_id,
        issued_at=row.issued_at,
        total=row.content.get("totals", {}).get("gross"),
        currency=row.content.get("currency"),
        refers_to_id=row.refers_to_id,
        rendered=row.pdf is not None,
    )


async def document_numbered(number: str) -> IssuedDocument:
    row = await DocumentRow.get_or_none(number=number.strip())
    if row is None:
        raise NotFound(f"No document numbered {number!r}.")
    return _issued(row)


async def latest_document(order_id: int, kind: str) -> IssuedDocument | None:
    """The order's newest document of this kind, if any."""
    row = await DocumentRow.filter(order_id=order_id, kind=kind).order_by("-id").first()
    return _issued(row) if row is not None else None


async def list_documents(order_id: int | None = None, limit: int = 100) -> list[IssuedDocument]:
    """Issued documents, newest first (of one order, when given)."""
    query = DocumentRow.all() if order_id is None else DocumentRow.filter(order_id=order_id)
    return [_issued(r) for r in await query.order_by("-issued_at", "-id").limit(limit)]


async def document_content(document_id: int, box: SecretBox) -> dict[str, Any]:
    """The document's frozen content (lines, totals, buyer) with the personal data opened."""
    return content_of(await get_document(document_id), box)
