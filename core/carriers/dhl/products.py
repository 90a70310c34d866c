"""DHL Parcel DE products, their billing procedures and limits, and the countries they ship to.

A DHL billing number is the customer's EKP (10 digits) + the product's procedure (2 digits) + the
participation (2 characters, usually ``01``). The procedure is fixed per product, so Packdesk keeps
the EKP and participation and derives the number for each parcel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import UserInputError


@dataclass(frozen=True)
class Product:
    code: str
    name: str
    procedure: str
    max_weight_g: int
    international: bool


PRODUCTS: dict[str, Product] = {
    p.code: p
    for p in (
        Product("V01PAK", "DHL Paket", "01", 31_500, False),
        Product("V62WP", "DHL Warenpost", "62", 1_000, False),
        Product("V53WPAK", "DHL Paket International", "53", 31_500, True),
        Product("V66WPI", "DHL Warenpost International", "66", 1_000, True),
    )
}

# Member states of the EU customs union (CN23 not needed). Alpha-2 → alpha-3, as DHL wants it.
EU = {
    "AT": "AUT", "BE": "BEL", "BG": "BGR", "CY": "CYP", "CZ": "CZE", "DE": "DEU", "DK": "DNK",
    "EE": "EST", "ES": "ESP", "FI": "FIN", "FR": "FRA", "GR": "GRC", "HR": "HRV", "HU": "HUN",
    "IE": "IRL", "IT": "ITA", "LT": "LTU", "LU": "LUX", "LV": "LVA", "MT": "MLT", "NL": "NLD",
    "PL": "POL", "PT": "PRT", "RO": "ROU", "SE": "SWE", "SI": "SVN", "SK": "SVK",
}  # fmt: skip
OUTSIDE_EU = {
    "CH": "CHE", "GB": "GBR", "NO": "NOR", "IS": "ISL", "LI": "LIE", "US": "USA", "CA": "CAN",
    "AU": "AUS", "JP": "JPN", "CN": "CHN", "TR": "TUR", "UA": "UKR", "RS": "SRB", "AE": "ARE",
    "IL": "ISR", "SG": "SGP", "KR": "KOR", "IN": "IND", "BR": "BRA", "MX": "MEX", "NZ": "NZL",
    "ZA": "ZAF", "MC": "MCO", "SM": "SMR", "AD": "AND", "BA": "BIH", "ME": "MNE", "MK": "MKD",
    "AL": "ALB", "MD": "MDA", "GI": "GIB", "HK": "HKG", "TW": "TWN",
}  # fmt: skip
ALPHA3 = {**EU, **OUTSIDE_EU}
EU3 = set(EU.values())

BILLING_NUMBER = re.compile(r"\d{10}\d{2}[A-Za-z0-9]{2}")


def alpha3(country: str) -> str:
    """DHL's three-letter country code for a two-letter one."""
    code = country.strip().upper()
    if len(code) == 3 and code in ALPHA3.values():
        return code
    if code not in ALPHA3:
        raise UserInputError(f"DHL: country {country!r} is not one Packdesk can ship to with DHL.")
    return ALPHA3[code]


def needs_customs(country: str) -> bool:
    """A CN23 travels with parcels leaving the EU customs union."""
    return alpha3(country) not in EU3


def billing_number(ekp: str, product: str, participation: str = "01") -> str:
    """EKP(10) + procedure(2) + participation(2), checked before DHL sees it."""
    number = f"{ekp}{PRODUCTS[product].procedure}{participation}"
    if not BILLING_NUMBER.fullmatch(number):
        raise UserInputError(
            f"DHL billing number {number!r} is not EKP (10 digits) + procedure (2 digits) + "
            "participation (2 characters) — check ekp and participation in the DHL settings."
        )
    return number


def choose_product(country: str, weight_g: int, prefer_warenpost: bool = False) -> str:
    """Warenpost when asked for and light enough; Paket (international outside Germany) else."""
    domestic = alpha3(country) == "DEU"
    if prefer_warenpost and weight_g <= PRODUCTS["V62WP"].max_weight_g:
        return "V62WP" if domestic else "V66WPI"
    return "V01PAK" if domestic else "V53WPAK"
