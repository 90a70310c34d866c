"""First-run set-up: the things every installation needs, created once, safe to repeat."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from core.domain.numbering import DEFAULT_RANGES
from core.domain.orders import Channel, Process
from core.persistence.models import (
    BinRow,
    FulfilmentProfileRow,
    PackerRow,
    StationRow,
    WarehouseRow,
)
from core.services.numbering import ensure_range


@dataclass
class SetupResult:
    created: list[str]


async def ensure_basics(station: str, company: str = "default") -> SetupResult:
    """A warehouse with a default bin, this station, a supervisor, number ranges and profiles."""
    created: list[str] = []
    async with in_transaction():
        warehouse, new = await WarehouseRow.get_or_create(name="main")
        if new:
            created.append("warehouse main")
        _, new = await BinRow.get_or_create(warehouse_id=warehouse.id, code="DEFAULT")
        _, new = await StationRow.get_or_create(
            name=station, defaults={"warehouse_id": warehouse.id}
        )
        if new:
            created.append(f"station {station}")
        if not await PackerRow.filter(role="supervisor").exists():
            await PackerRow.create(name="supervisor", badge="SUP-0001", role="supervisor")
            created.append("supervisor (badge SUP-0001)")
        for name in DEFAULT_RANGES:
            await ensure_range(company, name)
        for name, channel, process in (
            ("Merchant fulfilled", Channel.MFN, Process.SHIP),
            ("Fulfilled by Amazon", Channel.AFN, Process.INVOICE_ONLY),
        ):
            _, new = await FulfilmentProfileRow.get_or_create(
                name=name, defaults={"channel": channel.value, "process": process.value}
            )
            if new:
                created.append(f"profile {name!r}")
    return SetupResult(created)
