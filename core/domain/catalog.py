"""Articles, their barcodes and their listings on sales channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class BarcodeKind(StrEnum):
    EAN = "ean"  # EAN-13 / GTIN-13 (also GTIN-14 and EAN-8)
    UPC = "upc"  # UPC-A, 12 digits
    FNSKU = "fnsku"  # Amazon's fulfilment label, X00…
    SKU = "sku"
    OWN = "own"


def gtin_check_digit(body: str) -> int:
    """GS1 mod-10 check digit for the digits before it."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    """True for an EAN-8, UPC-A, EAN-13 or GTIN-14 whose check digit is right."""
    return (
        code.isdigit()
        and len(code) in (8, 12, 13, 14)
        and gtin_check_digit(code[:-1]) == int(code[-1])
    )


def normalize_code(code: str) -> str:
    """The form codes are compared in: trimmed, upper case, GTINs without leading zero padding."""
    code = code.strip().upper()
    if code.isdigit() and len(code) in (12, 13, 14):
        code = code.lstrip("0").rjust(13, "0") if len(code.lstrip("0")) <= 13 else code
    return code


def classify(code: str) -> BarcodeKind:
    """Best guess at what kind of code a scanned string is."""
    code = code.strip().upper()
    if is_valid_gtin(code):
        return BarcodeKind.UPC if len(code) == 12 else BarcodeKind.EAN
    if len(code) == 10 and code.startswith("X0") and code.isalnum():
        return BarcodeKind.FNSKU
    return BarcodeKind.OWN


@dataclass(frozen=True)
class Barcode:
    code: str
    kind: BarcodeKind


@dataclass
class Article:
    """A thing on a shelf. One article may have many barcodes and many listings."""

    sku: str
    title: str
    barcodes: list[Barcode] = field(default_factory=list)
    weight_g: int = 0
    tax_rate: Decimal = Decimal("19")
    id: int | None = None

    def codes(self) -> set[str]:
        """Every code that identifies this article when scanned."""
        return {normalize_code(self.sku)} | {normalize_code(b.code) for b in self.barcodes}


@dataclass
class Listing:
    """An article offered on one marketplace of one account under a seller SKU."""

    article_id: int
    account_id: int
    marketplace_id: str
    seller_sku: str
    asin: str = ""
    channel: str = "MFN"
    quantity_pushed: int | None = None
    id: int | None = None
