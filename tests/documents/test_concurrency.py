"""Renders that run at the same time share nothing: each PDF is valid and equal to a serial one."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.config import CompanySettings
from core.documents.content import build_content
from core.documents.integrity import DamagedDocument, check_pdf
from core.documents.render import render_pdf
from core.domain.documents import DocumentKind
from tests.documents.samples import ISSUED, line, order

RENDERS = 50


def _contents(company: CompanySettings) -> list[dict]:  # type: ignore[type-arg]
    out = []
    for n in range(RENDERS):
        # Two font sets (trimmed and complete: 'ǅ' is outside the trimmed ranges) and page counts.
        title = "Kabel ǅ" if n % 5 == 0 else "Kabel"
        lines = [line(i, "9.99") for i in range(1, 2 + (n % 4) * 15)]
        for ln in lines:
            ln.title = f"{title} {ln.id}"
        kind = DocumentKind.DELIVERY_NOTE if n % 7 == 0 else DocumentKind.INVOICE
        out.append(build_content(order(lines), kind, f"RE-2026-{n:05d}", ISSUED, company))
    return out


def _check_bytes(data: bytes) -> None:
    """qpdf finds no structural error and pdffonts lists every font as embedded."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        Path(f.name).write_bytes(data)
        check = subprocess.run(["qpdf", "--check", f.name], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True)
        rows = fonts.stdout.splitlines()[2:]
        assert rows, fonts.stdout
        for row in rows:
            assert row.split()[-5] == "yes", fonts.stdout  # the "emb" column
        assert not fonts.stderr, fonts.stderr


needs_tools = pytest.mark.skipif(
    not (shutil.which("qpdf") and shutil.which("pdffonts")), reason="qpdf/poppler not installed"
)


@needs_tools
def test_fifty_renders_in_threads_equal_the_serial_ones(company: CompanySettings) -> None:
    contents = _contents(company)
    with ThreadPoolExecutor(max_workers=RENDERS) as pool:
        parallel = list(pool.map(render_pdf, contents))
    serial = [render_pdf(c) for c in contents]
    for data in parallel:
        _check_bytes(data)
    assert parallel == serial


async def test_fifty_renders_through_to_thread_as_the_worker_does(
    company: CompanySettings,
) -> None:
    contents = _contents(company)
    parallel = await asyncio.gather(*(asyncio.to_thread(render_pdf, c) for c in contents))
    assert list(parallel) == [render_pdf(c) for c in contents]


def _dates_inside(data: bytes) -> set[str]:
    """Every timestamp the PDF carries: info dictionary, attachment parameters, XMP metadata."""
    reader = PdfReader(io.BytesIO(data))
    found: set[str] = set()
    info = reader.trailer.get("/Info", {})
    found |= {str(info[k])[2:16] for k in ("/CreationDate", "/ModDate") if k in info}
    names = reader.trailer["/Root"].get("/Names")
    if names is not None:
        files = names.get_object()["/EmbeddedFiles"].get_object()["/Names"]
        for spec in files[1::2]:
            params = spec.get_object()["/EF"]["/F"].get_object().get("/Params", {})
            if "/ModDate" in params:
                found.add(str(params["/ModDate"])[2:16])
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    for stamp in re.findall(r"(?:Date>|Date=\")(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)", xmp):
        found.add(stamp.replace("-", "").replace("T", "").replace(":", ""))
    return found


@pytest.mark.parametrize("kind", [DocumentKind.INVOICE, DocumentKind.DELIVERY_NOTE])
def test_dates_inside_the_pdf_are_the_documents_not_the_clock(
    company: CompanySettings, kind: DocumentKind
) -> None:
    content = build_content(order(), kind, "RE-2026-00042", ISSUED, company)
    assert _dates_inside(render_pdf(content)) == {ISSUED.strftime("%Y%m%d%H%M%S")}


def _damaged(data: bytes) -> bytes:
    """The corruption seen in production: the descriptor's font file points at a dictionary."""
    reader = PdfReader(io.BytesIO(data))
    font = reader.pages[0]["/Resources"]["/Font"]["/F1"].get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    wrong = descriptor.raw_get("/FontFile2").idnum
    other = font["/DescendantFonts"][0].get_object().raw_get("/CIDSystemInfo").idnum
    before = f"/FontFile2 {wrong} 0 R"
    after = f"/FontFile2 {other} 0 R".ljust(len(before))  # same length: the xref stays right
    return data.replace(before.encode(), after.encode())


def test_a_damaged_rendering_is_refused(company: CompanySettings) -> None:
    content = build_content(order(), DocumentKind.INVOICE, "RE-2026-00042", ISSUED, company)
    good = render_pdf(content)
    check_pdf(good, e_invoice=True)
    with pytest.raises(DamagedDocument, match="wrong type"):
        check_pdf(_damaged(good), e_invoice=True)
    with pytest.raises(DamagedDocument, match=r"factur-x\.xml"):
        check_pdf(render_pdf({**content, "kind": "delivery_note"}), e_invoice=True)
    with pytest.raises(DamagedDocument):
        check_pdf(good[: len(good) // 2], e_invoice=True)
