"""Building the demo: settings in a data dir, the emulator's sellers as accounts, articles, stock,
packers with badges, and the first import. Everything through the same services production uses."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from core.config import Settings
from core.security import SecretBox
from core.services import demo_data
from core.services.demo_data import DemoOrder, packable_orders

__all__ = ["STATION", "DemoOrder", "demo_settings", "packable_orders", "seed_people_and_stock"]

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


async def seed_people_and_stock(stock: int = 200, carrier: str = "amazon_buy_shipping") -> None:
    """The demo's packers (badges above), the supervisor's PIN, its carrier, stock for everything."""
    await demo_data.seed_people_and_stock(PACKERS, SUPERVISOR_PIN, stock, carrier)


async def import_emulator_accounts(credentials: dict[str, Any], box: SecretBox) -> int:
    from core.channels.amazon.accounts import import_credentials

    return len(await import_credentials(credentials, box))


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
