"""Shipments and the packages they are made of."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class PackageLine:
    order_line_id: int
    quantity: int


@dataclass
class Package:
    """One parcel: its lines, and once a label exists, carrier and tracking number."""

    reference: str  # packageReferenceId towards Amazon: unique per order, a string
    lines: list[PackageLine] = field(default_factory=list)
    weight_g: int = 0
    carrier_code: str = ""
    carrier_name: str = ""
    shipping_method: str = ""
    tracking_number: str = ""
    label_format: str = ""  # pdf | png | zpl
    id: int | None = None


@dataclass
class Shipment:
    """One packing completion of one order at one station."""

    order_id: int
    station: str
    packer: str
    packages: list[Package] = field(default_factory=list)
    created_at: datetime | None = None
    id: int | None = None
