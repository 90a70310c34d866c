"""Repositories: ORM rows in, domain objects out. Personal data is opened here and nowhere else."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from core.domain.accounts import Account, FulfilmentProfile
from core.domain.catalog import Article, Barcode, BarcodeKind
from core.domain.orders import Address, Buyer, Channel, Order, OrderLine, OrderStatus, Process
from core.errors import NotFound
from core.persistence.models import (
    AccountRow,
    ArticleRow,
    FulfilmentProfileRow,
    OrderLineRow,
    OrderRow,
)
from core.security import SecretBox


def seal_personal(order: Order, box: SecretBox) -> str:
    """The buyer, addresses and gift messages of an order as one sealed blob (a gift message is
    the buyer's own words: purged with the address)."""
    return box.seal(
        {
            "buyer": order.buyer.as_dict(),
            "ship_to": order.ship_to.as_dict(),
            "bill_to": order.bill_to.as_dict() if order.bill_to else None,
            "gifts": {ln.external_id: ln.gift_message for ln in order.lines if ln.gift_message},
        }
    )


def _gifts(row: OrderRow, box: SecretBox) -> dict[str, str]:
    data: dict[str, Any] | None = box.open(row.personal_sealed) if row.personal_sealed else None
    return dict((data or {}).get("gifts") or {})


def _personal(row: OrderRow, box: SecretBox) -> tuple[Buyer, Address, Address | None]:
    data: dict[str, Any] | None = box.open(row.personal_sealed) if row.personal_sealed else None
    if not data:
        return Buyer(), Address(country=row.ship_country), None
    bill = data.get("bill_to")
    return (
        Buyer(**data["buyer"]),
        Address(**data["ship_to"]),
        Address(**bill) if bill else None,
    )


def line_from_row(row: OrderLineRow) -> OrderLine:
    return OrderLine(
        external_id=row.external_id,
        sku=row.sku,
        title=row.title,
        quantity=row.quantity,
        unit_price=Decimal(row.unit_price),
        tax_rate=Decimal(row.tax_rate),
        asin=row.asin,
        quantity_shipped=row.quantity_shipped,
        shipping_price=Decimal(row.shipping_price),
        gift_wrap_price=Decimal(row.gift_wrap_price),
        promotion_discount=Decimal(row.promotion_discount),
        id=row.id,
    )


def order_from_row(row: OrderRow, lines: list[OrderLineRow], box: SecretBox | None) -> Order:
    """A domain order; without a box the personal data stays empty (lists, queues)."""
    buyer, ship_to, bill_to = (
        _personal(row, box)
        if box is not None
        else (Buyer(), Address(country=row.ship_country), None)
    )
    gifts = _gifts(row, box) if box is not None else {}
    order_lines = [line_from_row(ln) for ln in sorted(lines, key=lambda ln: ln.id)]
    for line in order_lines:
        line.gift_message = gifts.get(line.external_id, "")
    return Order(
        account_id=row.account_id,
        external_id=row.external_id,
        marketplace_id=row.marketplace_id,
        channel=Channel(row.channel),
        purchased_at=row.purchased_at,
        currency=row.currency,
        lines=order_lines,
        process=Process(row.process),
        status=OrderStatus(row.status),
        channel_status=row.channel_status,
        buyer=buyer,
        ship_to=ship_to,
        bill_to=bill_to,
        is_prime=row.is_prime,
        is_business=row.is_business,
        latest_ship_at=row.latest_ship_at,
        delivered_at=row.delivered_at,
        shipped_at=row.shipped_at,
        profile_id=row.profile_id,
        hold_reason=row.hold_reason,
        claimed_by=row.claimed_by,
        claimed_at=row.claimed_at,
        personal_data_purged=row.personal_data_purged,
        updated_at=row.updated_at,
        ioss_number=row.ioss_number,
        id=row.id,
    )


async def load_order(
    order_id: int, box: SecretBox | None, using_db: BaseDBAsyncClient | None = None
) -> Order:
    """One order with its lines (and personal data when a box is given)."""
    row = await OrderRow.filter(id=order_id).using_db(using_db).first()
    if row is None:
        raise NotFound(f"No order with id {order_id}.")
    lines = await OrderLineRow.filter(order_id=order_id).using_db(using_db)
    return order_from_row(row, list(lines), box)


async def find_order(ref: str, box: SecretBox | None) -> Order:
    """An order by Packdesk id or by the channel's order id (e.g. 302-1234567-1234567)."""
    query = OrderRow.filter(external_id=ref.strip())
    row = await query.first()
    if row is None and ref.strip().isdigit():
        row = await OrderRow.get_or_none(id=int(ref))
    if row is None:
        raise NotFound(f"No order {ref!r}.")
    return await load_order(row.id, box)


def account_from_row(row: AccountRow) -> Account:
    return Account(
        name=row.name,
        kind=row.kind,
        seller_id=row.seller_id,
        region=row.region,
        endpoint=row.endpoint,
        marketplace_ids=list(row.marketplace_ids),
        company=row.company,
        health=row.health,
        health_reason=row.health_reason,
        id=row.id,
    )


def profile_from_row(row: FulfilmentProfileRow) -> FulfilmentProfile:
    return FulfilmentProfile(
        name=row.name,
        process=Process(row.process),
        account_id=row.account_id,
        marketplace_id=row.marketplace_id,
        channel=Channel(row.channel) if row.channel else None,
        email_invoice=row.email_invoice,
        upload_invoice=row.upload_invoice,
        carrier=row.carrier,
        invoice_range=row.invoice_range,
        delivery_note_range=row.delivery_note_range,
        credit_note_range=row.credit_note_range,
        id=row.id,
    )


async def load_profiles() -> list[FulfilmentProfile]:
    return [profile_from_row(r) for r in await FulfilmentProfileRow.all().order_by("id")]


async def load_article(article_id: int) -> Article:
    row = await ArticleRow.get_or_none(id=article_id).prefetch_related("barcodes")
    if row is None:
        raise NotFound(f"No article with id {article_id}.")
    return Article(
        sku=row.sku,
        title=row.title,
        barcodes=[Barcode(b.code, BarcodeKind(b.kind)) for b in row.barcodes],
        weight_g=row.weight_g,
        tax_rate=Decimal(row.tax_rate),
        id=row.id,
    )
