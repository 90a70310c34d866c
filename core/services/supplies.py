"""One invoice per supply (§14c UStG): what an order has been invoiced, credited and paid.

An invoice is issued only inside the transaction that makes the supply (packing completion, Amazon
reporting an FBA order shipped, a 3PL's tracking file) and only for what that supply holds. A
second invoice for the same goods would make the VAT on it owed twice (§14c Abs. 1 UStG), so
every issuing path calls `check_may_invoice` under the order's row lock: a cancelled order gets
none, and invoiced − credited never exceeds what the buyer paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient

from core.config import CompanySettings
from core.documents.content import build_content
from core.domain.documents import DocumentKind
from core.domain.orders import Order, OrderLine, OrderStatus
from core.errors import ConflictError
from core.persistence.models import DocumentRow, OrderLineRow, OrderRow

ZERO = Decimal("0")


@dataclass(frozen=True)
class Balance:
    """An order's money as the documents see it, in the order's currency."""

    paid: Decimal  # what the buyer paid Amazon: items, shipping, gift wrap, less promotions
    invoiced: Decimal
    credited: Decimal

    @property
    def open(self) -> Decimal:
        """What may still be invoiced."""
        return self.paid - self.invoiced + self.credited


async def invoiced_balance(order_id: int, conn: BaseDBAsyncClient | None = None) -> Balance:
    lines = await OrderLineRow.filter(order_id=order_id).using_db(conn)
    paid = sum(
        (
            ln.unit_price * ln.quantity
            + ln.shipping_price
            + ln.gift_wrap_price
            - ln.promotion_discount
            for ln in lines
        ),
        ZERO,
    )
    docs = await DocumentRow.filter(
        order_id=order_id,
        kind__in=[DocumentKind.INVOICE.value, DocumentKind.CREDIT_NOTE.value],
    ).using_db(conn)

    def total(kind: DocumentKind) -> Decimal:
        return sum(
            (Decimal(d.content["totals"]["gross"]) for d in docs if d.kind == kind.value), ZERO
        )

    return Balance(paid, total(DocumentKind.INVOICE), total(DocumentKind.CREDIT_NOTE))


async def check_may_invoice(order_id: int, gross: Decimal, conn: BaseDBAsyncClient) -> None:
    """Raise ConflictError if invoicing `gross` more would bill a cancelled or paid-up order."""
    row = await OrderRow.filter(id=order_id).using_db(conn).get()
    if row.status == OrderStatus.CANCELLED.value:
        raise ConflictError(f"Order {row.external_id} is cancelled: it gets no invoice.")
    balance = await invoiced_balance(order_id, conn)
    if gross > balance.open:
        raise ConflictError(
            f"Order {row.external_id} is invoiced already ({balance.invoiced} of {balance.paid}"
            f" {row.currency}); another {gross} would invoice the same supply twice."
        )


async def may_invoice(
    order: Order,
    lines: list[tuple[OrderLine, int]],
    company: CompanySettings,
    conn: BaseDBAsyncClient,
) -> bool:
    """Whether this shipment of `lines` is still to be invoiced (packing and 3PL papers ask).

    False when the order was invoiced already for these goods (e.g. a whole-order invoice after
    it shipped outside the desk) or is cancelled; the shipment then gets its delivery note only.
    """
    assert order.id is not None
    content = build_content(
        order, DocumentKind.INVOICE, "", order.purchased_at, company, lines=lines
    )
    try:
        await check_may_invoice(order.id, Decimal(content["totals"]["gross"]), conn)
    except ConflictError:
        return False
    return True
