"""What Amazon refused, per SKU and per invoice: the read model of the console's rejections
screen and of `packdesk documents rejected`.

One row per account and SKU with Amazon's code and message; the marketplaces where the same
answer came back are listed together (a SKU refused in DE and FR for one reason is one thing to
fix). Built on `listing_states`, the one read of each listing's last push.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.channels.amazon.listing_states import listing_states
from core.persistence.models import AccountRow, DocumentRow, InvoiceVerdictRow, OrderRow
from core.services.queries.queue import market_label


@dataclass(frozen=True)
class SkuRejection:
    """A SKU whose stock push Amazon refused, and why (in Amazon's words)."""

    account: str
    sku: str
    marketplaces: tuple[str, ...]  # country codes, e.g. ("DE", "FR")
    code: str
    message: str
    quantity_sent: int | None
    waiting_push: bool  # stock changed since: the next push tries again


async def sku_rejections(account: str | None = None) -> list[SkuRejection]:
    """Rejected listings grouped by account, SKU and Amazon's answer; by account and SKU."""
    groups: dict[tuple[str, str, str, str], list[tuple[str, int | None, bool]]] = {}
    for state in await listing_states(account=account, rejected_only=True):
        key = (state.account, state.sku, state.code, state.message)
        groups.setdefault(key, []).append(
            (market_label(state.marketplace_id), state.quantity_sent, state.waiting_push)
        )
    return [
        SkuRejection(
            account=name,
            sku=sku,
            marketplaces=tuple(sorted({m for m, _, _ in found})),
            code=code,
            message=message,
            quantity_sent=found[0][1],
            waiting_push=any(w for _, _, w in found),
        )
        for (name, sku, code, message), found in sorted(groups.items())
    ]


@dataclass(frozen=True)
class InvoiceRejection:
    """An uploaded invoice (or credit note) Amazon did not accept, in Amazon's words."""

    account: str
    number: str
    kind: str  # invoice | credit_note
    order: str  # Amazon's order id
    marketplace: str  # country code
    status: str  # Amazon's invoice-status (or the upload's error code), verbatim
    description: str  # Amazon's invoice-status-description (or the upload's message), verbatim
    source: str  # "report" (VAT invoice data report) | "upload" (the upload's processing result)
    checked_at: datetime

    def to_json(self) -> dict[str, str]:
        return {
            "account": self.account,
            "number": self.number,
            "kind": self.kind,
            "order": self.order,
            "marketplace": self.marketplace,
            "status": self.status,
            "description": self.description,
            "source": self.source,
            "checked_at": self.checked_at.isoformat(),
        }


async def invoice_rejections(account: str | None = None) -> list[InvoiceRejection]:
    """Invoices Amazon did not accept (as last heard), by account and number."""
    verdicts = {v.document_id: v for v in await InvoiceVerdictRow.filter(accepted=False)}
    docs = await DocumentRow.filter(id__in=list(verdicts)).only("id", "number", "kind", "order_id")
    orders = {
        o.id: o
        for o in await OrderRow.filter(id__in=[d.order_id for d in docs]).only(
            "id", "external_id", "marketplace_id", "account_id"
        )
    }
    names = {a.id: a.name for a in await AccountRow.all().only("id", "name")}
    found = []
    for doc in docs:
        order = orders[doc.order_id]
        name = names.get(order.account_id, str(order.account_id))
        if account is not None and name != account:
            continue
        verdict = verdicts[doc.id]
        found.append(
            InvoiceRejection(
                account=name,
                number=doc.number,
                kind=doc.kind,
                order=order.external_id,
                marketplace=market_label(order.marketplace_id),
                status=verdict.status,
                description=verdict.description,
                source=verdict.source,
                checked_at=verdict.checked_at,
            )
        )
    return sorted(found, key=lambda r: (r.account, r.number))


async def rejected_invoice_counts() -> dict[int, int]:
    """Invoices Amazon did not accept, per account id (for the sync monitor)."""
    refused = await InvoiceVerdictRow.filter(accepted=False).values_list("document_id", flat=True)
    order_ids = await DocumentRow.filter(id__in=list(refused)).values_list("order_id", flat=True)
    account_of = dict(
        await OrderRow.filter(id__in=list(set(order_ids))).values_list("id", "account_id")
    )
    counts: dict[int, int] = {}
    for order_id in order_ids:
        account_id = int(account_of[order_id])
        counts[account_id] = counts.get(account_id, 0) + 1
    return counts
