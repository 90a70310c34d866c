"""Database set-ups and fakes for the documents flow tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from core.config import Settings
from core.domain.orders import Channel
from core.persistence.models import FulfilmentProfileRow, OrderRow
from core.ports import Attachment, PrintRequest
from core.security import SecretBox
from core.services.intake import upsert_orders
from core.services.setup import ensure_basics
from tests.documents.samples import seller
from tests.support.factories import make_account, make_order

AMAZON_SHIPPED_AT = datetime(2026, 11, 29, 16, 5, tzinfo=UTC)


def settings(**mail: object) -> Settings:
    return Settings(company=seller(), mail=mail or {})  # type: ignore[arg-type]


async def shipped_fba_order(
    box: SecretBox, *, email: bool = True, upload: bool = True, buyer: str = "Åsa Öberg"
) -> int:
    """An FBA order Amazon has shipped, imported; intake queues `invoice.issue` for it."""
    await ensure_basics("desk-1")
    await FulfilmentProfileRow.filter(channel="AFN").update(
        email_invoice=email, upload_invoice=upload
    )
    account = await make_account()
    order = make_order(
        "305-1111111-2222222",
        account_id=account,
        channel=Channel.AFN,
        channel_status="Shipped",
        lines=[("MUG", 2), ("TEA", 1)],
        buyer_name=buyer,
    )
    order.shipped_at = AMAZON_SHIPPED_AT  # Amazon's ship date: the invoice's delivery date
    await upsert_orders(account, [order], box)
    return (await OrderRow.get(external_id="305-1111111-2222222")).id


@dataclass
class FakeMailer:
    sent: list[tuple[str, str, str, list[Attachment]]] = field(default_factory=list)

    async def send(
        self, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()
    ) -> str:
        self.sent.append((to, subject, body, list(attachments)))
        return f"<{len(self.sent)}@test>"


@dataclass
class FakeConnector:
    uploads: list[tuple[str, str, str, bytes, str]] = field(default_factory=list)
    facts: list[dict[str, str]] = field(default_factory=list)

    async def upload_invoice(
        self,
        order_external_id: str,
        marketplace_id: str,
        number: str,
        pdf: bytes,
        total: str,
        facts: dict[str, str] | None = None,
    ) -> None:
        self.uploads.append((order_external_id, marketplace_id, number, pdf, total))
        self.facts.append(dict(facts or {}))


@dataclass
class FakePrinter:
    jobs: dict[str, PrintRequest] = field(default_factory=dict)

    async def submit(self, request: PrintRequest) -> int:
        self.jobs.setdefault(request.key, request)  # the same key never prints twice
        return list(self.jobs).index(request.key) + 1


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
