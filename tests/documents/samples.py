"""Sample sellers and orders shaped like Amazon's, and reading PDFs back."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

from pypdf import PdfReader

from core.config import CompanySettings
from core.domain.orders import Address, Buyer, Channel, Order, OrderLine

ISSUED = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
DE = "A1PA6795UKMFR9"
FR = "A13V1IB3VIYZZH"
UK = "A1F83G8C2ARO7P"


def seller() -> CompanySettings:
    return CompanySettings(
        name="Muster Handel GmbH",
        street="Musterweg 1",
        postcode="10115",
        city="Berlin",
        country="DE",
        vat_id="DE123456789",
        tax_number="27/123/45678",
        email="rechnung@muster-handel.de",
        bank_name="Deutsche Kreditbank",
        iban="DE02120300000000202051",
        bic="BYLADEM1001",
    )


def line(
    n: int, price: str = "19.99", qty: int = 1, rate: str = "19", **extra: object
) -> OrderLine:
    return OrderLine(
        external_id=f"item-{n}",
        sku=f"SKU-{n:03d}",
        title=f"Artikel {n}",
        quantity=qty,
        unit_price=Decimal(price),
        tax_rate=Decimal(rate),
        id=n,
        **extra,  # type: ignore[arg-type]
    )


def order(
    lines: list[OrderLine] | None = None,
    *,
    marketplace: str = DE,
    name: str = "Jürgen Groß",
    country: str = "DE",
    vat_id: str = "",
    channel: Channel = Channel.MFN,
    currency: str = "EUR",
) -> Order:
    return Order(
        account_id=1,
        external_id="302-1234567-7654321",
        marketplace_id=marketplace,
        channel=channel,
        purchased_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
        currency=currency,
        lines=lines if lines is not None else [line(1, qty=2), line(2, "7.50", rate="7")],
        buyer=Buyer(name=name, email="abc123@marketplace.amazon.de", vat_id=vat_id),
        ship_to=Address(
            name=name, line1="Hauptstraße 5", postcode="10115", city="Berlin", country=country
        ),
        id=7,
    )


def pdf_text(data: bytes) -> str:
    """All text of a PDF, pages joined, whitespace collapsed to single spaces per line."""
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)
