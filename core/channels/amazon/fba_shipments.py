"""FBA orders from Amazon's FBA shipments report (GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL).

The report has one row per shipped item and shipment (an item split over two shipments appears
twice). Orders Packdesk does not know yet enter through intake as shipped AFN orders, routed like
any other FBA order; for orders it knows already, the report adds what the Orders API leaves out:
when Amazon shipped, with which carrier and tracking number, and how many pieces. Recording the
same report twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import IO

from tortoise.transactions import in_transaction

from core.channels.amazon.normalize import CENT, ZERO, parse_time, tax_rate
from core.domain.orders import Address, Buyer, Channel, Order, OrderLine
from core.persistence.models import (
    OrderLineRow,
    OrderRow,
    PackageLineRow,
    PackageRow,
    ShipmentRow,
)
from core.security import SecretBox
from core.services.intake import upsert_orders

log = logging.getLogger(__name__)

REPORT_TYPE = "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL"
MAX_WINDOW = timedelta(days=30)  # Amazon serves at most a month per request
STATION = "amazon:fba"  # the ShipmentRow.station of shipments Amazon made from its warehouses

# `sales-channel` names the marketplace by its shop domain; other values ("Non-Amazon …") are
# Multi-Channel Fulfilment orders of other shops, which are not Amazon orders.
SALES_CHANNELS = {
    "amazon.de": "A1PA6795UKMFR9",
    "amazon.fr": "A13V1IB3VIYZZH",
    "amazon.it": "APJ6JRA9NG5V4",
    "amazon.es": "A1RKKUPIHCS9HS",
    "amazon.co.uk": "A1F83G8C2ARO7P",
    "amazon.nl": "A1805IZSGTT6HS",
    "amazon.pl": "A1C3SOZRARQ6R3",
    "amazon.se": "A2NODRKZP88ZB9",
    "amazon.com.be": "AMEN7PMS3EDWL",
    "amazon.ie": "A28R8C7NBKEWEA",
    "amazon.com.tr": "A33AVAJ2PDY3EV",
    "amazon.com": "ATVPDKIKX0DER",
    "amazon.ca": "A2EUQ1WTGCTBG2",
    "amazon.com.mx": "A1AM78C64UM0Y8",
    "amazon.com.br": "A2Q3Y263D00KWC",
    "amazon.co.jp": "A1VC38T7YXB528",
    "amazon.com.au": "A39IBJ37TRP1C6",
    "amazon.sg": "A19VAU5U5O7RUS",
}


@dataclass(frozen=True)
class ShippedItem:
    """One row of the report: some pieces of one order item in one Amazon shipment."""

    order_id: str
    order_item_id: str
    shipment_id: str
    marketplace_id: str
    sku: str
    title: str
    quantity: int
    currency: str
    item_price: Decimal  # gross, for the pieces of this row
    item_tax: Decimal
    shipping_price: Decimal
    gift_wrap_price: Decimal
    item_discount: Decimal  # positive
    ship_discount: Decimal  # positive
    purchased_at: datetime | None
    shipped_at: datetime | None
    carrier: str
    tracking_number: str
    buyer: Buyer = field(default_factory=Buyer)
    ship_to: Address = field(default_factory=Address)


@dataclass
class FbaIntake:
    """What recording a report did: orders imported, known orders that learned something."""

    new: int = 0
    updated: int = 0
    skipped: int = 0  # rows that are not Amazon orders (Multi-Channel Fulfilment)


def _decimal(text: str | None) -> Decimal:
    raw = (text or "").strip()
    if "," in raw and "." not in raw:  # some EU files write decimal commas
        raw = raw.replace(",", ".")
    try:
        return Decimal(raw) if raw else ZERO
    except InvalidOperation:
        return ZERO


def _int(text: str | None) -> int:
    try:
        return int(_decimal(text))
    except (ValueError, InvalidOperation):
        return 0


def shipped_items_from_report(text: str | IO[str], marketplace_ids: list[str]) -> list[ShippedItem]:
    """The report's rows (tab separated, read by header name; personal columns may be blank).

    Rows whose `sales-channel` is not an Amazon marketplace are left out. A marketplace the
    table does not know falls back to the account's only marketplace, if it has one.
    """
    fallback = marketplace_ids[0] if len(marketplace_ids) == 1 else ""
    out: list[ShippedItem] = []
    source = io.StringIO(text) if isinstance(text, str) else text
    reader = csv.DictReader(source, delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:

        def get(name: str, r: dict[str, str | None] = row) -> str:
            return (r.get(name) or "").strip()

        order_id = get("amazon-order-id")
        channel = get("sales-channel").lower()
        if not order_id or (channel and not channel.startswith("amazon.")):
            continue
        marketplace_id = SALES_CHANNELS.get(channel, fallback)
        if not marketplace_id:
            log.warning("FBA shipments report: unknown sales channel %r, row skipped", channel)
            continue
        out.append(
            ShippedItem(
                order_id=order_id,
                order_item_id=get("amazon-order-item-id"),
                shipment_id=get("shipment-id"),
                marketplace_id=marketplace_id,
                sku=get("sku"),
                title=get("product-name"),
                quantity=_int(get("quantity-shipped")),
                currency=get("currency"),
                item_price=_decimal(get("item-price")),
                item_tax=_decimal(get("item-tax")),
                shipping_price=_decimal(get("shipping-price")),
                gift_wrap_price=_decimal(get("gift-wrap-price")),
                item_discount=abs(_decimal(get("item-promotion-discount"))),
                ship_discount=abs(_decimal(get("ship-promotion-discount"))),
                purchased_at=parse_time(get("purchase-date")),
                shipped_at=parse_time(get("shipment-date")),
                carrier=get("carrier"),
                tracking_number=get("tracking-number"),
                buyer=Buyer(name=get("buyer-name"), email=get("buyer-email")),
                ship_to=Address(
                    name=get("recipient-name"),
                    line1=get("ship-address-1"),
                    line2=get("ship-address-2"),
                    line3=get("ship-address-3"),
                    postcode=get("ship-postal-code"),
                    city=get("ship-city"),
                    region=get("ship-state"),
                    country=get("ship-country"),
                    phone=get("ship-phone-number"),
                ),
            )
        )
    return out


def _by_order(items: list[ShippedItem]) -> dict[str, list[ShippedItem]]:
    grouped: dict[str, list[ShippedItem]] = defaultdict(list)
    for item in items:
        grouped[item.order_id].append(item)
    return grouped


def order_from_shipped_items(items: list[ShippedItem], account_id: int) -> Order:
    """One shipped FBA order from its rows (all rows of one `amazon-order-id`)."""
    first = items[0]
    lines: dict[str, OrderLine] = {}
    gross: dict[str, Decimal] = defaultdict(Decimal)
    tax: dict[str, Decimal] = defaultdict(Decimal)
    for item in items:
        key = item.order_item_id or item.sku
        gross[key] += item.item_price
        tax[key] += item.item_tax
        line = lines.get(key)
        if line is None:
            lines[key] = OrderLine(
                external_id=key,
                sku=item.sku,
                title=item.title,
                quantity=0,
                unit_price=ZERO,
                tax_rate=ZERO,
                quantity_shipped=0,
            )
            line = lines[key]
        line.quantity += item.quantity
        line.quantity_shipped += item.quantity
        line.shipping_price += item.shipping_price - item.ship_discount
        line.gift_wrap_price += item.gift_wrap_price
        line.promotion_discount += item.item_discount
    for key, line in lines.items():
        line.unit_price = (gross[key] / line.quantity).quantize(CENT) if line.quantity else ZERO
        line.tax_rate = tax_rate(gross[key], tax[key])
    shipped = [i.shipped_at for i in items if i.shipped_at]
    purchased = [i.purchased_at for i in items if i.purchased_at]
    return Order(
        account_id=account_id,
        external_id=first.order_id,
        marketplace_id=first.marketplace_id,
        channel=Channel.AFN,
        purchased_at=min(purchased) if purchased else datetime.now(UTC),
        currency=first.currency or "EUR",
        lines=list(lines.values()),
        channel_status="Shipped",
        buyer=first.buyer,
        ship_to=first.ship_to,
        shipped_at=max(shipped) if shipped else None,
    )


async def record_fba_shipments(
    account_id: int, items: list[ShippedItem], box: SecretBox
) -> FbaIntake:
    """Import the report's orders Packdesk does not know; add shipment facts to all of them."""
    result = FbaIntake()
    grouped = _by_order(items)
    if not grouped:
        return result
    known = {
        str(v)
        for v in await OrderRow.filter(
            account_id=account_id, external_id__in=list(grouped)
        ).values_list("external_id", flat=True)
    }
    fresh = [
        order_from_shipped_items(rows, account_id)
        for order_id, rows in grouped.items()
        if order_id not in known
    ]
    if fresh:
        result.new = (await upsert_orders(account_id, fresh, box)).new
    rows = await OrderRow.filter(account_id=account_id, external_id__in=list(grouped))
    for row in rows:
        if row.channel != Channel.AFN.value:
            continue  # the report lists FBA shipments only; anything else is not ours to touch
        if await _merge_shipment_facts(row, grouped[row.external_id]) and row.external_id in known:
            result.updated += 1
    return result


async def _merge_shipment_facts(row: OrderRow, items: list[ShippedItem]) -> bool:
    """Shipment date, shipped quantities and Amazon's packages of one order; True if any changed."""
    changed = False
    async with in_transaction() as conn:
        lines = {
            ln.external_id: ln for ln in await OrderLineRow.filter(order_id=row.id).using_db(conn)
        }
        shipped: dict[str, int] = defaultdict(int)
        for item in items:
            shipped[item.order_item_id] += item.quantity
        for external_id, qty in shipped.items():
            line = lines.get(external_id)
            if line is not None and line.quantity_shipped < min(qty, line.quantity):
                await (
                    OrderLineRow.filter(id=line.id)
                    .using_db(conn)
                    .update(quantity_shipped=min(qty, line.quantity))
                )
                changed = True
        times = [i.shipped_at for i in items if i.shipped_at]
        if row.shipped_at is None and times:
            await OrderRow.filter(id=row.id).using_db(conn).update(shipped_at=max(times))
            changed = True
        recorded = {
            (str(ref), str(tracking))
            for ref, tracking in await PackageRow.filter(shipment__order_id=row.id)
            .using_db(conn)
            .values_list("reference", "tracking_number")
        }
        packages: dict[tuple[str, str], list[ShippedItem]] = defaultdict(list)
        for item in items:
            packages[(item.shipment_id, item.tracking_number)].append(item)
        shipments: dict[str, int] = {}
        for (shipment_id, tracking), pieces in packages.items():
            if (shipment_id, tracking) in recorded:
                continue
            if shipment_id not in shipments:
                when = [i.shipped_at for i in pieces if i.shipped_at]
                shipment = await ShipmentRow.create(
                    order_id=row.id,
                    station=STATION,
                    packer="Amazon",
                    shipped_at=max(when) if when else None,
                    using_db=conn,
                )
                shipments[shipment_id] = shipment.id
            carrier = pieces[0].carrier
            package = await PackageRow.create(
                shipment_id=shipments[shipment_id],
                reference=shipment_id[:64],
                carrier_code=carrier[:64],
                carrier_name=carrier[:64],
                tracking_number=tracking[:64],
                using_db=conn,
            )
            await PackageLineRow.bulk_create(
                [
                    PackageLineRow(
                        package_id=package.id,
                        order_line_id=lines[i.order_item_id].id,
                        quantity=i.quantity,
                    )
                    for i in pieces
                    if i.order_item_id in lines and i.quantity > 0
                ],
                using_db=conn,
            )
            changed = True
    return changed


__all__ = [
    "MAX_WINDOW",
    "REPORT_TYPE",
    "FbaIntake",
    "ShippedItem",
    "order_from_shipped_items",
    "record_fba_shipments",
    "shipped_items_from_report",
]
