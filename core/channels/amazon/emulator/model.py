"""The seller state's records: plain dataclasses, no I/O; routes turn them into Amazon's shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(slots=True)
class SellerAccount:
    """One seller (merchant token) authorised for the emulated application."""

    name: str
    seller_id: str
    region: str
    marketplace_ids: list[str]
    refresh_token: str


@dataclass(slots=True)
class Article:
    """A product the seed sells; the demo prints its barcodes."""

    sku: str
    ean: str
    fnsku: str
    asin: str
    title: str
    price: Decimal
    weight_g: int
    product_type: str


@dataclass(slots=True)
class Listing:
    """Article × seller × marketplace as Amazon keeps it."""

    seller_id: str
    sku: str
    marketplace_id: str
    asin: str
    fnsku: str
    title: str
    product_type: str
    price: Decimal
    channel: str  # "DEFAULT" (MFN) or "AMAZON_EU"/"AMAZON_NA" (FBA)
    quantity: int
    created: float
    updated: float
    attributes: dict[str, Any] = field(default_factory=dict)
    fba_fulfillable: int = 0
    fba_reserved: int = 0
    fba_unfulfillable: int = 0
    fba_inbound: int = 0
    status: list[str] = field(default_factory=lambda: ["BUYABLE", "DISCOVERABLE"])


@dataclass(slots=True)
class Address:
    """A delivery address (personal data)."""

    name: str
    line1: str
    city: str
    postal_code: str
    country_code: str
    line2: str | None = None
    company: str | None = None
    state_or_region: str | None = None
    phone: str | None = None
    address_type: str = "Residential"


@dataclass(slots=True)
class OrderItem:
    """One line of an order."""

    item_id: str
    sku: str
    asin: str
    title: str
    quantity: int
    unit_price: Decimal
    tax_rate: Decimal
    shipping_price: Decimal = Decimal("0.00")
    promotion_discount: Decimal = Decimal("0.00")
    promotion_ids: list[str] = field(default_factory=list)
    is_gift: bool = False
    gift_message: str | None = None
    quantity_shipped: int = 0
    buyer_cancel_reason: str | None = None
    price_designation: str | None = None


@dataclass(slots=True)
class Package:
    """A confirmed shipment package (confirmShipment or a fulfilment feed)."""

    package_reference_id: str
    carrier_code: str
    carrier_name: str | None
    shipping_method: str | None
    tracking_number: str
    ship_date: str
    items: list[tuple[str, int]]
    confirmed_at: float
    source: str = "confirmShipment"


@dataclass(slots=True)
class Order:
    """An Amazon order in v0 terms (status names, channel)."""

    order_id: str
    seller_id: str
    marketplace_id: str
    channel: str  # MFN | AFN
    status: str  # Pending | Unshipped | PartiallyShipped | Shipped | Canceled
    purchase_date: float
    last_update: float
    items: list[OrderItem]
    address: Address
    buyer_name: str
    buyer_email: str
    ship_service_level: str
    service_category: str
    is_prime: bool = False
    is_business: bool = False
    buyer_company: str | None = None
    buyer_vat_id: str | None = None
    purchase_order_number: str | None = None
    seller_order_id: str | None = None
    pending_until: float | None = None  # Pending → Unshipped at this time
    ship_at: float | None = None  # AFN: Amazon ships at this time
    packages: list[Package] = field(default_factory=list)
    shipment_status: str | None = None  # updateShipmentStatus (ISPU)

    @property
    def currency(self) -> str:
        """ISO currency of the marketplace."""
        from core.channels.amazon.emulator.marketplaces import MARKETPLACES

        return MARKETPLACES[self.marketplace_id].currency

    def items_shipped(self) -> int:
        """Units shipped so far."""
        return sum(i.quantity_shipped for i in self.items)

    def items_unshipped(self) -> int:
        """Units still to ship (0 once cancelled)."""
        if self.status == "Canceled":
            return 0
        return sum(i.quantity - i.quantity_shipped for i in self.items)


@dataclass(slots=True)
class Document:
    """A report or feed document in the emulator's stand-in for S3."""

    document_id: str
    content_type: str
    content: bytes | None
    compression: str | None = None  # "GZIP" when content is gzip-compressed
    gzip_flag_only: bool = False  # fault: flagged GZIP but stored plain
    created: float = 0.0
    kind: str = "report"  # report | feed


@dataclass(slots=True)
class Report:
    """A requested report moving IN_QUEUE → IN_PROGRESS → DONE."""

    report_id: str
    seller_id: str
    report_type: str
    marketplace_ids: list[str]
    created: float
    data_start: float | None
    data_end: float | None
    options: dict[str, str]
    status: str = "IN_QUEUE"
    started: float | None = None
    ended: float | None = None
    document_id: str | None = None


@dataclass(slots=True)
class Feed:
    """A submitted feed moving IN_QUEUE → IN_PROGRESS → DONE (or FATAL)."""

    feed_id: str
    seller_id: str
    feed_type: str
    marketplace_ids: list[str]
    input_document_id: str
    options: dict[str, str]
    created: float
    status: str = "IN_QUEUE"
    started: float | None = None
    ended: float | None = None
    result_document_id: str | None = None


@dataclass(slots=True)
class InvoiceUpload:
    """An UPLOAD_VAT_INVOICE feed as recorded by the emulator."""

    feed_id: str
    seller_id: str
    marketplace_ids: list[str]
    metadata: dict[str, str]
    size: int
    is_pdf: bool
    sha256: str


@dataclass(slots=True)
class LabelShipment:
    """A Merchant Fulfillment (Buy Shipping) shipment with its label."""

    shipment_id: str
    seller_id: str
    order_id: str
    service_id: str
    carrier: str
    service_name: str
    tracking_id: str
    label_format: str
    label_bytes: bytes
    file_type: str
    created: float
    request: dict[str, Any]
    rate: Decimal
    currency: str
    status: str = "Purchased"
    updated: float = 0.0


@dataclass(slots=True)
class PendingListingChange:
    """An ACCEPTED listings submission waiting to be applied."""

    apply_at: float
    seller_id: str
    sku: str
    marketplace_ids: list[str]
    action: str  # put | patch | delete
    body: dict[str, Any]
    submission_id: str
