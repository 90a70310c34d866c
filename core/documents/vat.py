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
}


def treatment_for(
    seller_country: str, destination: str, buyer_vat_id: str, amazon_rates: list[Decimal]
) -> Treatment:
    """The row of `TABLE` for a supply; `amazon_rates` are the VAT rates Amazon charged per line."""
    seller_country, destination = seller_country.upper(), destination.upper()
    charged = any(rate > 0 for rate in amazon_rates)
    if not destination or destination == seller_country:
        return Treatment.DOMESTIC
    if destination in EU_COUNTRIES:
        if seller_country not in EU_COUNTRIES:
            return Treatment.DOMESTIC
        if buyer_vat_id.strip() and not charged:
            return Treatment.INTRA_EU_B2B
        return Treatment.OSS
    if charged:
        return Treatment.AMAZON_COLLECTS
    return Treatment.EXPORT
