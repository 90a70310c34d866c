"""Checking a rendered PDF before it becomes the archived original.

The first rendering of an issued document is sealed and returned for ever after, so a damaged
file must never get that far. A PDF passes when pypdf reads it back page by page, every font it
uses is embedded as a font file stream, and an invoice or credit note carries its Factur-X XML.
"""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import DictionaryObject, StreamObject

from core.errors import PackdeskError

_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


class DamagedDocument(PackdeskError):
    """A rendering that is not a sound PDF; it is not stored (the job renders again)."""


def _fonts_of(page: Any) -> list[DictionaryObject]:
    resources = page.get("/Resources")
    fonts = resources.get_object().get("/Font") if resources is not None else None
    if fonts is None:
        return []
    out = []
    for ref in fonts.get_object().values():
        font = ref.get_object()
        out += [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
    return out


def _check_font(font: DictionaryObject, where: str) -> None:
    name = font.get("/BaseFont", "?")
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        raise DamagedDocument(f"{where}: font {name} has no font descriptor (not embedded).")
    descriptor = descriptor.get_object()
    if not isinstance(descriptor, DictionaryObject):
        raise DamagedDocument(f"{where}: font descriptor of {name} is not a dictionary.")
    files = [descriptor[k].get_object() for k in _FONT_FILES if k in descriptor]
    if not files:
        raise DamagedDocument(f"{where}: font {name} is not embedded.")
    if not all(isinstance(f, StreamObject) and f.get_data() for f in files):
        raise DamagedDocument(f"{where}: embedded font object of {name} is wrong type.")


def check_pdf(data: bytes, *, e_invoice: bool) -> None:
    """Raise DamagedDocument saying what is wrong with `data`; return quietly when it is sound."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if not reader.pages:
            raise DamagedDocument("The PDF has no pages.")
        for n, page in enumerate(reader.pages, start=1):
            page.get_contents()
            for font in _fonts_of(page):
                _check_font(font, f"page {n}")
        if e_invoice and "factur-x.xml" not in (reader.attachments or {}):
            raise DamagedDocument("The e-invoice XML (factur-x.xml) is missing.")
    except DamagedDocument:
        raise
    except (PdfReadError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise DamagedDocument(f"The PDF does not read back: {exc}") from None
