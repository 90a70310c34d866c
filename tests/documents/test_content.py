"""The content snapshot: sums to the cent, bad input named, odd orders still invoiced."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config import CompanySettings
from core.documents.content import build_content
from core.documents.einvoice import einvoice_xml
from core.documents.render import render_pdf
from core.domain.documents import DocumentKind
from core.domain.orders import Address, Buyer, Channel
from core.errors import UserInputError
from tests.documents.einvoice_check import schematron_failures
from tests.documents.samples import ISSUED, line, order, pdf_text, seller

INVOICE = DocumentKind.INVOICE


def totals_add_up(content: dict) -> None:  # type: ignore[type-arg]
    t = content["totals"]
    by_rate = t["by_rate"]
    assert sum(Decimal(r["gross"]) for r in by_rate) == Decimal(t["gross"])
    for r in by_rate:
        assert Decimal(r["net"]) + Decimal(r["tax"]) == Decimal(r["gross"])
        in_rate = [ln for ln in content["lines"] if ln["tax_rate"] == r["rate"]]
        assert sum(Decimal(ln["net"]) for ln in in_rate) == Decimal(r["net"])
        assert sum(Decimal(ln["total"]) for ln in in_rate) == Decimal(r["gross"])


@pytest.mark.parametrize("key", ["name", "street", "postcode", "city"])
def test_missing_company_setting_is_named(company: CompanySettings, key: str) -> None:
    with pytest.raises(UserInputError, match=rf"company\.{key}"):
        build_content(order(), INVOICE, "RE-1", ISSUED, company.model_copy(update={key: ""}))


def test_missing_vat_id_is_named(company: CompanySettings) -> None:
    bare = company.model_copy(update={"vat_id": "", "tax_number": ""})
    with pytest.raises(UserInputError, match=r"company\.vat_id"):
        build_content(order(), INVOICE, "RE-1", ISSUED, bare)
    # a delivery note needs no tax id
    build_content(order(), DocumentKind.DELIVERY_NOTE, "LS-1", ISSUED, bare)


def test_content_is_json_and_frozen(company: CompanySettings) -> None:
    o = order()
    content = build_content(o, INVOICE, "RE-1", ISSUED, company)
    assert json.loads(json.dumps(content)) == content
    o.lines[0].unit_price = Decimal("999")
    o.buyer = Buyer(name="Someone Else")
    assert content["lines"][0]["unit_price"] == "19.99"
    assert content["buyer"]["name"] == "Jürgen Groß"


def test_fba_order_without_address_still_gets_a_valid_invoice(company: CompanySettings) -> None:
    o = order(channel=Channel.AFN)
    o.buyer = Buyer()
    o.ship_to = Address()
    content = build_content(o, INVOICE, "RE-1", ISSUED, company)
    assert content["buyer"]["name"] == "Amazon-Kunde"
    assert content["destination_country"] == "DE"
    text = pdf_text(render_pdf(content))
    assert "Amazon-Kunde" in text and "Gesamtbetrag 47,48 €" in text
    assert schematron_failures(einvoice_xml(content)) == []


def test_odd_lines_long_title_zero_price_full_promotion_mixed_rates(
    company: CompanySettings,
) -> None:
    long_title = ("Ergonomischer Bürostuhl mit verstellbarer Lordosenstütze " * 6)[:300]
    free = line(2, "0.00")
    gift = line(3, "12.00", rate="7", promotion_discount=Decimal("12.00"))
    mixed = [line(1, "49.90", rate="19"), free, gift, line(4, "3.33", qty=3, rate="0")]
    mixed[0].title = long_title
    o = order(mixed)
    content = build_content(o, INVOICE, "RE-1", ISSUED, company)
    totals_add_up(content)
    assert Decimal(content["totals"]["gross"]) == o.total == Decimal("59.89")
    text = pdf_text(render_pdf(content))
    assert " ".join(long_title.split()[:4]) in text and long_title.split()[-1] in text
    assert "Rabatt (SKU-003)" in text and "Artikel 2" in text
    assert schematron_failures(einvoice_xml(content)) == []


def test_shipment_lines_and_charges_of_a_partial_shipment(company: CompanySettings) -> None:
    ln = line(1, "10.00", qty=4, shipping_price=Decimal("4.00"), promotion_discount=Decimal("2.00"))
    o = order([ln, line(2, "5.00")])
    first = build_content(o, INVOICE, "RE-1", ISSUED, company, lines=[(ln, 1)])
    assert [(x["kind"], x["quantity"], x["total"]) for x in first["lines"]] == [
        ("item", 1, "10.00"),
        ("shipping", 1, "4.00"),
        ("promotion", 1, "-0.50"),
    ]
    ln.quantity_shipped = 1
    rest = build_content(o, INVOICE, "RE-2", ISSUED, company, lines=[(ln, 3)])
    assert [(x["kind"], x["total"]) for x in rest["lines"]] == [
        ("item", "30.00"),
        ("promotion", "-1.50"),
    ]


prices = st.decimals(min_value=0, max_value=500, places=2)
rates = st.sampled_from([Decimal("0"), Decimal("5.5"), Decimal("7"), Decimal("19"), Decimal("21")])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(prices, st.integers(1, 9), rates, prices, st.integers(0, 100)),
        min_size=1,
        max_size=8,
    )
)
def test_totals_always_add_up_to_the_order_total(rows: list) -> None:  # type: ignore[type-arg]
    lines = []
    for n, (price, qty, rate, shipping, promo_pct) in enumerate(rows, start=1):
        promo = (price * qty * promo_pct / 100).quantize(Decimal("0.01"))
        lines.append(
            line(
                n,
                str(price),
                qty=qty,
                rate=str(rate),
                shipping_price=shipping,
                promotion_discount=promo,
            )
        )
    o = order(lines)
    content = build_content(o, INVOICE, "RE-1", ISSUED, seller())
    totals_add_up(content)
    assert Decimal(content["totals"]["gross"]) == o.total
