"""Rendering: the bytes decode back to exactly what was meant (text, Code128, QR, images)."""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageDraw

from core.config import CupsPrinter, EscposPrinter, FolderPrinter, ZplPrinter
from printers.errors import UnprintableJob
from printers.render import PickLine, PickSlip, prepare, render_pick_slip_escpos
from printers.render.escpos import EscposBuilder
from printers.render.pick_slip import PICK_SLIP_TYPE
from printers.render.testpage import escpos_test_page, pdf_test_page
from printers.render.zpl import image_label, zpl_test_label
from tests.printers.test_label_media import carrier_label
from tests.printers.zpl_decode import decode_label
from tests.support.escpos_decode import barcodes_of, decode, images_of, lines_of, qr_of, stack

SLIP = PickSlip(
    order_ref="302-1234567-7654321",
    lines=(
        PickLine("SKU-SCHRAUBE-8", "Schraubenschlüssel Größe 8 – Übermaß", 2, "A-01-03"),
        PickLine("PL-ZLOTY", "Łódź souvenir mug, żółty", 1, "B-12-01"),
        PickLine("ES-NANDU", "Ñandú plush, pequeño; Øre, Æble, œuvre", 3, "C-02-10"),
    ),
    station="desk-1",
    created_at=datetime(2026, 11, 26, 9, 30, tzinfo=UTC),
)


def picture() -> Image.Image:
    img = Image.new("1", (200, 120), 1)
    draw = ImageDraw.Draw(img)
    draw.rectangle((10, 10, 60, 110), fill=0)
    draw.ellipse((90, 20, 190, 100), fill=0)
    return img


def png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("width_mm, columns", [(80, 48), (58, 32)])
def test_pick_slip_decodes_to_order_lines_and_codes(width_mm: int, columns: int) -> None:
    tokens = decode(render_pick_slip_escpos(SLIP, width_mm=width_mm))
    text = "\n".join(lines_of(tokens))
    assert barcodes_of(tokens) == [SLIP.order_ref]
    assert qr_of(tokens) == [SLIP.order_ref]
    assert "A-01-03   2 x SKU-SCHRAUBE-8" in text
    for word in (
        "Schraubenschlüssel",
        "Größe",
        "Übermaß",
        "Łódź",
        "żółty",
        "Ñandú",
        "Øre",
        "Æble",
        "œuvre",
    ):
        assert word in text, word
    assert "3 lines, 6 items" in text
    assert all(len(line) <= columns for line in lines_of(tokens))
    assert tokens[-1][0] == "CUT"


def test_escpos_test_page_has_name_time_code128_and_qr() -> None:
    now = datetime(2026, 11, 26, 12, 0, 5, tzinfo=UTC)
    tokens = decode(escpos_test_page("receipt-1", now))
    lines = lines_of(tokens)
    assert "Printer: receipt-1" in lines and "2026-11-26 12:00:05" in lines
    assert barcodes_of(tokens) == ["receipt-1"]
    assert qr_of(tokens) == ["packdesk:test:receipt-1"]


def gfa_image(zpl: bytes) -> Image.Image:
    """The label as printed, its ^GFA graphic decoded by zebrafy (tests/printers/zpl_decode.py)."""
    return decode_label(zpl).picture


def test_zpl_test_label_fields() -> None:
    label = zpl_test_label("zebra^1", datetime(2026, 11, 26, tzinfo=UTC)).decode()
    assert label.startswith("^XA^CI28") and label.rstrip().endswith("^XZ")
    assert "^BCN" in label and "^FH^FDzebra_5E1^FS" in label  # ^ in data escaped
    assert "^FH^FDQA,packdesk:test:zebra_5E1^FS" in label
    assert "Grüße aus Köln" in label


def test_image_becomes_zpl_graphic_and_escpos_raster_pixel_exact() -> None:
    img = picture()
    zpl_img = gfa_image(image_label(img))
    assert zpl_img.width == 800  # 100 mm at 8 dots/mm, the picture 1:1 at the top left
    placed = zpl_img.crop((0, 0, *img.size)).convert("L")
    assert ImageChops.difference(placed, img.convert("L")).getbbox() is None
    escpos = prepare("image/png", png(img), EscposPrinter(kind="escpos", host="x"))
    raster = stack(images_of(decode(escpos.payload)))
    assert raster.size == (200, 120)
    assert ImageChops.difference(raster.convert("L"), img.convert("L")).getbbox() is None


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm")
def test_pdf_label_is_rasterised_for_zpl() -> None:
    out = prepare("application/pdf", carrier_label(100, 150), ZplPrinter(kind="zpl", host="x"))
    img = gfa_image(out.payload)
    assert img.width == 799 and img.convert("L").getextrema()[0] == 0  # 100 mm at 203 dpi
    a4 = pdf_test_page("label-1", datetime(2026, 11, 26, tzinfo=UTC))
    with pytest.raises(UnprintableJob, match="210 × 297 mm"):  # an A4 page is no label
        prepare("application/pdf", a4, ZplPrinter(kind="zpl", host="x"))


@pytest.mark.parametrize(
    "content_type, payload, printer, reason",
    [
        ("application/pdf", b"%PDF-1.4\n garbage", CupsPrinter(kind="cups", queue="q"), "damaged"),
        ("application/pdf", b"not a pdf", ZplPrinter(kind="zpl", host="x"), "not a PDF"),
        (
            "image/png",
            b"\x89PNG\r\n\x1a\n broken",
            EscposPrinter(kind="escpos", host="x"),
            "damaged",
        ),
        ("application/zpl", b"hello", ZplPrinter(kind="zpl", host="x"), "no ^XA"),
        ("application/zpl", b"^XA^XZ", EscposPrinter(kind="escpos", host="x"), "route it"),
        (PICK_SLIP_TYPE, b"{", FolderPrinter(kind="folder", path="/tmp"), "damaged"),
    ],
)
def test_unprintable_jobs_say_why(content_type: str, payload: bytes, printer, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnprintableJob, match=re.escape(reason)):
        prepare(content_type, payload, printer)


def test_pick_slip_for_cups_and_folder_is_plain_text() -> None:
    for printer in (CupsPrinter(kind="cups", queue="q"), FolderPrinter(kind="folder", path="/tmp")):
        out = prepare(PICK_SLIP_TYPE, SLIP.to_json(), printer)
        assert out.content_type == "text/plain" and out.extension == "txt"
        assert "Łódź souvenir mug" in out.payload.decode()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_a4_test_page_prints_every_letter() -> None:
    import subprocess

    pdf = pdf_test_page("a4", datetime(2026, 11, 26, tzinfo=UTC))
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Grüße aus Köln · Łódź · Ñandú · Øresund" in text


@given(st.text(max_size=80))
def test_text_runs_encode_exactly_like_one_character_at_a_time(value: str) -> None:
    # The builder encodes whole runs at once (the spool's hot path); the bytes must be the
    # same as encoding each letter alone, code page switches included.
    fast = EscposBuilder(80, "CP858").text(value)
    slow = EscposBuilder(80, "CP858")
    for char in value:
        if char == "\n" or unicodedata.category(char) != "Cc":
            slow.raw(slow._encode_char(char))
    assert bytes(fast) == bytes(slow)
