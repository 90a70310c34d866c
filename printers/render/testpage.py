"""Test pages: printer name, time, a Code128 and a QR, in the printer's own language."""

from __future__ import annotations

from datetime import datetime

import barcode
import segno

from core.config import CupsPrinter, EscposPrinter, FolderPrinter, ZplPrinter
from core.documents.layout import bar_runs
from printers.render import zpl
from printers.render.escpos import EscposBuilder

PrinterSettings = EscposPrinter | ZplPrinter | CupsPrinter | FolderPrinter
SAMPLE = "Grüße aus Köln · Łódź · Ñandú · Øresund"


def qr_payload(name: str) -> str:
    return f"packdesk:test:{name}"


def escpos_test_page(
    name: str, now: datetime, width_mm: int = 80, codepage: str = "CP858"
) -> bytes:
    doc = EscposBuilder(width_mm, codepage)
    doc.align("center").bold().size(2, 2).line("Test page").size().bold(False)
    doc.line(f"Printer: {name}").line(now.strftime("%Y-%m-%d %H:%M:%S")).line(SAMPLE)
    doc.code128(name).qr(qr_payload(name)).feed(2).cut()
    return bytes(doc)


def pdf_test_page(name: str, now: datetime) -> bytes:
    """An A4 PDF test page (vector barcodes, DejaVu Sans as the documents use: "Łódź", not "?ód?")."""
    from fpdf import FPDF  # only CUPS and folder printers need it; keeps imports light

    from core.documents.fonts import FACES, FONT_DIR

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    for style, file in FACES.items():
        pdf.add_font("dejavu", style, str(FONT_DIR / file))
    pdf.set_font("dejavu", "B", 24)
    pdf.text(20, 30, "Packdesk test page")
    pdf.set_font("dejavu", "", 14)
    pdf.text(20, 42, f"Printer: {name}")
    pdf.text(20, 50, now.strftime("%Y-%m-%d %H:%M:%S"))
    pdf.text(20, 58, SAMPLE)
    modules = barcode.get("code128", name).build()[0]
    for start, length in bar_runs(modules):
        pdf.rect(20 + start * 0.33, 70, length * 0.33, 18, style="F")
    matrix = [list(row) for row in segno.make_qr(qr_payload(name)).matrix]
    module = 40 / len(matrix)
    for r, row in enumerate(matrix):
        for start, length in bar_runs("".join("1" if v else "0" for v in row)):
            pdf.rect(20 + start * module, 100 + r * module, length * module, module, style="F")
    return bytes(pdf.output())


def printer_test_page(printer: PrinterSettings, name: str, now: datetime) -> tuple[bytes, str]:
    """The test page for this kind of printer, as (payload, content type)."""
    if isinstance(printer, EscposPrinter):
        return escpos_test_page(
            name, now, printer.width_mm, printer.codepage
        ), "application/vnd.escpos"
    if isinstance(printer, ZplPrinter):
        return zpl.zpl_test_label(name, now, printer.dpi), "application/zpl"
    return pdf_test_page(name, now), "application/pdf"
