"""Shipping labels as real files: PDF (fpdf2), PNG (Pillow) and ZPL for 203 dpi printers, 4×6 inch."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

FILE_TYPES = {"PDF": "application/pdf", "PNG": "image/png", "ZPL203": "application/zpl"}


@dataclass(frozen=True, slots=True)
class LabelText:
    """What a label shows."""

    carrier: str
    service: str
    tracking_id: str
    order_id: str
    ship_to: tuple[str, ...]
    ship_from: tuple[str, ...]
    weight: str


def render_pdf(label: LabelText) -> bytes:
    """A one-page 4×6 inch PDF with a Code 39 tracking barcode, in the fonts the package ships."""
    from fpdf import FPDF

    from core.documents import fonts

    pdf = FPDF(unit="mm", format=(101.6, 152.4))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    texts = (*label.ship_from, *label.ship_to, label.carrier, label.service)
    pdf.set_font(fonts.install(pdf, texts), size=9)
    clean: Callable[[str], str] = str
    pdf.set_xy(5, 5)
    pdf.multi_cell(90, 4, clean("FROM:\n" + "\n".join(label.ship_from)))
    pdf.set_font_size(12)
    pdf.set_xy(5, 32)
    pdf.multi_cell(90, 6, clean("SHIP TO:\n" + "\n".join(label.ship_to)))
    pdf.set_font_size(10)
    pdf.set_xy(5, 75)
    pdf.multi_cell(
        90,
        5,
        clean(f"{label.carrier} {label.service}\nOrder {label.order_id}\nWeight {label.weight}"),
    )
    pdf.code39(f"*{label.tracking_id.upper()}*", x=5, y=100, w=0.3, h=25)
    pdf.set_xy(5, 128)
    pdf.cell(90, 6, f"Tracking: {label.tracking_id}")
    return bytes(pdf.output())


def render_png(label: LabelText) -> bytes:
    """An 812×1218 pixel PNG (4×6 inch at 203 dpi) with a Code 128 barcode."""
    import barcode
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("1", (812, 1218), 1)
    draw = ImageDraw.Draw(image)
    from core.documents.fonts import FACES, FONT_DIR

    font_path = FONT_DIR / FACES[""]  # shipped in the package: the same label on every machine

    def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        return ImageFont.truetype(str(font_path), size)

    y = 30
    for text, size in [
        ("FROM:", 22),
        *[(line, 22) for line in label.ship_from],
        ("SHIP TO:", 34),
        *[(line, 34) for line in label.ship_to],
        (f"{label.carrier} {label.service}", 30),
        (f"Order {label.order_id}  {label.weight}", 26),
    ]:
        draw.text((30, y), text, fill=0, font=font(size))
        y += size + 12
    modules = barcode.get("code128", label.tracking_id).build()[0]
    width = 3
    left = max(10, (812 - len(modules) * width) // 2)
    for i, bit in enumerate(modules):
        if bit == "1":
            draw.rectangle([left + i * width, 880, left + (i + 1) * width - 1, 1080], fill=0)
    draw.text((left, 1100), label.tracking_id, fill=0, font=font(34))
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(203, 203))
    return out.getvalue()


def render_zpl(label: LabelText) -> bytes:
    """ZPL II for a 203 dpi printer (UTF-8 via ^CI28)."""
    lines = ["^XA", "^CI28", "^PW812", "^LL1218"]
    y = 30
    for text, size in [
        ("FROM:", 22),
        *[(t, 22) for t in label.ship_from],
        ("SHIP TO:", 34),
        *[(t, 34) for t in label.ship_to],
        (f"{label.carrier} {label.service}", 30),
        (f"Order {label.order_id}  {label.weight}", 26),
    ]:
        safe = text.replace("^", " ").replace("~", " ")
        lines.append(f"^FO30,{y}^A0N,{size},{size}^FD{safe}^FS")
        y += size + 12
    lines.append(f"^FO60,880^BY3^BCN,200,Y,N,N^FD{label.tracking_id}^FS")
    lines.append("^XZ")
    return ("\n".join(lines) + "\n").encode()


def render(label_format: str, label: LabelText) -> tuple[bytes, str]:
    """Label bytes and their MIME type; ``ShippingServiceDefault`` is PDF."""
    fmt = "PDF" if label_format in ("ShippingServiceDefault", "") else label_format
    if fmt == "PNG":
        return render_png(label), FILE_TYPES["PNG"]
    if fmt == "ZPL203":
        return render_zpl(label), FILE_TYPES["ZPL203"]
    return render_pdf(label), FILE_TYPES["PDF"]
