"""Intake: orders from a channel into Packdesk, idempotent by (account, external id).

New orders are routed to their FulfilmentProfile and start in the process's first status; open MFN
lines reserve stock. Known orders are compared by a fingerprint of what the channel sent, so a
re-import of the same orders writes nothing. Changes that matter are applied: a cancellation before
packing, FBA shipped, a changed address. Work goes in batches: a few statements per batch, not per
order, and new rows go in as plain values (core/persistence/bulk.py: COPY on PostgreSQL), not as an
ORM object each, so 10,000 orders take seconds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.domain.accounts import DEFAULT_PROCESS, route
from core.domain.orders import INITIAL_STATUS, Order, OrderStatus, Process
from core.domain.outbox import JobKind
from core.persistence.bulk import insert_rows
from core.persistence.models import (
    ArticleRow,
    AuditEventRow,
    DocumentRow,
    ListingRow,
    OrderLineRow,
    OrderRow,
    StockReservationRow,
)
from core.persistence.repositories import load_profiles, seal_personal
from core.persistence.statistics import wrote_rows
from core.security import SecretBox
from core.services import audit
from core.services.outbox import queue_job

BATCH = 500
# What an intake writes to; their statistics are refreshed after large intakes.
INTAKE_TABLES = ("order", "order_line", "stock_reservation", "audit_event", "outbox_job")
CANCELLED_CHANNEL_STATUSES = {"Canceled", "Cancelled"}
SHIPPED_CHANNEL_STATUSES = {"Shipped"}
SHIPPED_ELSEWHERE = {
    "Shipped": OrderStatus.SHIPPED,
    "PartiallyShipped": OrderStatus.PARTIALLY_SHIPPED,
}
CANCELLABLE = {OrderStatus.OPEN, OrderStatus.ON_HOLD, OrderStatus.PACKING, OrderStatus.IMPORTED}


@dataclass
class IntakeResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: IntakeResult) -> IntakeResult:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


def buyer_tokens(order: Order, box: SecretBox) -> str:
    """The blind index that lets people find an order by the buyer's or recipient's name."""
    return box.blind_tokens(
        order.buyer.name, order.buyer.company, order.ship_to.name, order.ship_to.company
    )


def fingerprint(order: Order) -> str:
    """A hash of everything the channel told us about an order."""
    data = {
        "status": order.channel_status,
        "mp": order.marketplace_id,
        "ch": order.channel.value,
        "prime": order.is_prime,
        "biz": order.is_business,
        "lsd": order.latest_ship_at.isoformat() if order.latest_ship_at else None,
        "del": order.delivered_at.isoformat() if order.delivered_at else None,
        "buyer": order.buyer.as_dict(),
        "ship": order.ship_to.as_dict(),
        "bill": order.bill_to.as_dict() if order.bill_to else None,
        **({"ioss": order.ioss_number} if order.ioss_number else {}),  # old hashes stay valid
        "lines": [
            [
                ln.external_id,
                ln.sku,
                ln.title,
                ln.quantity,
                str(ln.unit_price),
                str(ln.tax_rate),
                str(ln.shipping_price),
                str(ln.gift_wrap_price),
                str(ln.promotion_discount),
            ]
            for ln in order.lines
        ],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


async def upsert_orders(
    account_id: int, orders: Sequence[Order], box: SecretBox, *, actor: str = audit.SYSTEM
) -> IntakeResult:
    """Insert new orders and apply changes to known ones. Safe to call again with the same orders."""
    profiles = await load_profiles()
    result = IntakeResult()
    # The last version of an order in the input wins (pages may overlap).
    unique = list({o.external_id: o for o in orders}.values())
    for start in range(0, len(unique), BATCH):
        batch = unique[start : start + BATCH]
        async with in_transaction() as conn:
            done = await _upsert_batch(account_id, batch, box, profiles, actor, conn)
        result += done
        if written := done.new + done.updated:
            per_order = 1 + sum(len(o.lines) for o in batch) / len(batch)  # the order and its lines
            await wrote_rows(INTAKE_TABLES, round(written * per_order))
    return result


async def _upsert_batch(
    account_id: int,
    batch: list[Order],
    box: SecretBox,
    profiles: list[Any],
    actor: str,
    conn: BaseDBAsyncClient,
) -> IntakeResult:
    result = IntakeResult()
    ids = [o.external_id for o in batch]
    existing = {
        r.external_id: r
        for r in await OrderRow.filter(account_id=account_id, external_id__in=ids).using_db(conn)
    }
    fresh: list[tuple[Order, str]] = []
    for order in batch:
        fp = fingerprint(order)
        row = existing.get(order.external_id)
        if row is None:
            fresh.append((order, fp))
        elif row.fingerprint == fp:
            result.unchanged += 1
        else:
            await _apply_update(row, order, fp, box, actor, conn)
            result.updated += 1
    if fresh:
        await _insert_new(account_id, fresh, box, profiles, actor, conn)
        result.new += len(fresh)
    return result


async def _insert_new(
    account_id: int,
    fresh: list[tuple[Order, str]],
    box: SecretBox,
    profiles: list[Any],
    actor: str,
    conn: BaseDBAsyncClient,
) -> None:
    rows = []
    for order, fp in fresh:
        profile = route(profiles, account_id, order.marketplace_id, order.channel)
        process = profile.process if profile else DEFAULT_PROCESS[order.channel]
        status = INITIAL_STATUS[process]
        if order.channel_status in CANCELLED_CHANNEL_STATUSES:
            status = OrderStatus.CANCELLED
        elif process is Process.SHIP:
            # Shipped before Packdesk knew it (history, or shipped from Seller Central).
            status = SHIPPED_ELSEWHERE.get(order.channel_status, status)
        order.process, order.status = process, status
        order.profile_id = profile.id if profile else None
        rows.append(
            {
                "account_id": account_id,
                "external_id": order.external_id,
                "marketplace_id": order.marketplace_id,
                "channel": order.channel.value,
                "process": process.value,
                "status": status.value,
                "channel_status": order.channel_status,
                "profile_id": order.profile_id,
                "purchased_at": _aware(order.purchased_at),
                "latest_ship_at": _aware(order.latest_ship_at),
                "delivered_at": _aware(order.delivered_at),
                "shipped_at": _aware(order.shipped_at),
                "is_prime": order.is_prime,
                "is_business": order.is_business,
                "currency": order.currency,
                "total": order.total,
                "item_count": sum(ln.quantity for ln in order.lines),
                "personal_sealed": seal_personal(order, box),
                "buyer_tokens": buyer_tokens(order, box),
                "ship_country": order.ship_to.country,
                "ioss_number": order.ioss_number,
                "fingerprint": fp,
            }
        )
    # Plain rows, one executemany per table: no ORM object per order, line or event.
    await insert_rows(OrderRow, rows, conn)
    saved = dict(
        await OrderRow.filter(
            account_id=account_id, external_id__in=[o.external_id for o, _ in fresh]
        )
        .using_db(conn)
        .values_list("external_id", "id")
    )
    line_rows = []
    for order, _ in fresh:
        order.id = saved[order.external_id]
        for ln in order.lines:
            line_rows.append(
                {
                    "order_id": order.id,
                    "external_id": ln.external_id,
                    "sku": ln.sku,
                    "asin": ln.asin,
                    "title": ln.title[:500],
                    "quantity": ln.quantity,
                    "quantity_shipped": ln.quantity_shipped,
                    "unit_price": ln.unit_price,
                    "tax_rate": ln.tax_rate,
                    "shipping_price": ln.shipping_price,
                    "gift_wrap_price": ln.gift_wrap_price,
                    "promotion_discount": ln.promotion_discount,
                }
            )
    await insert_rows(OrderLineRow, line_rows, conn)
    to_reserve = [
        o
        for o, _ in fresh
        if o.process is Process.SHIP
        and o.status in (OrderStatus.OPEN, OrderStatus.PARTIALLY_SHIPPED)
    ]
    if to_reserve:
        await _reserve(account_id, to_reserve, conn)
    events = [
        audit.event_fields(
            actor, "order.imported", f"order:{o.id}", status=o.status.value, process=o.process.value
        )
        for o, _ in fresh
    ]
    await insert_rows(AuditEventRow, events, conn)
    for order, _ in fresh:
        await _queue_follow_up(order, conn)


async def _reserve(account_id: int, orders: list[Order], conn: BaseDBAsyncClient) -> None:
    """Hold stock for open MFN lines; flag the affected listings for a stock push."""
    skus = {ln.sku for o in orders for ln in o.lines}
    by_listing = {
        r.seller_sku: r.article_id
        for r in await ListingRow.filter(account_id=account_id, seller_sku__in=skus)
        .only("seller_sku", "article_id")
        .using_db(conn)
    }
    by_sku = {
        r.sku: r.id
        for r in await ArticleRow.filter(sku__in=skus - set(by_listing))
        .only("id", "sku")
        .using_db(conn)
    }
    article_of = {**by_sku, **by_listing}
    order_ids = [o.id for o in orders]
    lines = (
        await OrderLineRow.filter(order_id__in=order_ids)
        .using_db(conn)
        .values_list("id", "sku", "quantity", "quantity_shipped")
    )
    reservations = [
        {"order_line_id": line_id, "article_id": article_of[sku], "quantity": qty - shipped}
        for line_id, sku, qty, shipped in lines
        if sku in article_of and qty > shipped
    ]
    if reservations:
        await insert_rows(StockReservationRow, reservations, conn)
        await flag_listings({r["article_id"] for r in reservations}, conn)


async def flag_listings(article_ids: set[int], conn: BaseDBAsyncClient) -> None:
    """Mark the listings of these articles for a stock push.

    Rows are locked in id order first: two transactions flagging overlapping listings (two
    accounts' intakes, a desk completing an order) then wait for each other instead of deadlocking.
    """
    if not article_ids:
        return
    rows = (
        await ListingRow.filter(article_id__in=article_ids)
        .order_by("id")
        .select_for_update()
        .only("id")
        .using_db(conn)
    )
    if rows:
        await ListingRow.filter(id__in=[r.id for r in rows]).using_db(conn).update(stock_dirty=True)


async def release_reservations(order_id: int, conn: BaseDBAsyncClient) -> None:
    """Give back the stock held for an order (cancelled, or its lines shipped)."""
    line_ids = (
        await OrderLineRow.filter(order_id=order_id).using_db(conn).values_list("id", flat=True)
    )
    held = await StockReservationRow.filter(order_line_id__in=line_ids).using_db(conn)
    if held:
        await StockReservationRow.filter(id__in=[h.id for h in held]).using_db(conn).delete()
        await flag_listings({h.article_id for h in held}, conn)


async def _queue_follow_up(order: Order, conn: BaseDBAsyncClient) -> None:
    """FBA orders that Amazon has shipped get their invoice without anyone lifting a finger."""
    if (
        order.id is not None
        and order.process is Process.INVOICE_ONLY
        and order.status is OrderStatus.IMPORTED
        and order.channel_status in SHIPPED_CHANNEL_STATUSES
    ):
        await queue_job(
            JobKind.ISSUE_INVOICE,
            order.id,
            {"order_id": order.id},
            using_db=conn,
            account_id=order.account_id,
        )


async def _credit_issued_invoices(order_id: int, account_id: int, conn: BaseDBAsyncClient) -> None:
    """A cancelled order whose invoice was already issued gets a credit note for it."""
    invoices = await DocumentRow.filter(order_id=order_id, kind="invoice").using_db(conn)
    for invoice in invoices:
        await queue_job(
            JobKind.ISSUE_CREDIT_NOTE,
            invoice.id,
            {"invoice_id": invoice.id, "reason": "Order cancelled at the sales channel"},
            using_db=conn,
            account_id=account_id,
        )


async def _apply_update(
    row: OrderRow, order: Order, fp: str, box: SecretBox, actor: str, conn: BaseDBAsyncClient
) -> None:
    status = OrderStatus(row.status)
    changes: dict[str, Any] = {"fingerprint": fp, "channel_status": order.channel_status}
    subject = f"order:{row.id}"
    if order.channel_status in CANCELLED_CHANNEL_STATUSES and row.channel_status not in (
        CANCELLED_CHANNEL_STATUSES
    ):
        if status in CANCELLABLE:
            changes["status"] = OrderStatus.CANCELLED.value
            changes["claimed_by"] = ""
            await release_reservations(row.id, conn)
            await audit.record(
                actor,
                "order.cancelled",
                subject,
                using_db=conn,
                previous=status.value,
                by="channel",
            )
        else:
            await audit.record(
                actor, "order.cancel_too_late", subject, using_db=conn, status=status.value
            )
    if order.channel_status in CANCELLED_CHANNEL_STATUSES and row.channel_status not in (
        CANCELLED_CHANNEL_STATUSES
    ):
        await _credit_issued_invoices(row.id, order.account_id, conn)
    if (
        order.channel_status == "Shipped"
        and row.process == Process.SHIP.value
        and status in (OrderStatus.OPEN, OrderStatus.ON_HOLD)
    ):
        # Shipped outside Packdesk (Seller Central, another tool): nothing left to pack here.
        changes.update(status=OrderStatus.SHIPPED.value, claimed_by="", hold_reason="")
        await release_reservations(row.id, conn)
        await audit.record(
            actor, "order.shipped_elsewhere", subject, using_db=conn, previous=status.value
        )
    if not row.personal_data_purged:
        changes["personal_sealed"] = seal_personal(order, box)
        changes["buyer_tokens"] = buyer_tokens(order, box)
        changes["ship_country"] = order.ship_to.country
    changes["latest_ship_at"] = _aware(order.latest_ship_at)
    changes["delivered_at"] = _aware(order.delivered_at)
    changes["is_prime"] = order.is_prime
    if order.ioss_number:
        changes["ioss_number"] = order.ioss_number
    if order.shipped_at and not row.shipped_at:
        changes["shipped_at"] = _aware(order.shipped_at)
    await OrderRow.filter(id=row.id).using_db(conn).update(**changes)
    await audit.record(
        actor, "order.updated", subject, using_db=conn, channel_status=order.channel_status
    )
    order.id, order.process = row.id, Process(row.process)
    order.status = OrderStatus(changes.get("status", row.status))
    await _queue_follow_up(order, conn)
