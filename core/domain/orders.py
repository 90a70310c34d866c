"""Orders, their lines and buyers, and the status machines of the three processes (DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from core.domain.errors import IllegalTransition


class Channel(StrEnum):
    """Who ships: the seller (merchant-fulfilled) or Amazon (FBA)."""

    MFN = "MFN"
    AFN = "AFN"


class Process(StrEnum):
    """What Packdesk does with an order, decided by its FulfilmentProfile."""

    SHIP = "ship"
    INVOICE_ONLY = "invoice_only"
    THIRD_PARTY = "third_party"


class OrderStatus(StrEnum):
    OPEN = "open"
    PACKING = "packing"
    PACKED = "packed"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"
    IMPORTED = "imported"
    INVOICED = "invoiced"
    DONE = "done"
    HANDED_OVER = "handed_over"


S = OrderStatus

# Allowed moves per process. `on_hold` returns to `open`; cancellation is possible until goods leave.
TRANSITIONS: dict[Process, dict[OrderStatus, frozenset[OrderStatus]]] = {
    Process.SHIP: {
        S.OPEN: frozenset({S.PACKING, S.ON_HOLD, S.CANCELLED}),
        S.PACKING: frozenset({S.OPEN, S.PACKED, S.ON_HOLD, S.CANCELLED}),
        S.PACKED: frozenset({S.SHIPPED, S.PARTIALLY_SHIPPED}),
        S.PARTIALLY_SHIPPED: frozenset({S.PACKING, S.SHIPPED, S.ON_HOLD}),
        S.ON_HOLD: frozenset({S.OPEN, S.PARTIALLY_SHIPPED, S.CANCELLED}),
        S.SHIPPED: frozenset(),
        S.CANCELLED: frozenset(),
    },
    Process.INVOICE_ONLY: {
        S.IMPORTED: frozenset({S.INVOICED, S.CANCELLED}),
        S.INVOICED: frozenset({S.DONE}),
        S.DONE: frozenset(),
        S.CANCELLED: frozenset(),
    },
    Process.THIRD_PARTY: {
        S.OPEN: frozenset({S.HANDED_OVER, S.ON_HOLD, S.CANCELLED}),
        S.HANDED_OVER: frozenset({S.SHIPPED, S.PARTIALLY_SHIPPED}),
        S.PARTIALLY_SHIPPED: frozenset({S.SHIPPED}),
        S.ON_HOLD: frozenset({S.OPEN, S.CANCELLED}),
        S.SHIPPED: frozenset(),
        S.CANCELLED: frozenset(),
    },
}

INITIAL_STATUS = {
    Process.SHIP: S.OPEN,
    Process.INVOICE_ONLY: S.IMPORTED,
    Process.THIRD_PARTY: S.OPEN,
}

_WORDS = {
    S.OPEN: "open",
    S.PACKING: "being packed",
    S.PACKED: "packed",
    S.PARTIALLY_SHIPPED: "partially shipped",
    S.SHIPPED: "shipped",
    S.ON_HOLD: "on hold",
    S.CANCELLED: "cancelled",
    S.IMPORTED: "imported",
    S.INVOICED: "invoiced",
    S.DONE: "done",
    S.HANDED_OVER: "handed over to the fulfilment provider",
}


def check_transition(
    process: Process, current: OrderStatus, target: OrderStatus, order_ref: str = "The order"
) -> None:
    """Raise IllegalTransition with a readable sentence unless `current → target` is allowed."""
    allowed = TRANSITIONS[process].get(current, frozenset())
    if target not in allowed:
        raise IllegalTransition(
            f"{order_ref} is {_WORDS[current]} and cannot become {_WORDS[target]}"
            + ("." if allowed else f" — nothing more can happen to a {_WORDS[current]} order.")
        )


@dataclass(frozen=True)
class Address:
    """A postal address. Personal data: encrypted at rest, purged after delivery."""

    name: str = ""
    company: str = ""
    line1: str = ""
    line2: str = ""
    line3: str = ""
    postcode: str = ""
    city: str = ""
    region: str = ""
    country: str = ""  # ISO 3166-1 alpha-2
    phone: str = ""

    def lines(self) -> list[str]:
        """The address as printed on an envelope (DIN 5008 order)."""
        town = " ".join(p for p in (self.postcode, self.city) if p)
        rows = [self.company, self.name, self.line1, self.line2, self.line3, town, self.region]
        return [r for r in rows if r] + ([self.country] if self.country else [])

    def as_dict(self) -> dict[str, str]:
        """Same as `dataclasses.asdict` (every field is text), without its per-field deep copy."""
        return dict(vars(self))


@dataclass(frozen=True)
class Buyer:
    """The buyer as Amazon shares it. Personal data."""

    name: str = ""
    email: str = ""
    vat_id: str = ""  # business orders
    company: str = ""

    def as_dict(self) -> dict[str, str]:
        """Same as `dataclasses.asdict` (every field is text), without its per-field deep copy."""
        return dict(vars(self))


@dataclass
class OrderLine:
    external_id: str
    sku: str
    title: str
    quantity: int
    unit_price: Decimal  # gross, per unit, in the order's currency
    tax_rate: Decimal  # percent, e.g. Decimal("19")
    asin: str = ""
    quantity_shipped: int = 0
    shipping_price: Decimal = Decimal("0")  # gross, for the whole line
    gift_wrap_price: Decimal = Decimal("0")
    promotion_discount: Decimal = Decimal("0")  # gross, positive number
    gift_message: str = ""
    id: int | None = None

    @property
    def quantity_open(self) -> int:
        return self.quantity - self.quantity_shipped

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass
class Order:
    """An order from a sales channel, as Packdesk keeps it."""

    account_id: int
    external_id: str
    marketplace_id: str
    channel: Channel
    purchased_at: datetime
    currency: str
    lines: list[OrderLine] = field(default_factory=list)
    process: Process = Process.SHIP
    status: OrderStatus = OrderStatus.OPEN
    channel_status: str = ""  # Amazon's own status, e.g. Unshipped
    buyer: Buyer = field(default_factory=Buyer)
    ship_to: Address = field(default_factory=Address)
    bill_to: Address | None = None
    is_prime: bool = False
    is_business: bool = False
    latest_ship_at: datetime | None = None
    delivered_at: datetime | None = None
    shipped_at: datetime | None = None
    profile_id: int | None = None
    hold_reason: str = ""
    claimed_by: str = ""  # station name
    claimed_at: datetime | None = None
    personal_data_purged: bool = False
    updated_at: datetime | None = None
    # Amazon's import one-stop-shop number when it collected the EU VAT as deemed supplier on
    # goods sent from outside the EU; the carrier and the invoice need it.
    ioss_number: str = ""
    id: int | None = None

    @property
    def total(self) -> Decimal:
        return sum(
            (
                ln.line_total + ln.shipping_price + ln.gift_wrap_price - ln.promotion_discount
                for ln in self.lines
            ),
            Decimal("0"),
        )

    @property
    def is_single_item(self) -> bool:
        return len(self.lines) == 1 and self.lines[0].quantity == 1

    def transition(self, target: OrderStatus) -> None:
        check_transition(self.process, self.status, target, f"Order {self.external_id}")
        self.status = target
