"""A pick slip as an A4 page, printed in the delivery note's job (station `pick_slip = "with_papers"`).

Drawn with fpdf2 like the papers it joins: the order's Amazon id as text and as Code 128 (one
rectangle per bar, so a rasterised bar has no seams), then bin, quantity, SKU and title, in the
order the shelves are walked. Nothing here reads the database or the clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from core.documents import fonts
from core.documents.layout import bar_runs, put

LEFT, WIDTH, ROW = 20.0, 170.0, 7.0
MODULE_MM = 0.4
COLUMNS = (("Bin", 30, "L"), ("Qty", 16, "R"), ("SKU", 44, "L"), ("Article", 80, "L"))


def render_pick_slip_page(
    order_ref: str, picks: Sequence[Mapping[str, object]], station: str, printed_at: datetime
) -> bytes:
    """A4 PDF: heading, the order's barcode, one row per line (more pages when they need it)."""
    import barcode
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    texts = [order_ref, station, *(str(v) for p in picks for v in p.values())]
    family = fonts.install(pdf, texts)

    def head() -> float:
        pdf.add_page()
        pdf.set_font(family, "B", 16)
        put(pdf, LEFT, 15, WIDTH, 8, f"Pick slip {order_ref}")
        pdf.set_font(family, "", 9)
        items = sum(int(str(p["qty"])) for p in picks)
        when = printed_at.strftime("%Y-%m-%d %H:%M")
        put(pdf, LEFT, 23, WIDTH, 5, f"{items} item(s) · desk {station} · {when}")
        modules = barcode.get("code128", order_ref).build()[0]
        x = LEFT + 10 * MODULE_MM  # quiet zone: ten modules
        for start, width in bar_runs(modules):
            pdf.rect(x + start * MODULE_MM, 31, width * MODULE_MM, 14, style="F")
        pdf.set_font(family, "B", 10)
        y = 52.0
        x = LEFT
        for title, width, align in COLUMNS:
            put(pdf, x, y, width, ROW, title, align)
            x += width
        pdf.line(LEFT, y + ROW, LEFT + WIDTH, y + ROW)
        pdf.set_font(family, "", 10)
        return y + ROW + 1

    y = head()
    for pick in picks:
        if y + ROW > 280:
            y = head()
        x = LEFT
        for key, (_, width, align) in zip(("bin", "qty", "sku", "title"), COLUMNS, strict=True):
            text = str(pick.get(key, ""))
            while text and pdf.get_string_width(text) > width - 2:
                text = text[:-1]  # a long title is cut at the column, not over the next one
            put(pdf, x, y, width, ROW, text, align)
            x += width
        y += ROW
    return bytes(pdf.output())
