"""What a reader sees on the page: footers on every page, regular rows after a break, no lost text."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.config import CompanySettings
from core.documents.content import build_content
from core.documents.render import render_pdf, stamp_copy
from core.domain.documents import DocumentKind
from tests.documents.samples import ISSUED, line, order, pdf_text

DPI = 40


def _gray_pages(pdf: bytes) -> list[tuple[int, int, bytes]]:
    """Each page as (width, height, 8-bit gray pixels), rendered by poppler's pdftoppm."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-gray", "-r", str(DPI), str(src), str(Path(tmp) / "p")], check=True
        )
        pages = []
        for pgm in sorted(Path(tmp).glob("p-*.pgm")):
            data = pgm.read_bytes()
            fields = data.split(maxsplit=4)  # P5, width, height, maxval, pixels
            pages.append((int(fields[1]), int(fields[2]), fields[4]))
        return pages


def _darkest(
    page: tuple[int, int, bytes],
    top_mm: float,
    bottom_mm: float,
    left_mm: float = 0,
    right_mm: float = 210,
) -> int:
    width, height, pixels = page
    px = DPI / 25.4
    rows = range(int(top_mm * px), min(height, int(bottom_mm * px)))
    cols = slice(int(left_mm * px), min(width, int(right_mm * px)))
    return min(min(pixels[r * width : (r + 1) * width][cols]) for r in rows)


needs_poppler = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler not installed")


def _long_invoice(company: CompanySettings) -> bytes:
    o = order([line(n, "1.00") for n in range(1, 90)])
    return render_pdf(build_content(o, DocumentKind.INVOICE, "RE-2026-00042", ISSUED, company))


@needs_poppler
@pytest.mark.parametrize("kind", [DocumentKind.INVOICE, DocumentKind.DELIVERY_NOTE])
def test_footer_prints_dark_on_every_page(company: CompanySettings, kind: DocumentKind) -> None:
    o = order([line(n, "1.00") for n in range(1, 90)])
    pages = _gray_pages(render_pdf(build_content(o, kind, "LS-2026-00042", ISSUED, company)))
    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        assert _darkest(page, 275, 290) < 120, f"footer of page {n} is too light"


def test_first_row_after_a_page_break_is_not_bold(company: CompanySettings) -> None:
    reader = PdfReader(io.BytesIO(_long_invoice(company)))
    fonts: dict[str, str] = {}

    def visit(text, cm, tm, font, size) -> None:  # type: ignore[no-untyped-def]
        if font is not None and text.strip().startswith("Artikel"):
            fonts.setdefault(text.strip(), str(font.get("/BaseFont")))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    assert fonts and not [t for t, f in fonts.items() if "Bold" in f], fonts


@needs_poppler
def test_reprint_stamp_leaves_the_seller_address_readable(company: CompanySettings) -> None:
    invoice = render_pdf(
        build_content(order(), DocumentKind.INVOICE, "RE-2026-00042", ISSUED, company)
    )
    plain, stamped = _gray_pages(invoice)[0], _gray_pages(stamp_copy(invoice, "de"))[0]
    # the letterhead (seller name and address, top right) is the same with and without the stamp
    px = DPI / 25.4
    width = plain[0]
    for y in range(int(10 * px), int(34 * px)):
        row = slice(y * width + int(115 * px), y * width + int(191 * px))
        assert plain[2][row] == stamped[2][row], f"stamp covers the letterhead at {y / px:.0f} mm"
    assert "KOPIE" in pdf_text(stamp_copy(invoice, "de"))


def test_cjk_and_emoji_are_never_silently_dropped(company: CompanySettings) -> None:
    o = order([line(1, "9.99")])
    o.lines[0].title = "茶杯 Teetasse 🍵"
    text = pdf_text(render_pdf(build_content(o, DocumentKind.INVOICE, "RE-1", ISSUED, company)))
    assert "Teetasse" in text
    assert "茶杯" in text or "\ufffd" in text or "[?]" in text


@pytest.mark.parametrize(
    "sample", ["Bio-Kaffee 250 g", "Łukasz Wójcik", "Ωμέγα Жук", "Kabel ǅ", ""]
)
def test_measured_widths_are_fpdf2s_own(company: CompanySettings, sample: str) -> None:
    """Line wrapping measures text without fpdf2's fragments, and gets the very same widths."""
    from core.documents.layout import Sheet, text_width

    content = build_content(order(), DocumentKind.INVOICE, "RE-2026-00042", ISSUED, company)
    content["lines"][0]["title"] = sample  # 'ǅ' puts the document in the complete face
    pdf = Sheet(content)
    pdf.add_page()
    for size, bold in ((8.5, False), (12, True), (6.5, False)):
        pdf.font(size, bold=bold)
        for text in (
            sample,
            f"{sample} 1.234,56 €",
            f"Seite {pdf.str_alias_nb_pages}",
        ):
            assert text_width(pdf, text) == pdf.get_string_width(text), (text, size, bold)
