"""Invoice arithmetic on gross prices: net and VAT per rate, rounded once per rate (half up).

Amazon reports gross prices. What the buyer paid per VAT rate is fixed; the net amount is derived
from it once (ROUND_HALF_UP to the cent) and the VAT is the difference, so the totals per rate
always add up to the order total to the cent. Line net amounts are rounded one by one and the
rounding difference is put on the biggest line of that rate, so lines also add up exactly (the
EN 16931 rule BR-CO-10 checks this in the e-invoice).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def net_of(gross: Decimal, rate: Decimal) -> Decimal:
    """The net part of a gross amount at `rate` percent, rounded to the cent."""
    return cents(gross * 100 / (100 + rate))


@dataclass
class Entry:
    """One printed line: an article, or shipping, gift wrap or a promotion of an article."""

    kind: str  # item | shipping | gift_wrap | promotion
    sku: str
    title: str
    quantity: int
    unit_gross: Decimal
    gross: Decimal  # signed: promotions are negative
    rate: Decimal
    category: str = "S"  # EN 16931 VAT category: S, Z, K (intra-EU), G (export)
    net: Decimal = ZERO


@dataclass
class RateTotal:
    category: str
    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal


def settle(entries: list[Entry]) -> list[RateTotal]:
    """Fill each entry's net amount and return the totals per (category, rate), biggest rate first."""
    groups: dict[tuple[str, Decimal], list[Entry]] = {}
    for entry in entries:
        groups.setdefault((entry.category, entry.rate), []).append(entry)
    totals = []
    for (category, rate), members in sorted(groups.items(), key=lambda kv: (-kv[0][1], kv[0][0])):
        gross = sum((e.gross for e in members), ZERO)
        net = net_of(gross, rate)
        for e in members:
            e.net = net_of(e.gross, rate)
        residual = net - sum((e.net for e in members), ZERO)
        if residual:
            max(members, key=lambda e: (e.kind == "item", abs(e.gross))).net += residual
        totals.append(RateTotal(category, rate, net, gross - net, gross))
    return totals


def as_text(value: Decimal) -> str:
    """Decimals go into JSON as strings with two places."""
    return str(cents(value))
