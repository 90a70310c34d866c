"""The frozen content of a document: everything needed to render it again, identically, years later.

`build_content` is pure: an order (with personal data opened), the kind, the number and the date
in; a JSON-safe dict out (Decimals as strings). The snapshot is stored with the document row and
every rendering, e-invoice and mail is made from it, never from the order as it is today.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core.config import CompanySettings
from core.documents import locale, vat
from core.documents.amounts import ZERO, Entry, as_text, cents, net_of, settle
from core.domain.documents import DocumentKind
from core.domain.orders import Address, Order, OrderLine
from core.errors import ConfigurationMissing, RateMissing

SCHEMA_VERSION = 1

# What §14 UStG needs from the seller on an invoice, by config key.
_REQUIRED_FOR_INVOICES = ("name", "street", "postcode", "city", "country")


def check_company(company: CompanySettings, kind: DocumentKind) -> None:
    """Raise ConfigurationMissing naming the first missing `company.*` key `kind` needs."""
    required = _REQUIRED_FOR_INVOICES if kind != DocumentKind.DELIVERY_NOTE else ("name",)
    for key in required:
        if not str(getattr(company, key) or "").strip():
            raise ConfigurationMissing(
                f"company.{key} is not set — an {kind.value.replace('_', ' ')} needs it. "
                f"Add it to the [company] section of the config file."
            )
    if kind != DocumentKind.DELIVERY_NOTE and not (company.vat_id or company.tax_number):
        raise ConfigurationMissing(
            "company.vat_id is not set (nor company.tax_number) — an invoice must show one. "
            "Add it to the [company] section of the config file."
        )


def _seller(company: CompanySettings) -> dict[str, str]:
    data = company.model_dump(mode="json")
    data["logo"] = str(company.logo) if company.logo else ""
    return {k: ("" if v is None else str(v)) for k, v in data.items()}


def _address(address: Address | None) -> dict[str, str]:
    return asdict(address or Address())


def _shipped_part(line: OrderLine, qty: int, field: Decimal, proportional: bool) -> Decimal:
    """The share of a per-line charge that belongs to this shipment of `qty` pieces."""
    if not line.quantity:
        return field
    if not proportional:  # shipping and gift wrap go with the first shipment of the line
        return field if line.quantity_shipped == 0 else ZERO
    before = cents(field * line.quantity_shipped / line.quantity)
    after = cents(field * min(line.quantity_shipped + qty, line.quantity) / line.quantity)
    return after - before


def _entries(
    order: Order, picked: list[tuple[OrderLine, int]], partial: bool, words: dict[str, str]
) -> list[Entry]:
    entries: list[Entry] = []
    for line, qty in picked:
        rate = Decimal(line.tax_rate)
        unit = Decimal(line.unit_price)
        entries.append(Entry("item", line.sku, line.title, qty, unit, cents(unit * qty), rate))
        extras = (
            ("shipping", Decimal(line.shipping_price), 1, False),
            ("gift_wrap", Decimal(line.gift_wrap_price), 1, False),
            ("promotion", Decimal(line.promotion_discount), -1, True),
        )
        for kind, amount, sign, proportional in extras:
            share = _shipped_part(line, qty, amount, proportional) if partial else amount
            if share:
                title = f"{words[kind]} ({line.sku})"
                entries.append(Entry(kind, "", title, 1, sign * share, sign * share, rate))
    return entries


def _consignment(
    entries: list[Entry], currency: str, eur_rate: tuple[Decimal, date] | None
) -> vat.Consignment:
    """The goods of this shipment at their intrinsic value: net of VAT, without shipping or wrap."""
    goods = sum((net_of(e.gross, e.rate) for e in entries if e.kind in ("item", "promotion")), ZERO)
    return vat.Consignment(goods, currency.upper(), eur_rate[0] if eur_rate else None)


def _apply_treatment(entries: list[Entry], rule: vat.Rule) -> Decimal:
    """Give each entry its VAT category; return the VAT Amazon collected itself (else 0).

    Exempt rows carry the price Amazon charged net of VAT. Where Amazon still reported VAT on an
    exempt supply (deemed supplier, import VAT), that VAT is Amazon's, not the seller's: the line
    shows the net and the note names the amount.
    """
    collected = ZERO
    for e in entries:
        if rule.exempt:
            if e.rate:
                net = net_of(e.gross, e.rate)
                collected += e.gross - net
                e.unit_gross = net_of(e.unit_gross, e.rate)
                e.gross = net
                e.rate = ZERO
            e.category = rule.category
        elif e.rate == 0:
            e.category = "Z"
    return collected


def build_content(
    order: Order,
    kind: DocumentKind,
    number: str,
    issued_at: datetime,
    company: CompanySettings,
    *,
    lines: list[tuple[OrderLine, int]] | None = None,
    refers_to: str | None = None,
    language: str | None = None,
    delivery_date: date | None = None,
    reason: str = "",
    eur_rate: tuple[Decimal, date] | None = None,
) -> dict[str, Any]:
    """The JSON-safe snapshot a document is rendered from (see the module docstring).

    `lines` are (order line, quantity in this shipment); without it every line with its full
    quantity is taken. `eur_rate` (1 EUR = rate units, ECB publication day) adds the VAT in EUR
    that an invoice in another currency states (core/services/fx.py); such an invoice without it
    raises RateMissing, never goes out without its VAT in EUR. Raises ConfigurationMissing naming
    the `company.*` key that is missing.
    """
    kind = DocumentKind(kind)
    check_company(company, kind)
    lang = language if language in locale.LANGUAGES else locale.language_for(order.marketplace_id)
    words = locale.TEXTS[lang]
    partial = lines is not None
    picked = lines if lines is not None else [(ln, ln.quantity) for ln in order.lines]
    market_country = locale.marketplace_country(order.marketplace_id)
    bill = order.bill_to or order.ship_to
    destination = (order.ship_to.country or bill.country or market_country).upper()
    entries = _entries(order, [(ln, q) for ln, q in picked if q > 0], partial, words)
    treatment = vat.treatment_for(
        company.country,
        destination,
        order.buyer.vat_id,
        [ln.tax_rate for ln in order.lines],
        _consignment(entries, order.currency, eur_rate),
    )
    rule = vat.TABLE[treatment]
    collected = _apply_treatment(entries, rule)
    totals = settle(entries)
    delivered = delivery_date or (order.shipped_at or issued_at).date()
    if kind is DocumentKind.INVOICE and number and order.currency != "EUR" and eur_rate is None:
        raise RateMissing(order.currency, delivered)  # a preview (no number) is no invoice
    notes: list[str] = []
    if rule.note:
        gross = sum((t.gross for t in totals), ZERO)
        notes.append(
            locale.text(
                lang,
                rule.note,
                country=locale.country_name(destination, lang),
                amount=locale.money(collected, order.currency, lang),
                paid=locale.money(gross + collected, order.currency, lang),
                ioss=order.ioss_number or "–",
            )
        )
    if reason:
        notes.append(locale.text(lang, "credit_reason", reason=reason))
    if kind is DocumentKind.DELIVERY_NOTE:  # the buyer's gift message travels with the parcel
        gifts = dict.fromkeys(ln.gift_message for ln, q in picked if q > 0 and ln.gift_message)
        notes += [locale.text(lang, "gift_message", message=message) for message in gifts]
    buyer_name = order.buyer.name or bill.name or order.ship_to.name
    return {
        "schema": SCHEMA_VERSION,
        "kind": kind.value,
        "number": number,
        "issued_at": issued_at.isoformat(),
        "issue_date": issued_at.date().isoformat(),
        "delivery_date": delivered.isoformat(),
        "refers_to": refers_to,
        "language": lang,
        "currency": order.currency,
        "treatment": treatment.value,
        "amazon_collected_vat": as_text(collected),
        "ioss_number": order.ioss_number if treatment is vat.Treatment.IOSS else "",
        "destination_country": destination,
        "order": {
            "id": order.id,
            "external_id": order.external_id,
            "marketplace_id": order.marketplace_id,
            "marketplace": locale.marketplace_name(order.marketplace_id),
            "channel": order.channel.value,
            "purchased_at": order.purchased_at.date().isoformat(),
        },
        "seller": _seller(company),
        "buyer": {
            "name": buyer_name or words["customer"],
            "company": order.buyer.company or bill.company,
            "email": order.buyer.email,
            "vat_id": order.buyer.vat_id,
        },
        "billing_address": _address(bill),
        "shipping_address": _address(order.ship_to),
        "lines": [
            {
                "position": i,
                "kind": e.kind,
                "sku": e.sku,
                "title": e.title,
                "quantity": e.quantity,
                "unit_price": as_text(e.unit_gross),
                "tax_rate": f"{e.rate.normalize():f}",
                "category": e.category,
                "total": as_text(e.gross),
                "net": as_text(e.net),
            }
            for i, e in enumerate(entries, start=1)
        ],
        "totals": {
            "net": as_text(sum((t.net for t in totals), ZERO)),
            "tax": as_text(sum((t.tax for t in totals), ZERO)),
            "gross": as_text(sum((t.gross for t in totals), ZERO)),
            "by_rate": [
                {
                    "category": t.category,
                    "rate": f"{t.rate.normalize():f}",
                    "net": as_text(t.net),
                    "tax": as_text(t.tax),
                    "gross": as_text(t.gross),
                }
                for t in totals
            ],
        },
        "notes": notes,
        "reason": reason,
        "vat_eur": _vat_in_eur(totals, order.currency, eur_rate),
    }


def _vat_in_eur(
    totals: list[Any], currency: str, eur_rate: tuple[Decimal, date] | None
) -> dict[str, Any] | None:
    """The VAT converted to EUR at the ECB rate (Art. 230 VAT Directive, § 16 Abs. 6 UStG)."""
    if currency == "EUR" or eur_rate is None:
        return None
    per_eur, day = eur_rate
    return {
        "per_eur": f"{per_eur.normalize():f}",
        "rate_date": day.isoformat(),
        "source": "ECB euro reference rate",
        "tax": as_text(sum((cents(t.tax / per_eur) for t in totals), ZERO)),
        "by_rate": [
            {"rate": f"{t.rate.normalize():f}", "tax": as_text(cents(t.tax / per_eur))}
            for t in totals
        ],
    }
