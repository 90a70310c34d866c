"""Completing a packed order: one transaction for everything that must hold together.

Shipment and packages, the document records with their numbers, stock taken out of the bins,
reservations let go, the order's new status, audit events and the outbox jobs for what happens
next (render and print the papers, buy labels or confirm the shipment). If anything fails in
between, nothing of it remains. Slow work (PDFs, labels, Amazon) happens afterwards, in the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core.carriers.registry import choose_rule
from core.config import CompanySettings
from core.documents.content import build_content
from core.documents.sealing import seal_content
from core.domain.documents import DocumentKind
from core.domain.errors import DomainError
from core.domain.orders import Order, OrderLine, OrderStatus, Process, check_transition
from core.domain.outbox import JobKind
from core.errors import ConflictError
from core.persistence.models import (
    AccountRow,
    BinRow,
    DocumentRow,
    FulfilmentProfileRow,
    OrderLineRow,
    OrderRow,
    PackageLineRow,
    PackageRow,
    ShipmentRow,
    StockLevelRow,
    StockMovementRow,
    StockReservationRow,
    WarehouseRow,
)
from core.persistence.repositories import load_order
from core.security import SecretBox
from core.services import audit
from core.services.fx import eur_rate
from core.services.intake import flag_listings
from core.services.invoicing import queue_invoice_delivery
from core.services.numbering import allocate
from core.services.outbox import queue_job
from core.services.supplies import may_invoice
from core.services.waiting_invoices import wait_for_rate

MANUAL_CARRIERS = {"manual", ""}
# Fulfilment providers' stock lives in warehouses of their own ("3pl:<provider>"); a desk never
# ships from there.
PROVIDER_WAREHOUSE_PREFIX = "3pl:"


@dataclass
class PackedBox:
    """What the station hands over: the lines in one box and, for a manual carrier, its tracking."""

    lines: dict[int, int]  # order line id → quantity
    weight_g: int = 0
    tracking_number: str = ""
    carrier_code: str = ""
    carrier_name: str = ""
    shipping_method: str = ""


@dataclass
class CompletionResult:
    shipment_id: int
    package_ids: list[int]
    document_ids: dict[str, int]
    document_numbers: dict[str, str]
    status: OrderStatus
    jobs: list[str] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(UTC)


async def complete_packing(
    order_id: int,
    boxes: Sequence[PackedBox],
    *,
    station: str,
    packer: str,
    company: CompanySettings,
    box: SecretBox,
    partial: bool = False,
    now: datetime | None = None,
) -> CompletionResult:
    """Turn a finished packing session into a shipment. All or nothing."""
    now = now or _now()
    boxes = [b for b in boxes if any(q > 0 for q in b.lines.values())]
    if not boxes:
        raise DomainError("Nothing is packed — scan the items first.")
    async with in_transaction() as conn:
        row = await OrderRow.filter(id=order_id).select_for_update().using_db(conn).first()
        if row is None:
            raise ConflictError(f"Order {order_id} no longer exists.")
        if row.status != OrderStatus.PACKING.value or row.claimed_by != station:
            raise ConflictError(
                f"Order {row.external_id} is not being packed at {station} any more "
                f"(it is {row.status.replace('_', ' ')}) — nothing was shipped."
            )
        order = await load_order(order_id, box, using_db=conn)
        shipped = _check_quantities(order, boxes, partial)
        profile = (
            await FulfilmentProfileRow.get_or_none(id=row.profile_id).using_db(conn)  # type: ignore[attr-defined]
            if row.profile_id
            else None
        )
        carrier = profile.carrier if profile else "manual"
        account = await AccountRow.filter(id=order.account_id).using_db(conn).get()

        shipment = await ShipmentRow.create(
            order_id=order_id, station=station, packer=packer, using_db=conn
        )
        first_ref = await PackageRow.filter(shipment__order_id=order_id).using_db(conn).count() + 1
        package_ids: list[int] = []
        for n, packed in enumerate(boxes, start=first_ref):
            pkg = await PackageRow.create(
                shipment_id=shipment.id,
                reference=str(n),
                weight_g=packed.weight_g,
                tracking_number=packed.tracking_number.strip(),
                carrier_code=packed.carrier_code or ("" if carrier in MANUAL_CARRIERS else carrier),
                carrier_name=packed.carrier_name,
                shipping_method=packed.shipping_method,
                using_db=conn,
            )
            await PackageLineRow.bulk_create(
                [
                    PackageLineRow(package_id=pkg.id, order_line_id=line_id, quantity=qty)
                    for line_id, qty in packed.lines.items()
                    if qty > 0
                ],
                using_db=conn,
            )
            package_ids.append(pkg.id)

        for line_id, qty in shipped.items():
            await (
                OrderLineRow.filter(id=line_id)
                .using_db(conn)
                .update(quantity_shipped=F("quantity_shipped") + qty)
            )
        await _take_stock(order, shipped, packer, conn)

        lines_shipped = [(ln, shipped[ln.id]) for ln in order.lines if ln.id in shipped]
        parcels = _described(order, boxes, first_ref)
        docs = await _issue_documents(
            order, lines_shipped, parcels, shipment.id, account.company, profile, company, box,
            now, conn, station=station,
        )  # fmt: skip

        everything = all(
            ln.quantity_shipped + shipped.get(ln.id or 0, 0) >= ln.quantity for ln in order.lines
        )
        check_transition(
            order.process, OrderStatus.PACKING, OrderStatus.PACKED, f"Order {order.external_id}"
        )
        await (
            OrderRow.filter(id=order_id)
            .using_db(conn)
            .update(status=OrderStatus.PACKED.value, claimed_by="", claimed_at=None)
        )
        jobs = []
        for doc_id in docs.values():
            jobs.append(
                await queue_job(
                    JobKind.RENDER_DOCUMENT,
                    doc_id,
                    {"document_id": doc_id, "station": station},
                    using_db=conn,
                    account_id=order.account_id,
                )
            )
        status = OrderStatus.PACKED
        all_tracked = all(b.tracking_number.strip() for b in boxes)
        if carrier not in MANUAL_CARRIERS and not all_tracked:
            options = profile.options if profile else {}
            for pkg_id, packed in zip(package_ids, boxes, strict=True):
                rule = choose_rule(carrier, options, packed.weight_g, order.ship_to.country)
                payload = {"package_id": pkg_id, "station": station, "carrier": rule.carrier}
                if rule.services:
                    payload["services"] = dict(rule.services)
                key = await queue_job(
                    JobKind.BUY_LABEL,
                    pkg_id,
                    payload,
                    using_db=conn,
                    account_id=order.account_id,
                )
                jobs.append(key)
        else:
            status = OrderStatus.SHIPPED if everything else OrderStatus.PARTIALLY_SHIPPED
            jobs += await tracking_known(order_id, package_ids, conn, status=status, now=now)
        await audit.record(
            packer,
            "order.packed",
            f"order:{order_id}",
            station=station,
            using_db=conn,
            shipment=shipment.id,
            packages=len(package_ids),
            items=sum(shipped.values()),
            partial=not everything,
        )
    return CompletionResult(
        shipment_id=shipment.id,
        package_ids=package_ids,
        document_ids={k: v for k, v in docs.items()},
        document_numbers={k: n for k, n in (await _numbers(docs)).items()},
        status=status,
        jobs=jobs,
    )


def _described(order: Order, boxes: Sequence[PackedBox], first_ref: int) -> list[dict[str, Any]]:
    """The parcels as documents list them (tracking only where it is known at packing time)."""
    by_id = {ln.id: ln for ln in order.lines}
    return [
        {
            "reference": str(n),
            "carrier": packed.carrier_name or packed.carrier_code,
            "tracking_number": packed.tracking_number.strip(),
            "items": [
                {"sku": by_id[i].sku, "title": by_id[i].title, "quantity": q}
                for i, q in packed.lines.items()
                if q > 0 and i in by_id
            ],
        }
        for n, packed in enumerate(boxes, start=first_ref)
    ]


def _check_quantities(order: Order, boxes: Sequence[PackedBox], partial: bool) -> dict[int, int]:
    by_id: dict[int, OrderLine] = {ln.id: ln for ln in order.lines if ln.id is not None}
    shipped: dict[int, int] = {}
    for packed in boxes:
        for line_id, qty in packed.lines.items():
            if line_id not in by_id:
                raise DomainError(f"Line {line_id} does not belong to order {order.external_id}.")
            if qty < 0:
                raise DomainError("A package cannot hold a negative quantity.")
            shipped[line_id] = shipped.get(line_id, 0) + qty
    for line_id, qty in shipped.items():
        line = by_id[line_id]
        if qty > line.quantity_open:
            raise DomainError(
                f"{line.title}: {qty} packed but only {line.quantity_open} still to ship."
            )
    missing = sum(ln.quantity_open for ln in by_id.values()) - sum(shipped.values())
    if missing and not partial:
        raise DomainError(f"{missing} item(s) still missing — pack them or ship partially.")
    return {k: v for k, v in shipped.items() if v}


async def _take_stock(
    order: Order, shipped: dict[int, int], actor: str, conn: BaseDBAsyncClient
) -> None:
    """Book the goods out of their bins and let go of what was reserved for them."""
    reservations = {
        r.order_line_id: r
        for r in await StockReservationRow.filter(order_line_id__in=list(shipped)).using_db(conn)
    }
    touched: set[int] = set()
    for line_id, qty in shipped.items():
        held = reservations.get(line_id)
        if held is None:
            continue  # an article Packdesk does not stock (no listing, no article): nothing to book
        article_id = held.article_id
        level = (
            await StockLevelRow.filter(article_id=article_id, on_hand__gt=0)
            .exclude(bin__warehouse__name__startswith=PROVIDER_WAREHOUSE_PREFIX)
            .order_by("-on_hand")
            .using_db(conn)
            .first()
        )
        bin_id = level.bin_id if level else await _default_bin(conn)
        if level is None:
            level, _ = await StockLevelRow.get_or_create(
                article_id=article_id, bin_id=bin_id, using_db=conn
            )
        await StockLevelRow.filter(id=level.id).using_db(conn).update(on_hand=F("on_hand") - qty)
        await StockMovementRow.create(
            article_id=article_id,
            bin_id=bin_id,
            quantity=-qty,
            reason="shipment",
            reference=order.external_id,
            actor=actor,
            using_db=conn,
        )
        if held.quantity - qty <= 0:
            await held.delete(using_db=conn)
        else:
            await (
                StockReservationRow.filter(id=held.id)
                .using_db(conn)
                .update(quantity=F("quantity") - qty)
            )
        touched.add(article_id)
    if touched:
        await flag_listings(touched, conn)


async def _default_bin(conn: BaseDBAsyncClient) -> int:
    warehouse, _ = await WarehouseRow.get_or_create(name="main", using_db=conn)
    bin_row, _ = await BinRow.get_or_create(
        warehouse_id=warehouse.id, code="DEFAULT", using_db=conn
    )
    return bin_row.id


async def _issue_documents(
    order: Order,
    lines: list[tuple[OrderLine, int]],
    parcels: list[dict[str, Any]],
    shipment_id: int,
    company_name: str,
    profile: FulfilmentProfileRow | None,
    company: CompanySettings,
    box: SecretBox,
    now: datetime,
    conn: BaseDBAsyncClient,
    *,
    station: str = "",
) -> dict[str, int]:
    ranges = {
        DocumentKind.DELIVERY_NOTE: profile.delivery_note_range if profile else "delivery_note",
        DocumentKind.INVOICE: profile.invoice_range if profile else "invoice",
    }
    ids: dict[str, int] = {}
    for kind, range_name in ranges.items():
        if kind is DocumentKind.INVOICE and not await may_invoice(order, lines, company, conn):
            continue  # invoiced already (shipped outside the desk): never a second invoice
        if kind is DocumentKind.INVOICE and await wait_for_rate(
            order, lines, shipment_id=shipment_id, delivered_on=now.date(), station=station,
            packages=parcels, conn=conn,
        ):  # fmt: skip
            continue  # no ECB rate for its VAT in EUR yet: the invoice follows as a job
        number = await allocate(company_name, range_name, now.date(), using_db=conn)
        rate = await eur_rate(order.currency, now.date(), conn)  # VAT also in EUR (§ 16 Abs. 6)
        content = build_content(order, kind, number, now, company, lines=lines, eur_rate=rate)
        content["packages"] = parcels  # documents say which items are in which parcel
        doc = await DocumentRow.create(
            kind=kind.value,
            number=number,
            order_id=order.id,
            shipment_id=shipment_id,
            issued_at=now,
            content=seal_content(content, box),
            using_db=conn,
        )
        ids[kind.value] = doc.id
        await audit.record(
            audit.SYSTEM,
            "document.issued",
            f"order:{order.id}",
            using_db=conn,
            kind=kind.value,
            number=number,
        )
    return ids


async def _numbers(docs: dict[str, int]) -> dict[str, str]:
    rows = await DocumentRow.filter(id__in=list(docs.values())).only("id", "number", "kind")
    return {r.kind: r.number for r in rows}


async def tracking_known(
    order_id: int,
    package_ids: list[int],
    conn: BaseDBAsyncClient,
    *,
    status: OrderStatus | None = None,
    now: datetime | None = None,
    mail_extra: dict[str, object] | None = None,
) -> list[str]:
    """Packages have tracking numbers: the order counts as shipped, Amazon and the buyer are told.

    Called by completion (manual carrier) and by the label handler once a label is bought.
    `mail_extra` goes into the invoice mail's payload (a provider's tracking numbers).
    """
    row = await OrderRow.filter(id=order_id).select_for_update().using_db(conn).get()
    if status is None:
        open_qty = sum(
            ln.quantity - ln.quantity_shipped
            for ln in await OrderLineRow.filter(order_id=order_id).using_db(conn)
        )
        status = OrderStatus.PARTIALLY_SHIPPED if open_qty else OrderStatus.SHIPPED
    if row.status != status.value:
        check_transition(
            Process(row.process), OrderStatus(row.status), status, f"Order {row.external_id}"
        )
    await (
        OrderRow.filter(id=order_id)
        .using_db(conn)
        .update(status=status.value, shipped_at=now or _now())
    )
    account_id = row.account_id
    keys = []
    for pkg_id in package_ids:
        key = await queue_job(
            JobKind.CONFIRM_SHIPMENT,
            pkg_id,
            {"package_id": pkg_id},
            using_db=conn,
            account_id=account_id,
        )
        keys.append(key)
    profile = (
        await FulfilmentProfileRow.get_or_none(id=row.profile_id).using_db(conn)  # type: ignore[attr-defined]
        if row.profile_id
        else None
    )
    invoices = (
        await DocumentRow.filter(
            order_id=order_id,
            kind=DocumentKind.INVOICE.value,
            shipment__packages__id__in=package_ids,
        )
        .using_db(conn)
        .distinct()
    )
    for doc in invoices:
        keys += await queue_invoice_delivery(
            doc.id, profile, conn, account_id, mail_extra=mail_extra
        )
    await audit.record(
        audit.SYSTEM,
        f"order.{status.value}",
        f"order:{order_id}",
        using_db=conn,
        packages=package_ids,
    )
    return keys
