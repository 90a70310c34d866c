"""PLN/SEK invoices state their VAT in EUR at the ECB rate of the supply date (Art. 230, § 16 Abs. 6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from core.channels.amazon.emulator.ecb import add_routes
from core.config import CompanySettings
from core.documents.content import build_content
from core.documents.render import render_pdf
from core.domain.documents import DocumentKind
from core.services.fx import eur_rate, load_ecb_xml, parse_ecb_xml, rate_for
from tests.documents.einvoice_check import schematron_failures
from tests.documents.samples import ISSUED, line, order, pdf_text
from tests.documents.test_render import embedded_xml

RECORDED = Path(__file__).parent / "data" / "eurofxref-hist-90d.xml"  # ECB file shape
PL = "A1C3SOZRARQ6R3"


def test_recorded_ecb_file_parses() -> None:
    rates = parse_ecb_xml(RECORDED.read_bytes())
    assert {r.currency for r in rates} >= {"PLN", "SEK", "GBP"}
    assert [r.per_eur for r in rates if r.currency == "PLN" and r.day == date(2026, 11, 20)] == [
        Decimal("4.2675")
    ]


async def test_rate_of_the_supply_date_weekend_takes_the_working_day_before(db) -> None:
    await load_ecb_xml(RECORDED.read_bytes())
    friday = await rate_for("PLN", date(2026, 11, 22))  # a Sunday
    assert friday is not None and friday.day == date(2026, 11, 20)
    assert await eur_rate("EUR", date(2026, 11, 20)) is None
    assert (
        await rate_for("PLN", date(2026, 12, 30)) is None
    )  # stale: no rate rather than a wrong one


def test_pln_invoice_states_its_vat_in_eur(company: CompanySettings) -> None:
    o = order([line(1, "123.00", rate="23")], marketplace=PL, country="PL", currency="PLN")
    content = build_content(
        o,
        DocumentKind.INVOICE,
        "RE-2026-00042",
        ISSUED,
        company,
        eur_rate=(Decimal("4.2675"), date(2026, 11, 20)),
    )
    assert content["totals"]["tax"] == "23.00"
    assert content["vat_eur"]["tax"] == "5.39"  # 23.00 PLN / 4.2675
    pdf = render_pdf(content)
    text = pdf_text(pdf)
    assert "VAT in EUR (ECB reference rate 2026-11-20: 1 EUR = 4.2675 PLN)" in text
    assert "€5.39" in text
    xml = embedded_xml(pdf)
    assert b"<ram:TaxCurrencyCode>EUR</ram:TaxCurrencyCode>" in xml
    assert b'currencyID="EUR">5.39<' in xml
    assert schematron_failures(xml) == []


async def test_emulator_serves_an_ecb_feed(db) -> None:
    from aiohttp import web

    app = web.Application()
    add_routes(app, lambda: 1795000000.0)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/ecb/eurofxref-hist-90d.xml")
        assert response.status == 200
        data = await response.read()
    assert await load_ecb_xml(data) > 100
    assert await rate_for("SEK", date.fromtimestamp(1795000000)) is not None


@pytest.mark.parametrize("bad", [b"", b"<html/>"])
def test_a_file_that_is_not_ecb_is_refused(bad: bytes) -> None:
    from core.errors import UserInputError

    with pytest.raises(UserInputError):
        parse_ecb_xml(bad)
