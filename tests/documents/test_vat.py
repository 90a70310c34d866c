"""The VAT treatment table applied per order: category, wording, and total = what the buyer paid."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.config import CompanySettings
from core.documents.content import build_content
from core.documents.render import render_pdf
from core.documents.vat import Treatment, treatment_for
from core.domain.documents import DocumentKind
from tests.documents.einvoice_check import schematron_failures
from tests.documents.samples import DE, FR, ISSUED, UK, line, order, pdf_text
from tests.documents.test_render import embedded_xml

TR = "A33AVAJ2PDY3EV"
US = "ATVPDKIKX0DER"

# (name, marketplace, ship-to country, buyer VAT id, Amazon's rate, unit price Amazon charged)
ROWS = [
    ("domestic", DE, "DE", "", "19", "119.00"),
    ("domestic_b2b", DE, "DE", "DE811907980", "19", "119.00"),
    ("oss", FR, "FR", "", "20", "120.00"),
    # Amazon Business, VAT-exempt: item tax reported as 0, the buyer pays the net price
    ("intra_eu_b2b", FR, "FR", "FR40303265045", "0", "100.00"),
    # a business buyer Amazon did charge VAT: the buyer paid it, so the invoice shows it
    ("b2b_charged", FR, "FR", "FR40303265045", "20", "120.00"),
    ("export", US, "US", "", "0", "100.00"),
    ("uk_deemed_supplier", UK, "GB", "", "20", "120.00"),
    ("tr_import_vat", TR, "TR", "", "20", "120.00"),
]
EXPECTED = {
    "domestic": (Treatment.DOMESTIC, "S"),
    "domestic_b2b": (Treatment.DOMESTIC, "S"),
    "oss": (Treatment.OSS, "S"),
    "intra_eu_b2b": (Treatment.INTRA_EU_B2B, "K"),
    "b2b_charged": (Treatment.OSS, "S"),
    "export": (Treatment.EXPORT, "G"),
    "uk_deemed_supplier": (Treatment.AMAZON_COLLECTS, "G"),
    "tr_import_vat": (Treatment.AMAZON_COLLECTS, "G"),
}


def _content(company: CompanySettings, row: tuple[str, ...]) -> dict:  # type: ignore[type-arg]
    _, market, country, vat_id, rate, price = row
    o = order([line(1, price, rate=rate)], marketplace=market, country=country, vat_id=vat_id)
    return build_content(o, DocumentKind.INVOICE, "RE-2026-00042", ISSUED, company)


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_each_row_of_the_table(company: CompanySettings, row: tuple[str, ...]) -> None:
    content = _content(company, row)
    treatment, category = EXPECTED[row[0]]
    assert content["treatment"] == treatment.value
    assert {ln["category"] for ln in content["lines"]} == {category}
    paid = Decimal(row[5])
    # the invoice states what the buyer paid; VAT Amazon collected itself is named beside it
    assert Decimal(content["totals"]["gross"]) + Decimal(content["amazon_collected_vat"]) == paid
    pdf = render_pdf(content)
    assert schematron_failures(embedded_xml(pdf)) == []


def test_intra_community_supply_has_the_goods_wording_not_reverse_charge(
    company: CompanySettings,
) -> None:
    content = _content(company, ("b2b", DE, "FR", "FR40303265045", "0", "100.00"))
    text = pdf_text(render_pdf(content))
    assert "Steuerfreie innergemeinschaftliche Lieferung" in text and "§ 6a UStG" in text
    assert "Reverse Charge" not in text and "Steuerschuldnerschaft" not in text
    assert "FR40303265045" in text and "DE123456789" in text  # both VAT ids (§ 14a Abs. 3 UStG)
    assert content["totals"]["gross"] == "100.00"


def test_export_and_deemed_supplier_say_so(company: CompanySettings) -> None:
    export = pdf_text(render_pdf(_content(company, ROWS[5])))
    assert "VAT-exempt export outside the EU (Art. 146" in export
    uk = _content(company, ROWS[6])
    text = pdf_text(render_pdf(uk))
    assert "deemed supplier" in text and "€20.00" in text and "€120.00" in text
    assert uk["totals"]["tax"] == "0.00"
    assert "UNITED KINGDOM" in text  # the country by name, in the document's language


def test_table_decisions() -> None:
    z, t = Decimal("0"), Decimal("19")
    assert treatment_for("DE", "AT", "ATU12345678", [z]) is Treatment.INTRA_EU_B2B
    assert treatment_for("DE", "AT", "", [t]) is Treatment.OSS
    assert treatment_for("DE", "CH", "", [t]) is Treatment.AMAZON_COLLECTS
    assert treatment_for("DE", "CH", "", [z]) is Treatment.EXPORT
    assert treatment_for("DE", "DE", "DE811907980", [t]) is Treatment.DOMESTIC
