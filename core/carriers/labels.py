"""The `label.buy` outbox job: buy the label, store it on the package, ship the order, print it.

Storing the label and `tracking_known` (order shipped, confirmation queued) commit together; the
print goes to the durable spool afterwards under a fixed key, so a rerun after a crash neither
buys a second label for a package that has one nor prints it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from tortoise.transactions import in_transaction

from core.carriers.crash_guard import create_once
from core.carriers.weights import parcel_weight
from core.documents.sealing import open_blob, seal_blob
from core.domain.orders import OrderLine
from core.domain.outbox import OutboxJob
from core.persistence.models import (
    ArticleRow,
    OrderLineRow,
    OrderRow,
    PackageLineRow,
    PackageRow,
    ShipmentRow,
)
from core.persistence.repositories import load_order
from core.ports import Carrier, LabelRequest, PrintPort, PrintRequest
from core.security import SecretBox
from core.services.completion import tracking_known
from core.services.outbox import PermanentFailure

log = logging.getLogger(__name__)

CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "zpl": "application/zpl"}
CarrierFor = Callable[[str, int], Carrier | None]
Handler = Callable[[OutboxJob], Awaitable[None]]


def label_title(external_id: str, reference: str, *, copy: bool = False) -> str:
    """A label's print job named as the desk says it: Amazon order id and parcel number."""
    return f"Label {external_id} parcel {reference}" + (" (copy)" if copy else "")


async def _weight(package: PackageRow, lines: list[PackageLineRow], packaging: int) -> int:
    """The desk's weight, else articles + packaging; a missing article weight is named."""
    if package.weight_g:
        return package.weight_g
    weight = await parcel_weight({ln.order_line_id: ln.quantity for ln in lines}, packaging)
    if not weight.known:
        raise PermanentFailure(weight.sentence())
    return weight.grams


async def _articles(lines: list[OrderLine]) -> dict[str, dict[str, Any]]:
    """What a carrier may need of the articles (customs: weight, HS code, origin)."""
    rows = await ArticleRow.filter(sku__in={ln.sku for ln in lines})
    return {
        a.sku: {"weight_g": a.weight_g, "hs_code": a.hs_code, "origin": a.origin_country}
        for a in rows
    }


def label_buy_handler(
    box: SecretBox,
    carrier_for: CarrierFor,
    print_port: PrintPort | None = None,
    ship_from: dict[str, str] | None = None,
    packaging_g: int = 0,
) -> Handler:
    """`label.buy` with payload `{"package_id", "station", "carrier"}`."""

    async def handle(job: OutboxJob) -> None:
        package_id = int(job.payload["package_id"])
        package = await PackageRow.get_or_none(id=package_id)
        if package is None:
            raise PermanentFailure(f"package {package_id} no longer exists")
        shipment = await ShipmentRow.get(id=package.shipment_id)
        if not package.tracking_number:
            order = await load_order(shipment.order_id, box)
            carrier = carrier_for(str(job.payload.get("carrier", "")), order.account_id)
            if carrier is None:
                raise PermanentFailure(
                    f"no carrier {job.payload.get('carrier')!r} is set up for this account"
                )
            lines = list(await PackageLineRow.filter(package_id=package_id))
            externals = {
                r.id: r.external_id
                for r in await OrderLineRow.filter(id__in=[ln.order_line_id for ln in lines])
            }
            label = await create_once(
                carrier,
                LabelRequest(
                    order=order,
                    package_reference=package.reference,
                    items=[(externals[ln.order_line_id], ln.quantity) for ln in lines],
                    weight_g=await _weight(package, lines, packaging_g),
                    ship_from=dict(ship_from or {}),
                    station=str(job.payload.get("station", "")),
                    articles=await _articles(order.lines),
                    services=dict(job.payload.get("services") or {}),
                ),
                package,
            )
            async with in_transaction() as conn:
                stored = await (
                    PackageRow.filter(id=package_id, tracking_number="")
                    .using_db(conn)
                    .update(
                        tracking_number=label.tracking_number,
                        carrier_code=label.carrier_code,
                        carrier_name=label.carrier_name,
                        shipping_method=label.shipping_method,
                        label_format=label.format,
                        label=seal_blob(label.data, box),  # it shows the buyer's address
                        label_ref=label.reference,
                        label_purchase="",
                    )
                )
                if stored:
                    await tracking_known(shipment.order_id, [package_id], conn)
            if not stored:
                # a tracking number was typed at the desk meanwhile: this label is not used
                await carrier.cancel_label(label)
                log.info("label for package %s not needed any more: cancelled", package_id)
            package = await PackageRow.get(id=package_id)
            log.info("label stored for package %s (%s)", package_id, label.carrier_code)
        station = str(job.payload.get("station", ""))
        if print_port is not None and station and package.label:
            order_row = await OrderRow.get(id=shipment.order_id).only("id", "external_id")
            await print_port.submit(
                PrintRequest(
                    station=station,
                    kind="label",
                    title=label_title(order_row.external_id, package.reference),
                    content_type=CONTENT_TYPES.get(
                        package.label_format, "application/octet-stream"
                    ),
                    payload=open_blob(bytes(package.label), box),
                    key=f"label:{package_id}",
                )
            )

    return handle
