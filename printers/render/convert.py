"""From what was submitted to what this printer understands: the one place that decides.

| submitted            | ESC/POS            | ZPL               | CUPS queue          | folder  |
|----------------------|--------------------|-------------------|---------------------|---------|
| ESC/POS bytes        | as is              | refused           | raw                 | .bin    |
| ZPL                  | refused            | as is             | raw                 | .zpl    |
| PDF / PNG / JPEG     | rasterised, GS v 0 | rasterised, ^GFA  | as is               | as is   |
| pick slip (JSON)     | rendered to width  | refused           | plain text          | .txt    |
| plain text           | printed as text    | refused           | as is               | .txt    |
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from core.config import CupsPrinter, EscposPrinter, FolderPrinter, ZplPrinter
from printers.errors import UnprintableJob
from printers.render import zpl
from printers.render.escpos import EscposBuilder
from printers.render.media import IMAGE_TYPES, Media, parse_label_size, size_mm
from printers.render.pick_slip import (
    PICK_SLIP_TYPE,
    PickSlip,
    render_pick_slip_escpos,
    render_pick_slip_text,
)
from printers.render.raster import check_pdf, document_pictures

PrinterSettings = EscposPrinter | ZplPrinter | CupsPrinter | FolderPrinter

ESCPOS_TYPE = "application/vnd.escpos"
ZPL_TYPE = "application/zpl"
RAW_TYPE = "application/vnd.cups-raw"
ALIASES = {
    "application/x-zpl": ZPL_TYPE,
    "text/zpl": ZPL_TYPE,
    "application/x-escpos": ESCPOS_TYPE,
    "image/jpg": "image/jpeg",
}
EXTENSIONS = {
    ESCPOS_TYPE: "bin",
    ZPL_TYPE: "zpl",
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/bmp": "bmp",
    "text/plain": "txt",
}


@dataclass(frozen=True)
class Prepared:
    """Bytes ready for a transport, with the type the transport announces and a file extension."""

    payload: bytes
    content_type: str
    extension: str


def normalise(content_type: str) -> str:
    base = content_type.split(";", 1)[0].strip().lower()
    return ALIASES.get(base, base)


def _refuse(what: str, printer: str, hint: str) -> UnprintableJob:
    return UnprintableJob(f"{what} cannot be printed on {printer} — {hint}.")


def _pick_slip(payload: bytes) -> PickSlip:
    try:
        return PickSlip.from_json(payload)
    except (ValueError, KeyError, TypeError) as exc:
        raise UnprintableJob(f"The pick slip data is damaged ({exc}).") from None


def prepare(content_type: str, payload: bytes, printer: PrinterSettings) -> Prepared:
    """Render or convert `payload` for `printer`; raises `UnprintableJob` with the reason."""
    kind = normalise(content_type)
    if isinstance(printer, EscposPrinter):
        return _for_escpos(kind, payload, printer)
    if isinstance(printer, ZplPrinter):
        return _for_zpl(kind, payload, printer)
    if isinstance(printer, CupsPrinter):
        return _for_cups(kind, payload)
    return _for_folder(kind, payload)


def _for_escpos(kind: str, payload: bytes, printer: EscposPrinter) -> Prepared:
    if kind == ESCPOS_TYPE:
        return Prepared(payload, kind, "bin")
    if kind == PICK_SLIP_TYPE:
        data = render_pick_slip_escpos(_pick_slip(payload), printer.width_mm, printer.codepage)
        return Prepared(data, ESCPOS_TYPE, "bin")
    if kind == "text/plain":
        doc = EscposBuilder(printer.width_mm, printer.codepage)
        doc.text(payload.decode("utf-8", "replace")).feed(3).cut()
        return Prepared(bytes(doc), ESCPOS_TYPE, "bin")
    if kind == "application/pdf" or kind in IMAGE_TYPES:
        doc = EscposBuilder(printer.width_mm, printer.codepage)
        for picture in document_pictures(payload, kind, dpi=203):
            doc.image(picture).feed(2).cut()
        return Prepared(bytes(doc), ESCPOS_TYPE, "bin")
    raise _refuse(_label(kind), "a receipt printer", "route it to a label or CUPS printer")


def _for_zpl(kind: str, payload: bytes, printer: ZplPrinter) -> Prepared:
    if kind == ZPL_TYPE:
        if not zpl.is_zpl(payload):
            raise UnprintableJob("The ZPL label is damaged: it has no ^XA start command.")
        return Prepared(payload, ZPL_TYPE, "zpl")
    if kind == "application/pdf" or kind in IMAGE_TYPES:
        media = parse_label_size(printer.label_size)
        pictures = [
            _on_media(p, media, printer.dpi)
            for p in document_pictures(payload, kind, dpi=printer.dpi)
        ]
        dots = media.dots(printer.dpi)
        data = b"".join(zpl.image_label(p, printer.dpi, dots) for p in pictures)
        return Prepared(data, ZPL_TYPE, "zpl")
    raise _refuse(_label(kind), "a ZPL label printer", "route it to a receipt or CUPS printer")


def _on_media(picture: Image.Image, media: Media, dpi: int) -> Image.Image:
    """The picture as it goes on the label, 1:1: turned if only that fits, never shrunk."""
    if media.fits(picture.size, dpi):
        return picture
    turned = picture.rotate(90, expand=True)
    if media.fits(turned.size, dpi):
        return turned
    raise UnprintableJob(
        f"The label is {size_mm(picture.size, dpi)} but the printer has {media} labels — "
        "load the carrier's label size and set label_size, or route it to a printer that has it."
    )


def _for_cups(kind: str, payload: bytes) -> Prepared:
    if kind == "application/pdf":
        check_pdf(payload)
        return Prepared(payload, kind, "pdf")
    if kind in (ZPL_TYPE, ESCPOS_TYPE):
        return Prepared(payload, RAW_TYPE, EXTENSIONS[kind])
    if kind == PICK_SLIP_TYPE:
        return Prepared(render_pick_slip_text(_pick_slip(payload)).encode(), "text/plain", "txt")
    if kind in IMAGE_TYPES or kind == "text/plain":
        return Prepared(payload, kind, EXTENSIONS[kind])
    raise _refuse(_label(kind), "a CUPS printer", "convert it to PDF first")


def _for_folder(kind: str, payload: bytes) -> Prepared:
    if kind == PICK_SLIP_TYPE:
        return Prepared(render_pick_slip_text(_pick_slip(payload)).encode(), "text/plain", "txt")
    if kind == "application/pdf":
        check_pdf(payload)
    return Prepared(payload, kind, EXTENSIONS.get(kind, "bin"))


def _label(kind: str) -> str:
    names = {
        ZPL_TYPE: "A ZPL label",
        ESCPOS_TYPE: "An ESC/POS receipt",
        PICK_SLIP_TYPE: "A pick slip",
        "text/plain": "Plain text",
    }
    return names.get(kind, f"A {kind} document")
