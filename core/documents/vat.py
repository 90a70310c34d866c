"""The VAT treatment of one supply: which regime, which EN 16931 category, what the invoice says.

One table (`TABLE`, written out with its sources in docs/tax.md) decides per order from where the
goods go, whether the buyer gave a VAT id, and what Amazon charged. Amazon prices the supply and
the buyer has paid that price, so the invoice states what was paid and never re-prices it:

- Amazon Business sells VAT-exempt to a business buyer with a VAT id of another EU country: the
  item tax it reports is 0 and the buyer pays the net price. Only then is the supply invoiced as
  tax-exempt intra-Community supply (category K); where Amazon charged VAT to a buyer with a VAT
  id, the buyer paid it, and the invoice shows it (OSS, destination rate).
- A third-country destination where Amazon charged no VAT is a tax-exempt export (category G).
  Where Amazon reports tax on such an order it collected that VAT itself, as deemed supplier
  (UK ≤ £135, Norway VOEC, Switzerland) or as import VAT: the seller's supply is still the export
  (net, G) and the invoice names the amount Amazon collected, so net + collected = what was paid.
- The UK's line is drawn at £135 a consignment (goods without shipping and VAT): up to it Amazon is
  the deemed supplier and charges UK VAT at the sale (VATA 1994 s. 5A); above it Amazon is not,
  and UK import VAT and duty fall due at the border, which the invoice says.
- Goods sent into the EU by a seller established outside it, up to €150 a consignment, are sold
  by Amazon as deemed supplier (Art. 14a(1) VAT Directive, § 3 Abs. 3a Satz 2 UStG), which
  declares the VAT under its import one-stop-shop (IOSS) number; the invoice names that number,
  which the carrier also needs for customs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)


class Treatment(StrEnum):
    DOMESTIC = "domestic"
    OSS = "oss"
    INTRA_EU_B2B = "intra_eu_b2b"
    EXPORT = "export"
    AMAZON_COLLECTS = "amazon_collects"
    UK_DEEMED_SUPPLIER = "uk_deemed_supplier"  # GB, consignment ≤ £135, Amazon charged UK VAT
    UK_IMPORT = "uk_import"  # GB, consignment > £135: import VAT and duty at the border
    IOSS = "ioss"  # seller outside the EU, EU buyer, consignment ≤ €150, Amazon charged VAT


UK_DEEMED_SUPPLIER_LIMIT = Decimal("135")  # GBP a consignment, VATA 1994 s. 5A
IOSS_LIMIT = Decimal("150")  # EUR a consignment, Art. 14a(1), Art. 369l VAT Directive


@dataclass(frozen=True)
class Consignment:
    """The intrinsic value of the goods in one parcel: items less promotions, net of VAT, no shipping."""

    value: Decimal
    currency: str
    per_eur: Decimal | None = None  # ECB rate of `currency` (1 EUR = per_eur), None for EUR

    def value_in(self, currency: str) -> Decimal | None:
        """The value in `currency`, or None where no rate is at hand to say it."""
        if currency == self.currency:
            return self.value
        if currency == "EUR" and self.per_eur:
            return self.value / self.per_eur
        return None


@dataclass(frozen=True)
class Rule:
    category: str  # EN 16931 VAT category (UNCL 5305): S standard, K intra-EU, G export
    exempt: bool  # lines carry 0 % on the net price
    note: str  # locale key of the note the invoice prints ("" for none)
    exemption: tuple[str, str] | None  # BT-121 code and BT-120 text for the e-invoice
    source: str  # the law the row rests on (docs/tax.md)


TABLE: dict[Treatment, Rule] = {
    Treatment.DOMESTIC: Rule("S", False, "", None, "§ 1 Abs. 1 Nr. 1, § 12 UStG"),
    Treatment.OSS: Rule("S", False, "oss", None, "§ 3c UStG, § 18j UStG; Art. 33, 369a VAT Dir."),
    Treatment.INTRA_EU_B2B: Rule(
        "K",
        True,
        "intra_eu",
        ("VATEX-EU-IC", "Intra-Community supply"),
        "§ 4 Nr. 1 Buchst. b, § 6a, § 14a Abs. 3 UStG; Art. 138, 226 Nr. 11 VAT Dir.",
    ),
    Treatment.EXPORT: Rule(
        "G",
        True,
        "export",
        ("VATEX-EU-G", "Export outside the EU"),
        "§ 4 Nr. 1 Buchst. a, § 6 UStG; Art. 146 VAT Dir.",
    ),
    Treatment.AMAZON_COLLECTS: Rule(
        "G",
        True,
        "amazon_collects",
        ("VATEX-EU-G", "Export outside the EU"),
        "§ 4 Nr. 1a, § 6 UStG; UK VATA 1994 s. 5A; NO VOEC; CH MWSTG Art. 20a",
    ),
    Treatment.UK_DEEMED_SUPPLIER: Rule(
        "G",
        True,
        "uk_deemed_supplier",
        ("VATEX-EU-G", "Export outside the EU"),
        "§ 4 Nr. 1a, § 6 UStG; UK VATA 1994 s. 5A (consignments up to £135)",
    ),
    Treatment.UK_IMPORT: Rule(
        "G",
        True,
        "uk_import",
        ("VATEX-EU-G", "Export outside the EU"),
        "§ 4 Nr. 1a, § 6 UStG; UK VATA 1994 s. 5A, s. 1(4) (import VAT above £135)",
    ),
    Treatment.IOSS: Rule(
        "G",
        True,
        "ioss",
        ("VATEX-EU-G", "Export outside the EU"),
        "Art. 14a(1), 369l-369x VAT Dir.; § 3 Abs. 3a Satz 2, § 18k UStG",
    ),
}


def treatment_for(
    seller_country: str,
    destination: str,
    buyer_vat_id: str,
    amazon_rates: list[Decimal],
    consignment: Consignment | None = None,
) -> Treatment:
    """The row of `TABLE` for a supply; `amazon_rates` are the VAT rates Amazon charged per line.

    `consignment` (the parcel's goods) decides the UK £135 and the EU €150 lines; without it, or
    where its value cannot be said in pounds or euros, what Amazon charged decides.
    """
    seller_country, destination = seller_country.upper(), destination.upper()
    charged = any(rate > 0 for rate in amazon_rates)
    if not destination or destination == seller_country:
        return Treatment.DOMESTIC
    if destination in EU_COUNTRIES:
        if seller_country not in EU_COUNTRIES:  # an import into the EU
            eur = consignment.value_in("EUR") if consignment else None
            if charged and eur is not None and eur <= IOSS_LIMIT:
                return Treatment.IOSS
            return Treatment.AMAZON_COLLECTS if charged else Treatment.EXPORT
        if buyer_vat_id.strip() and not charged:
            return Treatment.INTRA_EU_B2B
        return Treatment.OSS
    if destination == "GB":
        gbp = consignment.value_in("GBP") if consignment else None
        if gbp is not None and gbp <= UK_DEEMED_SUPPLIER_LIMIT and charged:
            return Treatment.UK_DEEMED_SUPPLIER
        if gbp is not None and gbp > UK_DEEMED_SUPPLIER_LIMIT and not charged:
            return Treatment.UK_IMPORT
    if charged:
        return Treatment.AMAZON_COLLECTS
    return Treatment.EXPORT
