"""Building the demo: settings in a data dir, the emulator's sellers as accounts, articles, stock,
packers with badges, and the first import. Everything through the same services production uses."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.config import Settings
from core.persistence.models import (
    ArticleRow,
    BarcodeRow,
    BinRow,
    FulfilmentProfileRow,
    OrderLineRow,
    OrderRow,
    PackerRow,
    StockLevelRow,
    WarehouseRow,
)
from core.security import SecretBox
from core.services.people import hash_pin

STATION = "desk-1"
PACKERS = (("anna", "P-ANNA", "packer"), ("ben", "P-BEN", "packer"))
SUPERVISOR_PIN = "1234"


def demo_settings(data_dir: Path) -> Settings:
    """A desk with two folder printers (paper and labels) and the sync running in the console."""
    out = data_dir / "printouts"
    return Settings.model_validate(
        {
            "data_dir": str(data_dir),
            "station": STATION,
            "company": {
                "name": "Packdesk Demo GmbH", "street": "Hafenstraße 1", "postcode": "20457",
                "city": "Hamburg", "country": "DE", "vat_id": "DE123456789",
                "tax_number": "22/123/45678", "email": "shop@example.com", "phone": "+49 40 123456",
            },
            "printers": {
                "paper": {"kind": "folder", "path": str(out / "paper")},
                "labels": {"kind": "folder", "path": str(out / "labels")},
            },
            "stations": {
                STATION: {
                    "routes": {
                        "invoice": "paper", "delivery_note": "paper", "pick_slip": "paper",
                        "credit_note": "paper", "label": "labels",
                    }
                }
            },
            "sync": {"in_console": True, "poll_interval_s": 10, "listings_pull_interval_s": 3600},
            "outbox": {"base_delay_s": 1.0, "max_delay_s": 30.0},
        }
    )  # fmt: skip


@dataclass
class DemoOrder:
    external_id: str
    codes: list[str] = field(default_factory=list)  # one barcode per piece to scan


async def seed_people_and_stock(stock: int = 200, carrier: str = "amazon_buy_shipping") -> None:
    """Packers with badges, a supervisor PIN, the demo's carrier, stock for every article.

    Articles get a weight, an HS code and an origin as a seller's article master has them: a
    label is never bought on a guessed weight, and DHL's CN23 needs the rest outside the EU.
    """
    await PackerRow.filter(role="supervisor").update(pin_hash=hash_pin(SUPERVISOR_PIN))
    for name, badge, role in PACKERS:
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


async def import_emulator_accounts(credentials: dict[str, Any], box: SecretBox) -> int:
    from core.channels.amazon.accounts import import_credentials

    return len(await import_credentials(credentials, box))


async def packable_orders(limit: int) -> list[DemoOrder]:
    """Open MFN orders, most urgent first, with the barcodes a packer would scan."""
    from core.services.queries import packing_queue

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


async def write_cheat_sheet(path: Path, orders: list[DemoOrder]) -> None:
    lines = [
        "Packdesk demo — what to type at the console (a scanner types the same and presses Enter)",
        "",
        "Badges: "
        + ", ".join(f"{n} = {b}" for n, b, _ in PACKERS)
        + f", supervisor = SUP-0001 (PIN {SUPERVISOR_PIN})",
        "",
    ]
    for order in orders:
        lines.append(f"order {order.external_id}:  " + "  ".join(order.codes))
    text = "\n".join(lines) + "\n"
    await asyncio.to_thread(path.write_text, text, encoding="utf-8")


async def open_order_count() -> int:
    return await OrderRow.filter(status="open", process="ship").count()


async def known_barcodes() -> int:
    return await BarcodeRow.all().count()
