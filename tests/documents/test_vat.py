"""The VAT treatment table applied per order: category, wording, and total = what the buyer paid."""

from __future__ import annotations

from datetime import date
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


# Issue 12: no IOSS row and no £135 line. Amounts are Amazon's gross prices; the consignment value
# the lines are drawn at is the goods net of VAT, without shipping (HMRC; Art. 14a VAT Directive).
GBP = (Decimal("0.8331"), date(2026, 11, 27))  # ECB: 1 EUR = 0.8331 GBP


def _flat(pdf: bytes) -> str:
    """The PDF's text with line breaks as spaces: notes wrap."""
    return " ".join(pdf_text(pdf).split())


def _uk(company: CompanySettings, price: str, rate: str, vat_id: str = "") -> dict:  # type: ignore[type-arg]
    o = order(
        [line(1, price, rate=rate)], marketplace=UK, country="GB", currency="GBP", vat_id=vat_id
    )
    o.lines[0].shipping_price = Decimal("40.00")  # shipping does not count towards £135
    return build_content(o, DocumentKind.INVOICE, "RE-2026-00042", ISSUED, company, eur_rate=GBP)


@pytest.mark.parametrize(
    ("price", "rate", "treatment"),
    [
        ("162.00", "20", Treatment.UK_DEEMED_SUPPLIER),  # £135.00 net: Amazon's to tax
        ("162.01", "20", Treatment.AMAZON_COLLECTS),  # £135.01 net: import VAT Amazon reported
        ("135.01", "0", Treatment.UK_IMPORT),  # over £135, no VAT at the sale: due at import
        ("135.00", "0", Treatment.EXPORT),
    ],
)
def test_the_uk_line_at_135_pounds(
    company: CompanySettings, price: str, rate: str, treatment: Treatment
) -> None:
    content = _uk(company, price, rate)
    assert content["treatment"] == treatment.value
    paid = Decimal(price) + Decimal("40.00")
    assert Decimal(content["totals"]["gross"]) + Decimal(content["amazon_collected_vat"]) == paid
    assert schematron_failures(embedded_xml(render_pdf(content))) == []


def test_uk_notes_say_who_owes_the_uk_vat(company: CompanySettings) -> None:
    deemed = _flat(render_pdf(_uk(company, "120.00", "20")))
    assert "£135 or less: Amazon is the deemed supplier (UK VATA 1994 s. 5A)" in deemed
    assert "UK VAT (£26.67)" in deemed  # on the goods and the shipping: £160.00 paid
    imported = _flat(render_pdf(_uk(company, "300.00", "0")))
    assert "Consignment over £135: UK import VAT and duty are charged on import" in imported


def _swiss_seller(company: CompanySettings) -> CompanySettings:
    return company.model_copy(
        update={
            "country": "CH",
            "city": "Basel",
            "postcode": "4051",
            "vat_id": "CHE-116.281.710 MWST",
        }
    )


def _import_into_eu(company: CompanySettings, price: str, rate: str, ioss: str) -> dict:  # type: ignore[type-arg]
    o = order([line(1, price, rate=rate)])  # amazon.de, to Berlin, EUR
    o.ioss_number = ioss
    return build_content(o, DocumentKind.INVOICE, "RE-2026-00042", ISSUED, _swiss_seller(company))


def test_goods_sent_into_the_eu_up_to_150_euros_name_amazons_ioss_number(
    company: CompanySettings,
) -> None:
    content = _import_into_eu(company, "178.50", "19", "IM2760000742")  # €150.00 net
    assert content["treatment"] == Treatment.IOSS.value
    assert content["ioss_number"] == "IM2760000742"
    assert {ln["category"] for ln in content["lines"]} == {"G"}
    assert content["totals"]["gross"] == "150.00" and content["amazon_collected_vat"] == "28.50"
    pdf = render_pdf(content)
    text = _flat(pdf)
    assert "Einfuhr in die EU bis 150 EUR Sachwert: Amazon ist fiktiver Lieferer" in text
    assert "IOSS-Nr. IM2760000742" in text and "28,50 €" in text
    assert schematron_failures(embedded_xml(pdf)) == []


def test_imports_into_the_eu_above_150_euros_or_untaxed_are_not_ioss(
    company: CompanySettings,
) -> None:
    above = _import_into_eu(company, "178.51", "19", "IM2760000742")
    assert above["treatment"] == Treatment.AMAZON_COLLECTS.value and above["ioss_number"] == ""
    untaxed = _import_into_eu(company, "100.00", "0", "")
    assert untaxed["treatment"] == Treatment.EXPORT.value  # was "domestic" for a non-EU seller


def test_ioss_number_comes_from_amazons_order_items() -> None:
    from core.channels.amazon.normalize import ioss_number_2026, order_from_v0

    item = {"fulfillment": {"shipping": {"internationalShipping": {"iossNumber": "IM1234567890"}}}}
    assert ioss_number_2026([{}, item]) == "IM1234567890"
    v0 = order_from_v0(
        {"AmazonOrderId": "302-1", "PurchaseDate": "2026-11-20T10:00:00Z"},
        [{"OrderItemId": "1", "QuantityOrdered": 1, "IossNumber": "IM0987654321"}],
        1,
    )
    assert v0.ioss_number == "IM0987654321"


async def test_the_ioss_number_is_kept_with_the_order(db, box) -> None:  # type: ignore[no-untyped-def]
    from core.persistence.models import OrderRow
    from core.persistence.repositories import load_order
    from core.services.intake import upsert_orders
    from tests.support.factories import make_account, make_order

    account = await make_account()
    o = make_order("302-7", account_id=account)
    await upsert_orders(account, [o], box)
    o.ioss_number = "IM2760000742"  # Amazon's next answer carries it
    await upsert_orders(account, [o], box)
    row = await OrderRow.get(external_id="302-7")
    assert (await load_order(row.id, box)).ioss_number == "IM2760000742"
