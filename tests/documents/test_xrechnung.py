"""The XRechnung export against the official KoSIT rules, and the Leitweg-ID it needs."""

from __future__ import annotations

import pytest

from core.config import CompanySettings
from core.documents.content import build_content
from core.documents.einvoice import xrechnung_xml
from core.documents.leitweg import check_leitweg_id
from core.domain.documents import DocumentKind
from core.errors import UserInputError
from tests.documents.einvoice_check import (
    XRECHNUNG_XSL,
    check_xsd,
    schematron_failures,
    xrechnung_failures,
)
from tests.documents.samples import FR, ISSUED, line, order

LEITWEG = "04011000-1234512345-06"
needs_rules = pytest.mark.skipif(
    not XRECHNUNG_XSL.is_file(), reason=f"KoSIT rules not found at {XRECHNUNG_XSL}"
)


@needs_rules
@pytest.mark.parametrize("case", ["domestic", "intra_eu_b2b", "credit_note"])
def test_export_passes_the_kosit_xrechnung_rules(company: CompanySettings, case: str) -> None:
    if case == "intra_eu_b2b":
        o = order(
            [line(1, "100.00", rate="0")], marketplace=FR, country="FR", vat_id="FR40303265045"
        )
    else:
        o = order([line(1, "19.99", qty=2), line(2, "7.50", rate="7")])
    kind = DocumentKind.CREDIT_NOTE if case == "credit_note" else DocumentKind.INVOICE
    content = build_content(o, kind, "RE-2026-00042", ISSUED, company, refers_to="RE-2026-00041")
    xml = xrechnung_xml(content, LEITWEG)
    check_xsd(xml)
    # EN 16931 rules; FX-SCH-A-000556 only checks for a Factur-X profile id, which an
    # XRechnung replaces by its own (urn:…:xrechnung_3.0)
    assert [f for f in schematron_failures(xml) if not f.startswith("FX-SCH-A-000556")] == []
    assert xrechnung_failures(xml) == []


@needs_rules
def test_the_kosit_rules_do_fire(company: CompanySettings) -> None:
    content = build_content(order(), DocumentKind.INVOICE, "RE-1", ISSUED, company)
    xml = xrechnung_xml(content, LEITWEG).replace(b"EM", b"XX", 1)
    assert xrechnung_failures(xml.replace(LEITWEG.encode(), b"")) != []


@pytest.mark.parametrize("bad", ["", "   ", "991-1-2", "04011000-1234512345-07", "abc"])
def test_empty_or_invalid_leitweg_id_is_refused_naming_the_rule(bad: str) -> None:
    with pytest.raises(UserInputError) as err:
        check_leitweg_id(bad)
    message = str(err.value)
    assert "Leitweg-ID" in message or "leitweg-id" in message
    if bad.endswith("-07"):
        assert "MOD 97-10" in message


def test_valid_leitweg_ids() -> None:
    for good in ("04011000-1234512345-06", "991-33333TEST-33", "04011000-12345ABCXYZ-86"):
        assert check_leitweg_id(good.lower()) == good
