"""CJK and emoji in buyer names and titles are printed, in a fallback font, not just marked.

Issue 12: '山田太郎' on an invoice came out as '\ufffd\ufffd\ufffd\ufffd'. The fonts are Debian's
fonts-droid-fallback (CJK) and fonts-symbola (emoji), found at `documents.fallback_fonts`.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.config import CompanySettings, DocumentSettings
from core.documents import fonts
from core.documents.content import build_content
from core.documents.render import render_pdf
from core.domain.documents import DocumentKind
from tests.documents.samples import ISSUED, line, order, pdf_text

DEFAULTS = DocumentSettings().fallback_fonts


def _need_fonts() -> None:
    missing = [str(p) for p in DEFAULTS if not p.is_file()]
    if missing:  # .ci/run installs them; a skip fails CI
        pytest.skip(f"fallback fonts not installed: {', '.join(missing)}")


def _invoice(
    company: CompanySettings, name: str = "山田太郎", title: str = "茶杯 Teetasse 🍵"
) -> bytes:
    o = order([line(1, "9.99")], name=name)
    o.lines[0].title = title
    return render_pdf(build_content(o, DocumentKind.INVOICE, "RE-2026-00077", ISSUED, company))


def test_a_japanese_buyer_name_and_an_emoji_are_printed(company: CompanySettings) -> None:
    _need_fonts()
    pdf = _invoice(company)
    text = pdf_text(pdf)
    assert "山田太郎" in text
    assert "茶杯 Teetasse" in text and "🍵" in text
    assert "\ufffd" not in text
    if shutil.which("pdftotext"):  # poppler reads it back the same way
        out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
        assert "山田太郎" in out.stdout.decode()
    embedded = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            embedded.add(str(font.get_object()["/BaseFont"]))
    assert any("Droid" in f for f in embedded) and any("Symbola" in f for f in embedded)


def test_latin_documents_do_not_carry_the_fallback_fonts(company: CompanySettings) -> None:
    _need_fonts()
    pdf = _invoice(company, name="Jürgen Groß", title="Teetasse")
    names = {
        str(f.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(pdf)).pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert not any("Droid" in n or "Symbola" in n for n in names)


def test_without_the_fallback_fonts_the_characters_are_marked_and_the_owner_told(
    company: CompanySettings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING), fonts.fallback_fonts([tmp_path / "none.ttf"]):
        text = pdf_text(_invoice(company))
    assert "\ufffd\ufffd\ufffd\ufffd" in text  # visible, never a silent gap
    assert "documents.fallback_fonts" in caplog.text and "none.ttf" in caplog.text
