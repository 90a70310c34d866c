"""The demo's data: packers, weights and stock for the emulator's articles, orders to pack, and
what a headless run left behind. Used by `packdesk demo` and the benchmarks, never in production."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from core.persistence.models import (
    ArticleRow,
    BinRow,
    FulfilmentProfileRow,
    OrderLineRow,
    OrderRow,
    OutboxJobRow,
    PackerRow,
    PrintJobRow,
    StockLevelRow,
    WarehouseRow,
)
from core.services.people import hash_pin
from core.services.queries import packing_queue


@dataclass
class DemoOrder:
    external_id: str
    codes: list[str] = field(default_factory=list)  # one barcode per piece to scan


@dataclass
class DemoOutcome:
    """What a headless run left: the orders packed and shipped, print jobs by state, dead jobs."""

    packed: set[str]  # Amazon order ids
    shipped: set[str]
    print_jobs: dict[str, int]
    dead_jobs: list[str]


async def seed_people_and_stock(
    packers: Iterable[tuple[str, str, str]], supervisor_pin: str, stock: int, carrier: str
) -> None:
    """Packers with badges, a supervisor PIN, the demo's carrier, stock for every article.

    Articles get a weight, an HS code and an origin as a seller's article master has them: a
    label is never bought on a guessed weight, and DHL's CN23 needs the rest outside the EU.
    """
    await PackerRow.filter(role="supervisor").update(pin_hash=hash_pin(supervisor_pin))
    for name, badge, role in packers:
        await PackerRow.get_or_create(name=name, defaults={"badge": badge, "role": role})
    await FulfilmentProfileRow.filter(process="ship").update(carrier=carrier)
    for article in await ArticleRow.filter(weight_g=0):
        spread = sum(article.sku.encode()) % 8
        await ArticleRow.filter(id=article.id).update(
            weight_g=150 + 100 * spread, hs_code=article.hs_code or "392690", origin_country="DE"
        )
    warehouse, _ = await WarehouseRow.get_or_create(name="main")
    bin_row, _ = await BinRow.get_or_create(warehouse_id=warehouse.id, code="A-01-01")
    for article in await ArticleRow.all():
        await StockLevelRow.get_or_create(
            article_id=article.id, bin_id=bin_row.id, defaults={"on_hand": stock}
        )


async def packable_orders(limit: int) -> list[DemoOrder]:
    """Open MFN orders, most urgent first, with the barcodes a packer would scan."""
    out: list[DemoOrder] = []
    codes_by_sku: dict[str, str] = {}
    for article in await ArticleRow.all().prefetch_related("barcodes"):
        eans = [b.code for b in article.barcodes if b.kind in ("ean", "upc")]
        codes_by_sku[article.sku] = (eans or [b.code for b in article.barcodes] or [article.sku])[0]
    for summary in await packing_queue(limit=max(limit * 10, 200)):
        if len(out) == limit:
            break
        order = DemoOrder(summary.external_id)
        for line in await OrderLineRow.filter(order_id=summary.id).order_by("id"):
            code = codes_by_sku.get(line.sku, line.sku)
            order.codes += [code] * (line.quantity - line.quantity_shipped)
        if order.codes:  # the channel may report an open order whose items all shipped
            out.append(order)
    return out


async def demo_outcome(order_ids: list[int]) -> DemoOutcome:
    rows = await OrderRow.filter(id__in=order_ids).only("id", "external_id", "status")
    print_jobs: dict[str, int] = {}
    for (status,) in await PrintJobRow.all().values_list("status"):
        print_jobs[status] = print_jobs.get(status, 0) + 1
    dead = await OutboxJobRow.filter(status="dead").order_by("id")
    return DemoOutcome(
        packed={r.external_id for r in rows},
        shipped={r.external_id for r in rows if r.status == "shipped"},
        print_jobs=print_jobs,
        dead_jobs=[f"{job.kind}: {job.last_error[:120]}" for job in dead],
    )
