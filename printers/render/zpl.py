"""ZPL for 100×150 mm labels: a test label, field escaping, and images as ^GFA graphics."""

from __future__ import annotations

import base64
import binascii
import zlib
from datetime import datetime

from PIL import Image

LABEL_MM = (100, 150)


def dots_per_mm(dpi: int) -> int:
    return {203: 8, 300: 12, 600: 24}.get(dpi, 8)


def label_dots(dpi: int) -> tuple[int, int]:
    per_mm = dots_per_mm(dpi)
    return LABEL_MM[0] * per_mm, LABEL_MM[1] * per_mm


def z64(data: bytes) -> str:
    """ZPL's compressed graphic data: ":Z64:" + base64(zlib(data)) + ":" + CRC-16 (CCITT) of
    the base64 text. A 100×150 mm label is a few KB instead of 240–540 KB of hex."""
    encoded = base64.b64encode(zlib.compress(data, 9))
    return f":Z64:{encoded.decode('ascii')}:{binascii.crc_hqx(encoded, 0):04X}"


def field(text: str, prefix: str = "") -> str:
    """A ^FD field that survives ^ and ~ in the data (^FH hex escapes), UTF-8 under ^CI28.

    `prefix` goes in unescaped (the QR's "QA," mode switch).
    """
    escaped = "".join(f"_{ord(c):02X}" if c in "^~_" else c for c in text)
    return f"^FH^FD{prefix}{escaped}^FS"


def is_zpl(payload: bytes) -> bool:
    head = payload.lstrip()[:4096].upper()
    return b"^XA" in head


def zpl_test_label(name: str, now: datetime, dpi: int = 203) -> bytes:
    """A test label: printer name, time, a Code128 and a QR code."""
    width, height = label_dots(dpi)
    scale = dots_per_mm(dpi) / 8

    def d(value: float) -> int:
        return round(value * scale)

    parts = [
        "^XA^CI28",
        f"^PW{width}^LL{height}^LH0,0",
        f"^FO{d(40)},{d(40)}^A0N,{d(60)},{d(60)}" + field("Packdesk test label"),
        f"^FO{d(40)},{d(120)}^A0N,{d(40)},{d(40)}" + field(f"Printer: {name}"),
        f"^FO{d(40)},{d(170)}^A0N,{d(40)},{d(40)}" + field(now.strftime("%Y-%m-%d %H:%M:%S")),
        f"^FO{d(40)},{d(220)}^A0N,{d(32)},{d(32)}" + field("Grüße aus Köln · Łódź · Ñandú"),
        f"^FO{d(40)},{d(280)}^GB{width - d(80)},3,3^FS",
        f"^FO{d(60)},{d(320)}^BY3^BCN,{d(160)},Y,N,N" + field(name),
        f"^FO{d(60)},{d(580)}^BQN,2,{min(10, d(8))}" + field(f"packdesk:test:{name}", prefix="QA,"),
        "^XZ",
    ]
    return "\n".join(parts).encode("utf-8")


def image_label(
    picture: Image.Image, dpi: int = 203, media: tuple[int, int] | None = None
) -> bytes:
    """One label showing `picture` 1:1 (one pixel, one dot) as a compressed ^GFA graphic.

    `media` is the label's size in dots (^PW, ^LL); the caller checked that the picture fits.
    """
    width, height = media or label_dots(dpi)
    mono = picture.convert("L").point(lambda v: 255 if v > 127 else 0, mode="1")
    row_bytes = (mono.width + 7) // 8
    canvas = Image.new("1", (row_bytes * 8, mono.height), 1)
    canvas.paste(mono, (0, 0))
    data = bytes(0xFF ^ b for b in canvas.tobytes())  # ZPL: 1 = black dot
    total = len(data)
    return (
        f"^XA^PW{width}^LL{height}^LH0,0^FO0,0^GFA,{total},{total},{row_bytes},{z64(data)}^FS^XZ\n"
    ).encode("ascii")
