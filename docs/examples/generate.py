"""Render one example invoice per row of the VAT treatment table (docs/tax.md) as PNG.

    python docs/examples/generate.py     # needs poppler's pdftoppm

The orders are made up; the seller is a German GmbH. Output: docs/examples/<treatment>.png.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.config import CompanySettings
from core.documents.content import build_content
from core.documents.render import render_pdf
from core.domain.documents import DocumentKind
from core.domain.orders import Address, Buyer, Channel, Order, OrderLine

SELLER = CompanySettings(
    name="Muster Handel GmbH",
    street="Musterweg 1",
    postcode="10115",
    city="Berlin",
    country="DE",
    vat_id="DE123456789",
    email="rechnung@muster-handel.de",
    iban="DE02120300000000202051",
)
# treatment: (marketplace, country, city, VAT id, Amazon's rate, unit price Amazon charged)
ROWS = {
    "domestic": ("A1PA6795UKMFR9", "DE", "München", "", "19", "59.50"),
    "oss": ("A13V1IB3VIYZZH", "FR", "Lyon", "", "20", "60.00"),
    "intra_eu_b2b": ("A1PA6795UKMFR9", "AT", "Wien", "ATU12345678", "0", "50.00"),
    "export": ("ATVPDKIKX0DER", "US", "Boston", "", "0", "50.00"),
    "amazon_collects": ("A1PA6795UKMFR9", "CH", "Zürich", "", "8.1", "54.05"),
    "uk_deemed_supplier": ("A1F83G8C2ARO7P", "GB", "Leeds", "", "20", "60.00"),
    "uk_import": ("A1F83G8C2ARO7P", "GB", "Leeds", "", "0", "200.00"),
    "ioss": ("A1PA6795UKMFR9", "DE", "München", "", "19", "59.50"),  # from a Swiss seller
}
# The IOSS row needs a seller outside the EU: the same company, established in Basel.
SWISS_SELLER = SELLER.model_copy(
    update={"country": "CH", "postcode": "4051", "city": "Basel", "vat_id": "CHE-116.281.710 MWST"}
)
# ECB reference rates of 2026-11-27 (illustrative), for the VAT in EUR on GBP/USD invoices
ECB = {"GBP": Decimal("0.8331"), "USD": Decimal("1.0498")}
ISSUED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def example(treatment: str) -> bytes:
    market, country, city, vat_id, rate, price = ROWS[treatment]
    order = Order(
        account_id=1,
        external_id="302-0000000-0000001",
        marketplace_id=market,
        channel=Channel.MFN,
        purchased_at=ISSUED,
        currency="GBP" if country == "GB" else "USD" if country == "US" else "EUR",
        lines=[
            OrderLine(
                external_id="1",
                sku="MUG-01",
                title="Teetasse Steingut 350 ml",
                quantity=1,
                unit_price=Decimal(price),
                tax_rate=Decimal(rate),
            )
        ],
        buyer=Buyer(name="Alex Beispiel", vat_id=vat_id),
        ship_to=Address(name="Alex Beispiel", line1="Example Street 5", city=city, country=country),
    )
    if treatment == "ioss":
        order.ioss_number = "IM2760000742"
    rate_day = ISSUED.date().replace(day=27)
    content = build_content(
        order,
        DocumentKind.INVOICE,
        "RE-2026-00001",
        ISSUED,
        SWISS_SELLER if treatment == "ioss" else SELLER,
        eur_rate=(ECB[order.currency], rate_day) if order.currency in ECB else None,
    )
    assert content["treatment"] == treatment, content["treatment"]
    return render_pdf(content)


def main() -> None:
    out = Path(__file__).parent
    for treatment in ROWS:
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "x.pdf"
            pdf.write_bytes(example(treatment))
            target = out / treatment
            cmd = ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(target)]
            subprocess.run(cmd, check=True)
        print(f"{target}.png")


if __name__ == "__main__":
    main()
