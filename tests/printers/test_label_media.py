"""Labels the size the carrier made them: placed 1:1 on the printer's media, never shrunk.

A DHL 103×199 mm label and a 4×6 in label, rendered at 203 and 300 dpi, decoded back (the ZPL
parsed, its ^GFA graphic decoded by zebrafy, not by our code, the tracking barcode read by
zbarimg) with nothing cut off, both as rendered and as a Zebra on the wire received them.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import barcode
import pytest
from fpdf import FPDF
from PIL import Image

from core.config import ZplPrinter
from core.persistence.models import PrintJobRow
from core.ports import PrintRequest
from printers import Spool
from printers.errors import UnprintableJob
from printers.render import prepare
from printers.render.media import parse_label_size
from tests.printers.conftest import make_settings
from tests.printers.sink import Sink
from tests.printers.zpl_decode import decode_label

TRACKING = "JJD000390007713399520"
needs_zbar = pytest.mark.skipif(shutil.which("zbarimg") is None, reason="needs zbar-tools")


def carrier_label(width_mm: float, height_mm: float) -> bytes:
    """A label PDF as a carrier sends it: a frame at the very edge, a Code128 tracking code."""
    pdf = FPDF(unit="mm", format=(width_mm, height_mm))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_line_width(1.0)
    pdf.rect(0.5, 0.5, width_mm - 1, height_mm - 1)  # cut off anywhere and a side goes missing
    module, x = 0.5, 8.0
    bits = barcode.get("code128", TRACKING).build()[0]
    for i, bit in enumerate(bits):
        if bit == "1":
            pdf.rect(x + i * module, height_mm - 60, module, 30, style="F")
    return bytes(pdf.output())


def zbar(picture: Image.Image) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "label.png"
        picture.convert("L").save(path)
        out = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Scode128.enable", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
    return out.stdout.split()


def frame_complete(picture: Image.Image) -> bool:
    """Black dots along all four edges of the label (within 1.5 mm)."""
    gray = picture.convert("L")
    w, h = gray.size
    band = max(2, round(w / 100 * 1.5))
    edges = [
        gray.crop((0, 0, w, band)),
        gray.crop((0, h - band, w, h)),
        gray.crop((0, 0, band, h)),
        gray.crop((w - band, 0, w, h)),
    ]
    return all(edge.getextrema()[0] == 0 for edge in edges)


@needs_zbar
@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize(
    ("size", "label_mm"), [("103x199mm", (103, 199)), ("4x6in", (101.6, 152.4))]
)
def test_label_prints_1_to_1_and_scans(dpi: int, size: str, label_mm: tuple[float, float]) -> None:
    printer = ZplPrinter(kind="zpl", host="x", dpi=dpi, label_size=size)  # type: ignore[arg-type]
    out = prepare("application/pdf", carrier_label(*label_mm), printer)
    label = decode_label(out.payload)
    media = parse_label_size(size).dots(dpi)
    assert (label.width, label.length) == media
    assert abs(label.width - round(label_mm[0] / 25.4 * dpi)) <= 1  # 1:1, not scaled to fit
    assert frame_complete(label.picture)
    assert zbar(label.picture) == [TRACKING]
    raw_hex = label.picture.width * label.picture.height // 4
    assert label.graphic_bytes < raw_hex / 10  # compressed ^GFA, not hundreds of KB of hex
    assert b":Z64:" in out.payload


def test_label_bigger_than_the_media_is_an_error_not_a_shrink() -> None:
    printer = ZplPrinter(kind="zpl", host="x", dpi=203, label_size="100x150mm")  # type: ignore[arg-type]
    with pytest.raises(UnprintableJob, match=r"103 × 199 mm.*100 × 150 mm"):
        prepare("application/pdf", carrier_label(103, 199), printer)


def test_label_sizes_parse() -> None:
    assert parse_label_size("4x6in").dots(203) == (812, 1218)
    assert parse_label_size("100x150mm").dots(300) == (1181, 1772)
    with pytest.raises(ValueError, match="label_size"):
        parse_label_size("A6")


@pytest.mark.parametrize(
    ("media", "asked"),
    [(("zpl", 203), ("ZPL", 203)), (("zpl", 300), ("ZPL", 300)), (("cups", 0), ("PDF", None))],
)
def test_amazon_label_is_bought_in_the_label_printers_language(
    media: tuple[str, int], asked: tuple[str, int | None]
) -> None:
    from core.carriers.amazon_buy_shipping import AmazonBuyShipping

    carrier = AmazonBuyShipping(None, label_media=lambda station: media)  # type: ignore[arg-type]
    document = carrier.document_for("d1")
    assert (document["format"], document.get("dpi")) == asked


@needs_zbar
@pytest.mark.network
async def test_the_label_bytes_a_zebra_received_scan(db: str, sink: Sink) -> None:
    # What reached the printer (not what the renderer returned), decoded by zebrafy, read by zbar.
    settings = make_settings(
        {"zebra": {"kind": "zpl", "host": sink.host, "port": sink.port, "status_query": False,
                   "dpi": 203, "label_size": "103x199mm"}},
        {"label": "zebra"},
    )  # fmt: skip
    spool = Spool(settings)
    pdf = carrier_label(103, 199)
    job_id = await spool.submit(
        PrintRequest("desk-1", "label", "Label 1", "application/pdf", pdf, "label:1")
    )
    await spool.worker("zebra").drain()
    assert (await PrintJobRow.get(id=job_id)).status == "done"
    [received] = sink.jobs
    label = decode_label(received)
    assert (label.width, label.length) == parse_label_size("103x199mm").dots(203)
    assert frame_complete(label.picture) and zbar(label.picture) == [TRACKING]
