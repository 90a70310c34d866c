"""Invoices, delivery notes and credit notes read back from the PDF, as a buyer or auditor would."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from facturx import get_facturx_xml_from_pdf
from pypdf import PdfReader

from core.config import CompanySettings
from core.documents.content import build_content
from core.documents.locale import money
from core.documents.render import merge_pdfs, render_pdf, stamp_copy
from core.domain.documents import DocumentKind
from core.domain.orders import Address
from tests.documents.einvoice_check import check_xsd, schematron_failures
from tests.documents.samples import FR, ISSUED, UK, line, order, page_count, pdf_text

INVOICE = DocumentKind.INVOICE


def invoice_for(o, company: CompanySettings, number: str = "RE-2026-00042") -> bytes:  # type: ignore[no-untyped-def]
    return render_pdf(build_content(o, INVOICE, number, ISSUED, company))


def embedded_xml(pdf: bytes) -> bytes:
    name, xml = get_facturx_xml_from_pdf(pdf)
    assert name == "factur-x.xml"
    return bytes(xml)


def test_invoice_shows_what_paragraph_14_requires(company: CompanySettings) -> None:
    o = order([line(1, "19.99", qty=2), line(2, "7.50", rate="7"), line(3, "0.99", qty=3)])
    o.lines[0].shipping_price = Decimal("4.90")
    text = pdf_text(invoice_for(o, company))

    for expected in (
        "Rechnung RE-2026-00042",
        "21.11.2026",
        "DE123456789",
        "Jürgen Groß",
        "Hauptstraße 5",
        "302-1234567-7654321",
        "Amazon.de",
        "Versandkosten",
    ):
        assert expected in text
    for ln in o.lines:
        assert ln.title in text and ln.sku in text
    # 19 %: 2 × 19.99 + 3 × 0.99 + 4.90 = 47.85 gross → 40.21 net, 7.64 VAT; 7 %: 7.50 → 7.01 + 0.49
    assert "USt. 19 % auf 40,21 €" in text and "7,64 €" in text
    assert "USt. 7 % auf 7,01 €" in text and "0,49 €" in text
    assert o.total == Decimal("55.35")
    assert f"Gesamtbetrag {money(o.total, 'EUR', 'de')}" in text


def test_embedded_e_invoice_is_valid_en16931(company: CompanySettings) -> None:
    o = order([line(1, "19.99", qty=2), line(2, "7.50", rate="7")])
    o.lines[1].promotion_discount = Decimal("1.00")
    o.lines[0].gift_wrap_price = Decimal("2.99")
    pdf = invoice_for(o, company)
    xml = embedded_xml(pdf)

    check_xsd(xml)
    assert schematron_failures(xml) == []
    assert b"RE-2026-00042" in xml and b"<ram:GrandTotalAmount>" in xml
    assert f"<ram:GrandTotalAmount>{o.total}</ram:GrandTotalAmount>".encode() in xml
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata
    assert xmp is not None
    raw = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"<pdfaid:part>3</pdfaid:part>" in raw and b"EN 16931" in raw
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_a_broken_total_is_caught_by_the_business_rules(company: CompanySettings) -> None:
    xml = embedded_xml(invoice_for(order(), company))
    broken = xml.replace(b"<ram:GrandTotalAmount>47.48", b"<ram:GrandTotalAmount>47.49")
    assert broken != xml
    assert any(f.startswith("BR-CO-15") for f in schematron_failures(broken))


@pytest.mark.parametrize(
    "name, street, city",
    [
        ("Łukasz Wójcik", "ul. Żółkiewskiego 12", "Łódź"),
        ("Åsa Öberg", "Storgatan 7", "Göteborg"),
        ("Jiří Dvořák", "Náměstí Míru 3", "Brno"),
        ("Çağrı Öztürk", "İstiklal Caddesi 5", "İstanbul"),
        ("Γιώργος Παπαδόπουλος", "Οδός Ερμού 10", "Αθήνα"),
        ("Hovhannes Հովհաննես", "Mashtots Ave 1", "Yerevan"),  # outside the trimmed font
    ],
)
def test_names_and_streets_come_out_as_written(
    company: CompanySettings, name: str, street: str, city: str
) -> None:
    o = order(name=name)
    o.ship_to = Address(name=name, line1=street, postcode="00-950", city=city, country="DE")
    o.lines[0].title = f"Geschenk für {name}"
    text = pdf_text(invoice_for(o, company))
    assert name in text and street in text and city in text
    assert f"Geschenk für {name}" in text


def test_a_150_line_order_paginates_and_keeps_every_line(company: CompanySettings) -> None:
    o = order([line(n, "1.00", rate="19" if n % 2 else "7") for n in range(1, 151)])
    pdf = invoice_for(o, company)
    pages = page_count(pdf)
    text = pdf_text(pdf)

    assert pages >= 4
    assert f"Seite 1 von {pages}" in text and f"Seite {pages} von {pages}" in text
    for n in range(1, 151):
        assert f"SKU-{n:03d}" in text
    assert "Gesamtbetrag 150,00 €" in text
    assert schematron_failures(embedded_xml(pdf)) == []


def test_delivery_note_has_no_prices(company: CompanySettings) -> None:
    o = order([line(1, "19.99", qty=2), line(2, "7.50", rate="7")])
    o.lines[0].shipping_price = Decimal("4.90")
    content = build_content(o, DocumentKind.DELIVERY_NOTE, "LS-2026-00007", ISSUED, company)
    pdf = render_pdf(content)
    text = pdf_text(pdf)

    assert "Lieferschein LS-2026-00007" in text
    assert "Artikel 1" in text and "Artikel 2" in text and "SKU-001" in text
    assert "€" not in text and "19,99" not in text and "Versandkosten" not in text
    assert not get_facturx_xml_from_pdf(pdf)[0]


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs poppler-utils (pdftoppm) and zbar-tools (zbarimg) to decode barcodes",
)
def test_delivery_note_barcodes_scan(company: CompanySettings, tmp_path: Path) -> None:
    content = build_content(order(), DocumentKind.DELIVERY_NOTE, "LS-2026-00007", ISSUED, company)
    (tmp_path / "note.pdf").write_bytes(render_pdf(content))
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "note.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    out = subprocess.run(["zbarimg", "-q", str(png)], capture_output=True, text=True).stdout
    assert "CODE-128:LS-2026-00007" in out
    assert "CODE-128:302-1234567-7654321" in out


def test_credit_note_refers_to_its_invoice(company: CompanySettings) -> None:
    content = build_content(
        order(),
        DocumentKind.CREDIT_NOTE,
        "GS-2026-00001",
        ISSUED,
        company,
        refers_to="RE-2026-00042",
        reason="Rücksendung",
    )
    pdf = render_pdf(content)
    text = pdf_text(pdf)
    # "Gutschrift" is self-billing in German VAT law (§ 14 Abs. 2 Satz 2 UStG): not the title
    assert "Rechnungskorrektur GS-2026-00001" in text and "Gutschrift" not in text
    assert "Zu Rechnung" in text and "RE-2026-00042" in text and "Rücksendung" in text
    assert "Korrekturbetrag (erstattet) 47,48 €" in text
    xml = embedded_xml(pdf)
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml and b"RE-2026-00042" in xml
    assert schematron_failures(xml) == []


@pytest.mark.parametrize(
    "marketplace, title, total",
    [(FR, "Facture RE-1", "47,48\u202f€"), (UK, "Invoice RE-1", "€47.48")],
)
def test_language_follows_the_marketplace(
    company: CompanySettings, marketplace: str, title: str, total: str
) -> None:
    text = pdf_text(invoice_for(order(marketplace=marketplace), company, "RE-1"))
    assert title in text
    assert total.replace("\u202f", "") in text.replace("\u202f", "").replace(" ", "")


def test_oss_note_for_consumers_in_other_eu_countries(company: CompanySettings) -> None:
    o = order([line(1, "24.00", rate="20")], marketplace=FR, country="FR")
    pdf = invoice_for(o, company)
    assert "OSS" in pdf_text(pdf)
    assert schematron_failures(embedded_xml(pdf)) == []


def test_reprint_carries_a_copy_stamp_and_merges_with_the_delivery_note(
    company: CompanySettings,
) -> None:
    invoice = invoice_for(order(), company)
    note = render_pdf(build_content(order(), DocumentKind.DELIVERY_NOTE, "LS-1", ISSUED, company))
    copy = stamp_copy(invoice, "de")
    assert "KOPIE" in pdf_text(copy) and "KOPIE" not in pdf_text(invoice)
    merged = merge_pdfs([note, invoice])
    assert page_count(merged) == 2
    text = pdf_text(merged)
    assert text.index("Lieferschein LS-1") < text.index("Rechnung RE-2026-00042")


def test_rendering_is_reproducible(company: CompanySettings) -> None:
    content = build_content(order(), INVOICE, "RE-2026-00042", ISSUED, company)
    assert render_pdf(content) == render_pdf(content)


def test_an_invoice_is_one_pdf_from_its_first_byte(company: CompanySettings) -> None:
    """factur-x writes into the file it read, where pypdf's reader left off: the base PDF's first
    kilobytes stayed in front of the e-invoice, under a header of the wrong version."""
    data = invoice_for(order(), company)
    assert data.count(b"%PDF-") == 1, (
        f"headers at {[i for i in range(len(data)) if data.startswith(b'%PDF-', i)]}"
    )
    assert data.startswith(b"%PDF-1.6\n")
    assert PdfReader(io.BytesIO(data), strict=True).pages
