"""Warehouses, bins, stock levels and the movement ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class Warehouse:
    name: str
    id: int | None = None


@dataclass
class Bin:
    warehouse_id: int
    code: str
    id: int | None = None


@dataclass
class StockLevel:
    """On hand per article and bin; `reserved` is held for open MFN orders (per article)."""

    article_id: int
    bin_id: int
    on_hand: int = 0


@dataclass
class StockMovement:
    article_id: int
    bin_id: int
    quantity: int  # negative takes out
    reason: str  # shipment, adjustment, intake, return
    reference: str = ""
    actor: str = "system"
    at: datetime | None = None
    id: int | None = None
