"""Applying a provider's file: a tracking file's shipments with all that follows, or a stock count.

One file is one transaction. Every shipment in it is matched to a handed-over order of this
provider, every package to exactly the items it holds; the shipment (with the provider's ship
time) and packages are written with their tracking numbers, quantities shipped are raised (never
above what was ordered), delivery note and invoice are numbered from the profile's ranges
(`papers`), and `tracking_known` moves the order to shipped or partially shipped and queues
Amazon's confirmation per package and the invoice mail. A stock file sets the provider's bin to
the counted quantities (`stock`). The file's SHA-256 is written in the same transaction as an
`outbox_job` row (kind `thirdparty.file`, status `done`, unique key `thirdparty.file:<sha256>`),
so the same file is never applied twice — not even by two workers racing for it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core.carriers.tracking import InvalidTrackingNumber, carrier_info, validate_tracking
from core.config import CompanySettings
from core.domain.orders import Order, OrderLine, OrderStatus, Process
from core.domain.outbox import JobKind, JobStatus
from core.persistence.models import (
    FulfilmentProfileRow,
    OrderLineRow,
    OrderRow,
    OutboxJobRow,
    PackageLineRow,
    PackageRow,
    ShipmentRow,
)
from core.persistence.repositories import load_order
from core.security import SecretBox
from core.services import audit
from core.services.completion import tracking_known
from core.thirdparty.files import (
    BadFile,
    StockReport,
    TrackedPackage,
    TrackedShipment,
    TrackingReport,
    parse_inbound,
)
from core.thirdparty.papers import issue_shipment_papers
from core.thirdparty.routing import provider_for
from core.thirdparty.stock import apply_stock


class AlreadyApplied(BadFile):
    """The very same file (same SHA-256) was applied before."""


@dataclass
class AppliedFile:
    sha256: str
    kind: str  # tracking | stock
    orders: list[str] = field(default_factory=list)
    packages: list[int] = field(default_factory=list)
    jobs: list[str] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)
    stock: dict[str, tuple[int, int]] = field(default_factory=dict)  # SKU → (before, now)


def file_key(sha256: str) -> str:
    return JobKind.PROVIDER_FILE.key(sha256)


async def apply_file(
    data: bytes,
    *,
    provider: str,
    name: str,
    providers: list[str],
    company: CompanySettings,
    box: SecretBox,
    now: datetime | None = None,
) -> AppliedFile:
    """Apply one inbound file of `provider`; BadFile (with a reason for people) if it cannot be."""
    now = now or datetime.now(UTC)
    sha = hashlib.sha256(data).hexdigest()
    await _refuse_if_applied(sha)
    report = parse_inbound(data)
    if report.provider != provider:
        raise BadFile(
            f"The file says it comes from provider {report.provider!r}, "
            f"but it was found in the inbox of {provider!r}."
        )
    result = AppliedFile(sha, "stock" if isinstance(report, StockReport) else "tracking")
    try:
        async with in_transaction() as conn:
            if isinstance(report, TrackingReport):
                for shipment in report.shipments:
                    await _apply_shipment(
                        shipment, provider, providers, company, box, now, conn, result
                    )
            else:
                counted = await apply_stock(report.levels, provider, name, conn)
                result.stock = counted.changed
                await audit.record(
                    f"3pl:{provider}",
                    "thirdparty.stock",
                    f"3pl:{provider}",
                    using_db=conn,
                    file=name,
                    levels=report.levels,
                    changed={sku: now_ - was for sku, (was, now_) in counted.changed.items()},
                )
            await OutboxJobRow.create(
                kind=JobKind.PROVIDER_FILE,
                key=file_key(sha),
                payload={
                    "provider": provider,
                    "name": name,
                    "kind": result.kind,
                    "orders": result.orders,
                    "packages": result.packages,
                    "documents": result.documents,
                    "stock_changed": sorted(result.stock),
                },
                status=JobStatus.DONE.value,
                due_at=now,
                done_at=now,
                using_db=conn,
            )
            await audit.record(
                f"3pl:{provider}",
                "thirdparty.file_applied",
                f"3pl:{provider}",
                using_db=conn,
                file=name,
                sha256=sha,
                orders=result.orders,
            )
    except IntegrityError:
        await _refuse_if_applied(sha)  # another worker applied it a moment ago
        raise
    return result


async def _refuse_if_applied(sha: str) -> None:
    done = await OutboxJobRow.get_or_none(key=file_key(sha))
    if done is not None:
        when = done.done_at.strftime("%Y-%m-%d %H:%M UTC") if done.done_at else "earlier"
        raise AlreadyApplied(
            f"This file was already applied on {when} as {done.payload.get('name', '?')!r} "
            f"(SHA-256 {sha[:12]}…); nothing was changed."
        )


async def _find_order(
    shipment: TrackedShipment, provider: str, providers: list[str], conn: BaseDBAsyncClient
) -> OrderRow:
    query = OrderRow.filter(external_id=shipment.order_ref, process=Process.THIRD_PARTY.value)
    if shipment.order_id is not None:
        query = query.filter(id=shipment.order_id)
    rows = await query.select_for_update().using_db(conn)
    if len(rows) != 1:
        raise BadFile(
            f"Unknown order {shipment.order_ref}"
            + (f" (id {shipment.order_id})" if shipment.order_id else "")
            + ": no fulfilment-provider order with this id was handed over."
        )
    row = rows[0]
    profile = (
        await FulfilmentProfileRow.filter(id=row.profile_id).using_db(conn).first()
        if row.profile_id
        else None
    )
    if provider_for(profile.options if profile else {}, providers) != provider:
        raise BadFile(f"Order {row.external_id} was not handed over to provider {provider!r}.")
    status = OrderStatus(row.status)
    if status is OrderStatus.SHIPPED:
        raise BadFile(
            f"Order {row.external_id} is already shipped completely — "
            "this tracking is for packages that were already confirmed."
        )
    if status not in (OrderStatus.HANDED_OVER, OrderStatus.PARTIALLY_SHIPPED):
        raise BadFile(
            f"Order {row.external_id} is {status.value.replace('_', ' ')}, not handed over — "
            "its tracking cannot be applied."
        )
    return row


def _allocate(
    order: Order, pkg: TrackedPackage, left: dict[int, int]
) -> list[tuple[OrderLine, int]]:
    """The order lines and quantities in one package; `left` counts what may still ship."""
    out: dict[int, int] = {}
    for item in pkg.items:
        if item.line:
            lines = [ln for ln in order.lines if ln.external_id == item.line]
            if item.sku and lines and lines[0].sku != item.sku:
                raise BadFile(
                    f"Order {order.external_id}: line {item.line} is SKU {lines[0].sku}, "
                    f"not {item.sku}."
                )
        else:
            lines = [ln for ln in order.lines if ln.sku == item.sku]
        if not lines:
            what = f"line {item.line}" if item.line else f"SKU {item.sku}"
            raise BadFile(f"Order {order.external_id} has no {what}.")
        need = item.quantity
        for ln in lines:
            assert ln.id is not None
            take = min(need, left[ln.id])
            if take:
                out[ln.id] = out.get(ln.id, 0) + take
                left[ln.id] -= take
                need -= take
        if need:
            line = lines[0]
            raise BadFile(
                f"Order {order.external_id}, {line.sku} ({line.title}): {item.quantity} reported "
                f"in package {pkg.tracking} but only {item.quantity - need} still to ship."
            )
    by_id = {ln.id: ln for ln in order.lines}
    return [(by_id[i], q) for i, q in out.items()]


async def _apply_shipment(
    shipment: TrackedShipment,
    provider: str,
    providers: list[str],
    company: CompanySettings,
    box: SecretBox,
    now: datetime,
    conn: BaseDBAsyncClient,
    result: AppliedFile,
) -> None:
    row = await _find_order(shipment, provider, providers, conn)
    order = await load_order(row.id, box, using_db=conn)
    known: set[str] = {
        str(v)
        for v in await PackageRow.filter(shipment__order_id=row.id)
        .using_db(conn)
        .values_list("tracking_number", flat=True)
    }
    left = {ln.id: ln.quantity_open for ln in order.lines if ln.id is not None}
    packed: list[tuple[TrackedPackage, str, list[tuple[OrderLine, int]]]] = []
    for pkg in shipment.packages:
        try:
            number = validate_tracking(pkg.carrier, pkg.tracking)
        except InvalidTrackingNumber as exc:
            raise BadFile(f"Order {order.external_id}: {exc}") from None
        if number in known:
            raise BadFile(
                f"Order {order.external_id}: package {number} was already recorded — "
                "tracking for an already shipped package is not applied twice."
            )
        known.add(number)
        packed.append((pkg, number, _allocate(order, pkg, left)))

    record = await ShipmentRow.create(
        order_id=row.id,
        station=f"3pl:{provider}",
        packer=provider,
        shipped_at=shipment.shipped_at,
        using_db=conn,
    )
    first_ref = await PackageRow.filter(shipment__order_id=row.id).using_db(conn).count() + 1
    package_ids: list[int] = []
    described: list[dict[str, Any]] = []
    shipped: dict[int, int] = {}
    for n, (pkg, number, lines) in enumerate(packed, start=first_ref):
        info = carrier_info(pkg.carrier)
        package = await PackageRow.create(
            shipment_id=record.id,
            reference=str(n),
            weight_g=pkg.weight_g,
            carrier_code=info.amazon_code if info else "Other",
            carrier_name=info.name if info else pkg.carrier,
            shipping_method=pkg.service,
            tracking_number=number,
            using_db=conn,
        )
        await PackageLineRow.bulk_create(
            [
                PackageLineRow(package_id=package.id, order_line_id=ln.id, quantity=q)
                for ln, q in lines
            ],
            using_db=conn,
        )
        for ln, q in lines:
            assert ln.id is not None
            shipped[ln.id] = shipped.get(ln.id, 0) + q
        package_ids.append(package.id)
        described.append(
            {
                "reference": str(n),
                "carrier": info.name if info else pkg.carrier,
                "carrier_code": info.amazon_code if info else "Other",
                "service": pkg.service,
                "tracking_number": number,
                "items": [
                    {"sku": ln.sku, "title": ln.title, "quantity": q, "line": ln.external_id}
                    for ln, q in lines
                ],
            }
        )
    for line_id, qty in shipped.items():
        await (
            OrderLineRow.filter(id=line_id)
            .using_db(conn)
            .update(quantity_shipped=F("quantity_shipped") + qty)
        )

    papers = await issue_shipment_papers(
        order,
        shipped,
        record.id,
        described,
        company,
        box,
        issued_at=now,
        delivered_on=shipment.shipped_at.date(),
        conn=conn,
    )
    # The order's shipped time is when the goods left the provider, not when we heard of it;
    # the invoice mail carries the tracking numbers the buyer should see.
    keys = await tracking_known(
        row.id, package_ids, conn, now=shipment.shipped_at, mail_extra={"tracking": described}
    )
    await audit.record(
        f"3pl:{provider}",
        "thirdparty.shipment_imported",
        f"order:{row.id}",
        using_db=conn,
        packages=[d["tracking_number"] for d in described],
        shipped_at=shipment.shipped_at.isoformat(),
    )
    result.orders.append(row.external_id)
    result.packages += package_ids
    result.jobs += keys
    result.documents += papers.values()
