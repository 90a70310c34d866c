"""Turning a content snapshot into the bytes that are stored, printed and mailed.

- `render_pdf`: invoice and credit note as PDF/A-3 with the Factur-X XML inside; delivery note
  as plain PDF/A-3.
- `merge_pdfs`: one print job from several documents (delivery note + invoice per order).
- `stamp_copy`: the "COPY" / "KOPIE" mark a reprint carries; the stored original stays as it is.
"""

from __future__ import annotations

import io
from datetime import datetime
from functools import cache
from typing import Any

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from core.documents import clock, einvoice, fonts, layout, locale

E_INVOICE_KINDS = frozenset({"invoice", "credit_note"})


def render_pdf(content: dict[str, Any]) -> bytes:
    """The document as PDF; invoices and credit notes carry their EN 16931 XML (Factur-X).

    Every date inside the file is the document's issue time (core/documents/clock.py).
    """
    with clock.document_time(datetime.fromisoformat(content["issued_at"])):
        pdf = layout.draw(content)
        if content["kind"] not in E_INVOICE_KINDS or content.get("preview"):
            return pdf  # a preview is no invoice, so it carries no e-invoice either
        return einvoice.embed(pdf, einvoice.einvoice_xml(content), content["language"])


def filename(content: dict[str, Any]) -> str:
    """A file name a buyer can keep: `Rechnung_RE-2026-00001.pdf`."""
    word = locale.text(content["language"], content["kind"]).split(" ")[0]
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in content["number"])
    return f"{word}_{safe}.pdf"


def merge_pdfs(documents: list[bytes]) -> bytes:
    """Concatenate PDFs into one print job, pages in the given order."""
    writer = PdfWriter()
    for data in documents:
        writer.append(PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@cache
def _stamp(word: str) -> bytes:
    pdf = FPDF(format="A4", unit="mm")
    family = fonts.install(pdf, [word])
    pdf.add_page()
    pdf.set_font(family, "B", 22)
    pdf.set_text_color(200, 0, 0)
    pdf.set_draw_color(200, 0, 0)
    pdf.set_line_width(0.8)
    width = pdf.get_string_width(word) + 8
    # beside the document title, clear of the letterhead (seller name and address, top right)
    pdf.set_xy(190 - width, 96)
    pdf.cell(width, 11, word, border=1, align="C")
    return bytes(pdf.output())


def stamp_copy(data: bytes, language: str) -> bytes:
    """Every page of `data` with a red COPY / KOPIE / COPIE box in the top right corner."""
    mark = PdfReader(io.BytesIO(_stamp(locale.text(language, "copy")))).pages[0]
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        page.merge_page(mark)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
