"""What the emulated DHL remembers: one customer's credentials, shipments and every exchange.

Billing follows the note on `POST /manifests` in DHL's spec: international products are billed on
the shipment data DHL holds at the end of the day (a shipment still open is manifested then),
every other product (DHL Paket, Warenpost) on production data — only a parcel that reaches DHL's
network is paid for. `hand_over` is that parcel arriving at the depot.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from typing import Any

from core.carriers.dhl.products import PRODUCTS
from core.carriers.tracking import gs1_check_digit

BASE = "/parcel/de/shipping/v2"
PREFIX = "003404341"  # DHL Paket 20-digit numbers: 00 + SSCC-style body + GS1 check digit


@dataclass
class DhlShipment:
    number: str
    body: dict[str, Any]
    created_at: str
    return_no: str = ""
    user: str = ""  # the DHL customer (portal user) whose contract it is booked on
    cancelled: bool = False
    manifested: bool = False
    handed_over: bool = False  # the parcel reached DHL's network (a depot scanned it)

    @property
    def billed(self) -> bool:
        """Whether DHL charges for it (see the module docstring)."""
        if self.cancelled:
            return False
        if PRODUCTS[str(self.body["product"])].international:
            return self.manifested
        return self.handed_over


@dataclass(frozen=True)
class Exchange:
    """One call as it crossed the wire: what the client sent and what the emulator answered."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    status: int
    content_type: str
    answer: bytes


@dataclass
class DhlState:
    """DHL as one partner application (Packdesk's API key) sees it: customers (a portal user and
    password with its EKP each; the first is the seeded one) and every shipment created."""

    api_key: str
    username: str
    password: str
    ekp: str
    shipments: dict[str, DhlShipment] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # OAuth token → user
    users: dict[str, tuple[str, str]] = field(default_factory=dict)  # user → (password, EKP)
    exchanges: list[Exchange] = field(default_factory=list)  # every call, for contract tests
    serial: int = 0
    hold: asyncio.Event | None = None  # tests: shipments are made, answers wait until it is set

    @classmethod
    def seeded(cls, seed: int) -> DhlState:
        digest = hashlib.sha256(f"dhl-{seed}".encode()).hexdigest()
        return cls(
            api_key="emu-" + digest[:24],
            username="user-valid",
            password="pw-" + digest[24:40],
            ekp=str(3333333333 + seed % 1000).zfill(10),
            serial=int(digest[40:46], 16) % 10**7,
        )

    def __post_init__(self) -> None:
        self.users.setdefault(self.username, (self.password, self.ekp))

    def add_customer(self, seed: int) -> dict[str, str]:
        """Another business customer (another seller's contract): its user, password and EKP."""
        digest = hashlib.sha256(f"dhl-customer-{seed}".encode()).hexdigest()
        user, password = f"user-{seed}", "pw-" + digest[:16]
        ekp = str(5000000000 + int(digest[16:24], 16) % 10**9)
        self.users[user] = (password, ekp)
        return {"username": user, "password": password, "ekp": ekp}

    def user_of(self, username: str, password: str) -> str | None:
        known = self.users.get(username)
        return username if known is not None and known[0] == password else None

    def next_number(self) -> str:
        self.serial += 1
        body = PREFIX + str(self.serial).zfill(10)
        return body + str(gs1_check_digit(body))

    def open_shipments(self) -> list[DhlShipment]:
        return [s for s in self.shipments.values() if not s.cancelled]

    def hand_over(self, number: str) -> None:
        """The parcel carrying this label reached DHL (a label never printed never does)."""
        shipment = self.shipments[number]
        if shipment.cancelled:
            raise ValueError(f"{number} was cancelled; DHL would not carry it")
        shipment.handed_over = True

    def close_day(self) -> None:
        """DHL's own closeout at the contract's end-of-day time: every open shipment."""
        for shipment in self.open_shipments():
            shipment.manifested = True

    def billed(self) -> list[DhlShipment]:
        return [s for s in self.shipments.values() if s.billed]

    def credentials(self, base_url: str) -> dict[str, Any]:
        """The ``"dhl"`` section of ``--write-credentials`` (secrets: never log it)."""
        return {
            "base_url": base_url + BASE,
            "api_key": self.api_key,
            "username": self.username,
            "password": self.password,
            "ekp": self.ekp,
            "participation": "01",
            "profile": "STANDARD_GRUPPENPROFIL",
        }
