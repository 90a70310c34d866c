"""The small interfaces other layers implement. Core calls them; it never imports their makers.

- `ChannelConnector`: one per shop system (Amazon first); every shop connects through it.
- `PrintPort`: the printer layer (printers/) spools documents and labels for a station.
- `Carrier`: buys or records a shipping label for a package.
- `Mailer`: sends a message with attachments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from core.domain.accounts import Account
from core.domain.orders import Order


@dataclass(frozen=True)
class FetchResult:
    """Orders fetched from a channel plus the high-water mark to continue from next time."""

    orders: list[Order]
    checkpoint: str
    requests: int = 0
    throttled: int = 0


@dataclass(frozen=True)
class ShipmentConfirmation:
    """One package told to the channel: its reference, carrier, tracking and items."""

    order_external_id: str
    marketplace_id: str
    package_reference: str
    carrier_code: str
    carrier_name: str
    shipping_method: str
    tracking_number: str
    ship_date: datetime
    items: list[tuple[str, int]]  # (external order item id, quantity)


@dataclass
class StockAnswer:
    """What the channel said of a stock push, per SKU: taken, refused, or answer still to come."""

    accepted: set[str] = field(default_factory=set)
    rejected: dict[str, tuple[str, str]] = field(default_factory=dict)  # SKU → (code, message)
    sent: dict[str, str] = field(default_factory=dict)  # SKU → reference to ask about later


@runtime_checkable
class ChannelConnector(Protocol):
    """A sales channel account: read orders, confirm shipments, report stock."""

    account: Account

    async def fetch_orders(self, since: str | None) -> FetchResult: ...

    async def confirm_shipment(self, confirmation: ShipmentConfirmation) -> None: ...

    async def push_stock(
        self,
        quantities: dict[str, int],
        marketplace_id: str,
        product_types: dict[str, str] | None = None,
    ) -> StockAnswer: ...

    async def upload_invoice(
        self,
        order_external_id: str,
        marketplace_id: str,
        number: str,
        pdf: bytes,
        total: str,
        facts: Mapping[str, str] | None = None,  # DocumentType, TotalVATAmount, TransactionId …
    ) -> str | None: ...  # a reference to ask later whether the channel accepted it

    async def close(self) -> None: ...


@dataclass(frozen=True)
class PrintRequest:
    """Something to print at a station: the kind decides the printer (config `stations.*.routes`)."""

    station: str
    kind: str  # invoice | delivery_note | credit_note | label | pick_slip | receipt
    title: str
    content_type: str  # application/pdf, image/png, application/zpl, text/plain …
    payload: bytes
    key: str  # idempotency key: the same key is never printed twice
    copy: bool = False


@runtime_checkable
class PrintPort(Protocol):
    async def submit(self, request: PrintRequest) -> int:
        """Spool the request durably and return the print job id; never waits for the printer."""
        ...


@runtime_checkable
class RoutingPrintPort(PrintPort, Protocol):
    """A print port that says which printer takes a kind of document at a station."""

    def route(self, station: str, kind: str) -> str:
        """The printer's name; raises a UserInputError when the station has none for `kind`."""
        ...


@dataclass(frozen=True)
class Label:
    tracking_number: str
    carrier_code: str
    carrier_name: str
    shipping_method: str
    format: str  # pdf | png | zpl
    data: bytes
    reference: str = ""  # the carrier's id for cancelling


@dataclass(frozen=True)
class LabelRequest:
    order: Order
    package_reference: str
    items: list[tuple[str, int]]  # (external order item id, quantity)
    weight_g: int
    ship_from: dict[str, str] = field(default_factory=dict)
    station: str = ""  # whose label printer it goes to (a carrier may pick ZPL or PDF by it)
    articles: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # sku → weight_g, hs_code, origin
    services: dict[str, Any] = field(default_factory=dict)  # carrier services the profile asks for


@runtime_checkable
class Carrier(Protocol):
    code: str

    async def create_label(self, request: LabelRequest) -> Label: ...

    async def cancel_label(self, label: Label) -> None: ...


class QuoteExpired(Exception):
    """The carrier refused a stored purchase as stale; whether the first one went through is
    unknown (`core.carriers.crash_guard` stops for a person then)."""


@runtime_checkable
class IdempotentCarrier(Carrier, Protocol):
    """A carrier whose purchase takes an idempotency key: the same stored request, sent again,
    answers the first purchase instead of buying a second label."""

    async def quote(self, request: LabelRequest) -> str:
        """The purchase to make, as text to store before it is sent (key included)."""
        ...

    async def buy(self, request: LabelRequest, purchase: str) -> Label:
        """Send the stored purchase; repeating it returns the same label. Raises
        `QuoteExpired` when the carrier no longer takes it."""
        ...


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@runtime_checkable
class Mailer(Protocol):
    async def send(
        self, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()
    ) -> str:
        """Send one message; return its Message-ID. Raise PermanentFailure for 5xx refusals."""
        ...
