"""The desk sheet: one Code 128 barcode per hold reason (and the undo window's cancel code), on A4.

Taped to the packing desk; a packer scans a reason instead of typing it. Drawn with fpdf2 from
python-barcode's module pattern, as the labels are (core/carriers/dhl/emulator/labels.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MODULE_MM = 0.4  # one bar module: wide enough for hand scanners and for zbar at 150 dpi
BAR_HEIGHT_MM = 14
ROW_MM = 30


@dataclass(frozen=True)
class SheetCode:
    """One row on the sheet: its number key, the words, and what the barcode carries."""

    key: str
    text: str
    barcode: str


def _modules(text: str) -> str:
    import barcode

    modules: str = barcode.get("code128", text).build()[0]
    return modules


def _bars(modules: str) -> list[tuple[int, int]]:
    """(first module, width) of every bar in a module pattern like "11010011"."""
    bars: list[tuple[int, int]] = []
    for i, bit in enumerate(modules):
        if bit != "1":
            continue
        if bars and bars[-1][0] + bars[-1][1] == i:
            bars[-1] = (bars[-1][0], bars[-1][1] + 1)
        else:
            bars.append((i, 1))
    return bars


def render_desk_sheet(title: str, codes: Sequence[SheetCode]) -> bytes:
    """A4 PDF, as many pages as the rows need."""
    from fpdf import FPDF

    from core.documents import fonts

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    family = fonts.install(pdf, (title, *(c.text for c in codes)))
    y = 300.0
    for code in codes:
        if y + ROW_MM > 285:
            pdf.add_page()
            pdf.set_font(family, size=16)
            pdf.set_xy(15, 12)
            pdf.cell(180, 10, title)
            y = 30.0
        pdf.set_font(family, size=12)
        pdf.set_xy(15, y)
        pdf.cell(120, 6, f"{code.key}  {code.text}" if code.key else code.text)
        modules = _modules(code.barcode)
        module = min(MODULE_MM, 170 / (len(modules) + 20))
        left = 15 + 10 * module  # quiet zone: ten modules
        # One rectangle per bar, not per module: touching rectangles leave hairline seams in a
        # rasterised bar, which a reader takes for spaces.
        for start, width in _bars(modules):
            pdf.rect(left + start * module, y + 7, width * module, BAR_HEIGHT_MM, style="F")
        pdf.set_font(family, size=8)
        pdf.set_xy(left, y + 7 + BAR_HEIGHT_MM + 0.5)
        pdf.cell(120, 4, code.barcode)
        y += ROW_MM
    return bytes(pdf.output())
