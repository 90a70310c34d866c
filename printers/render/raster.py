"""PDF and image labels as pictures, for printers that only take raster graphics (ESC/POS, ZPL).

PDF pages are rasterised with pypdfium2 when it is installed, else with poppler's `pdftoppm`
(installed with CUPS). A damaged file raises `UnprintableJob` with a sentence saying so.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from printers.errors import MissingDependency, UnprintableJob


def load_image(payload: bytes) -> Image.Image:
    """Open an image file, failing with a reason if it is damaged."""
    try:
        picture = Image.open(io.BytesIO(payload))
        picture.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UnprintableJob(f"The label image is damaged or not an image ({exc}).") from None
    return picture


def check_pdf(payload: bytes) -> int:
    """Return the page count, or raise `UnprintableJob` if the PDF cannot be read."""
    if not payload.lstrip().startswith(b"%PDF"):
        raise UnprintableJob("The file is not a PDF (it does not start with %PDF).")
    try:
        reader = PdfReader(io.BytesIO(payload), strict=False)
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018 - touching it parses the page tree
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnprintableJob(f"The PDF is damaged and cannot be printed ({exc}).") from None
    if pages == 0:
        raise UnprintableJob("The PDF has no pages.")
    return pages


def pdf_pages(payload: bytes, dpi: int) -> list[Image.Image]:
    """Every page of a PDF as a grayscale image at `dpi`."""
    check_pdf(payload)
    try:
        import pypdfium2
    except ImportError:
        return _pdftoppm(payload, dpi)
    try:
        document = pypdfium2.PdfDocument(payload)
        return [page.render(scale=dpi / 72).to_pil().convert("L") for page in document]
    except Exception as exc:  # pdfium raises its own error types
        raise UnprintableJob(f"The PDF is damaged and cannot be printed ({exc}).") from None


def _pdftoppm(payload: bytes, dpi: int) -> list[Image.Image]:
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise MissingDependency(
            "Printing PDF labels on a label or receipt printer needs pypdfium2 "
            "(pip install pypdfium2) or poppler's pdftoppm (apt install poppler-utils)."
        )
    with tempfile.TemporaryDirectory(prefix="packdesk-raster-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(payload)
        done = subprocess.run(
            [exe, "-r", str(dpi), "-gray", "-png", str(source), str(Path(tmp) / "page")],
            capture_output=True,
            timeout=60,
            check=False,
        )
        pages = sorted(Path(tmp).glob("page*.png"))
        if done.returncode != 0 or not pages:
            reason = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no pages"]
            raise UnprintableJob(f"The PDF is damaged and cannot be printed ({reason[0]}).")
        images = []
        for path in pages:
            with Image.open(path) as page:
                images.append(page.convert("L"))
        return images


def document_pictures(payload: bytes, content_type: str, dpi: int) -> list[Image.Image]:
    """The pictures to print for a PDF or image document."""
    if content_type == "application/pdf":
        return pdf_pages(payload, dpi)
    return [load_image(payload)]
