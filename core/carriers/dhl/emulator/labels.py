"""DHL labels as real files: a PDF (910-300-700 or A4) and ZPL II at 203 dpi, each with a Code 128
barcode of the shipment number that a scanner reads, as on DHL's own labels."""

from __future__ import annotations

from dataclasses import dataclass

MEDIA_MM = {
    "A4": (210.0, 297.0),
    "910-300-600": (103.0, 199.0),  # thermal 103×199 (laser blanks of that name are 105×205)
    "910-300-610": (105.0, 208.0),
    "910-300-300": (105.0, 148.0),
    "910-300-400": (103.0, 150.0),
    "910-300-410": (103.0, 150.0),
}
DEFAULT_MM = (103.0, 150.0)  # 910-300-700 and the other 10×15 rolls


@dataclass(frozen=True)
class LabelText:
    shipment_no: str
    product: str
    ship_to: tuple[str, ...]
    ship_from: tuple[str, ...]
    weight: str
    reference: str
    routing_code: str


def _modules(text: str) -> str:
    import barcode

    modules: str = barcode.get("code128", text).build()[0]
    return modules


def render_pdf(label: LabelText, print_format: str = "910-300-700") -> bytes:
    from fpdf import FPDF

    from core.documents import fonts

    width, height = MEDIA_MM.get(print_format.split("-oz")[0], DEFAULT_MM)
    pdf = FPDF(unit="mm", format=(width, height))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font(fonts.install(pdf, (*label.ship_from, *label.ship_to, label.product)), size=8)
    pdf.set_xy(5, 5)
    pdf.multi_cell(93, 4, "Von / From:\n" + "\n".join(label.ship_from))
    pdf.set_font_size(12)
    pdf.set_xy(5, 32)
    pdf.multi_cell(93, 6, "An / To:\n" + "\n".join(label.ship_to))
    pdf.set_font_size(10)
    pdf.set_xy(5, 75)
    pdf.multi_cell(93, 5, f"{label.product}\nRef. {label.reference}\n{label.weight}")
    # Code 128 at 0.38 mm per module: wide enough for a hand scanner and for zbar at 200 dpi.
    modules = _modules(label.shipment_no)
    module = min(0.38, (width - 10) / len(modules))
    left = (width - module * len(modules)) / 2
    for i, bit in enumerate(modules):
        if bit == "1":
            pdf.rect(left + i * module, 100, module, 25, style="F")
    pdf.set_xy(5, 128)
    pdf.cell(93, 6, f"Sendungsnummer {label.shipment_no}")
    return bytes(pdf.output())


def render_zpl(label: LabelText) -> str:
    """ZPL II for 8 dots/mm printers (UTF-8 via ^CI28), 10×15 cm."""
    lines = ["^XA", "^CI28", "^PW812", "^LL1218"]
    y = 30
    rows = [
        ("Von / From:", 22),
        *[(t, 22) for t in label.ship_from],
        ("An / To:", 34),
        *[(t, 34) for t in label.ship_to],
        (label.product, 30),
        (f"Ref. {label.reference}  {label.weight}", 26),
    ]
    for text, size in rows:
        safe = text.replace("^", " ").replace("~", " ")
        lines.append(f"^FO30,{y}^A0N,{size},{size}^FD{safe}^FS")
        y += size + 12
    lines.append(f"^FO60,880^BY3^BCN,200,Y,N,N^FD{label.shipment_no}^FS")
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


def merge_pdfs(pdfs: list[bytes]) -> bytes:
    """Pages of several PDFs in one (DHL's combined printing: label, then return label)."""
    if len(pdfs) == 1:
        return pdfs[0]
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        for page in PdfReader(io.BytesIO(pdf)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
