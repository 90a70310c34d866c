"""A small ESC/POS decoder for tests: bytes back to text, barcodes, QR payloads and images.

Independent of the encoder in printers/render: code pages come from Epson's ESC t table, commands
from the ESC/POS reference. Tokens are (name, value) pairs; `text_of` and friends pick them out.
"""

from __future__ import annotations

from typing import Any

from PIL import Image

# Epson ESC t n → Python codec (the pages Packdesk may switch to, plus the common others).
CODEPAGES = {
    0: "cp437",
    2: "cp850",
    3: "cp860",
    4: "cp863",
    5: "cp865",
    16: "cp1252",
    17: "cp866",
    18: "cp852",
    19: "cp858",
}
ONE_ARG_ESC = {
    0x21: "ESC !",
    0x45: "ESC E",
    0x2D: "ESC -",
    0x61: "ESC a",
    0x64: "ESC d",
    0x4D: "ESC M",
    0x47: "ESC G",
    0x33: "ESC 3",
    0x4A: "ESC J",
    0x74: "ESC t",
    0x72: "ESC r",
    0x7B: "ESC {",
    0x56: "ESC V",
    0x52: "ESC R",
}
ONE_ARG_GS = {
    0x68: "GS h",
    0x77: "GS w",
    0x66: "GS f",
    0x48: "GS H",
    0x21: "GS !",
    0x42: "GS B",
    0x62: "GS b",
}

Token = tuple[str, Any]


def _raster(buf: bytes, width: int, height: int) -> Image.Image:
    """1 bit per dot, MSB first, 1 = black; PIL mode "1" has 0 = black."""
    return Image.frombytes("1", (width, height), bytes(0xFF ^ x for x in buf))


def decode(data: bytes) -> list[Token]:
    out: list[Token] = []
    text = bytearray()
    codec = "cp437"
    i, n = 0, len(data)

    def flush() -> None:
        if text:
            out.append(("TEXT", bytes(text).decode(codec, "replace")))
            text.clear()

    while i < n:
        b = data[i]
        if b == 0x1B and i + 1 < n:
            c = data[i + 1]
            if c == 0x74:  # code page switch does not break a text run
                out.append(("ESC t", data[i + 2]))
                if text:
                    out.append(("TEXT", bytes(text).decode(codec, "replace")))
                    text.clear()
                codec = CODEPAGES.get(data[i + 2], "cp437")
                i += 3
                continue
            flush()
            if c == 0x40:
                out.append(("ESC @", None))
                codec = "cp437"
                i += 2
            elif c in ONE_ARG_ESC:
                out.append((ONE_ARG_ESC[c], data[i + 2]))
                i += 3
            elif c == 0x70:
                out.append(("ESC p", data[i + 2 : i + 5]))
                i += 5
            else:
                out.append(("ESC ?", c))
                i += 2
        elif b == 0x1D and i + 1 < n:
            flush()
            c = data[i + 1]
            if c == 0x56:
                m = data[i + 2]
                if m in (65, 66, 97, 98, 103, 104):
                    out.append(("CUT", (m, data[i + 3])))
                    i += 4
                else:
                    out.append(("CUT", (m,)))
                    i += 3
            elif c in ONE_ARG_GS:
                out.append((ONE_ARG_GS[c], data[i + 2]))
                i += 3
            elif c == 0x6B:  # GS k: barcode
                m = data[i + 2]
                if m <= 6:
                    end = data.index(0, i + 3)
                    out.append(("BARCODE", (m, data[i + 3 : end].decode("ascii"))))
                    i = end + 1
                else:
                    ln = data[i + 3]
                    raw = data[i + 4 : i + 4 + ln].decode("ascii")
                    if m == 73 and raw[:1] == "{":  # Code128: drop the code set, unescape "{{"
                        raw = raw[2:].replace("{{", "{")
                    out.append(("BARCODE", (m, raw)))
                    i += 4 + ln
            elif c == 0x28 and data[i + 2] in (0x6B, 0x4C):  # GS ( k / GS ( L
                ln = data[i + 3] | data[i + 4] << 8
                body = data[i + 5 : i + 5 + ln]
                if data[i + 2] == 0x6B and body[:2] == b"1P":
                    out.append(("QR_DATA", body[3:].decode("utf-8", "replace")))
                elif data[i + 2] == 0x6B and body[:2] == b"1C":
                    out.append(("QR_SIZE", body[2]))
                elif data[i + 2] == 0x6B and body[:2] == b"1Q":
                    out.append(("QR_PRINT", None))
                else:
                    out.append(("GS ( k" if data[i + 2] == 0x6B else "GS ( L", body))
                i += 5 + ln
            elif c == 0x76 and data[i + 2] == 0x30:  # GS v 0: raster image
                xb = data[i + 4] | data[i + 5] << 8
                h = data[i + 6] | data[i + 7] << 8
                out.append(("IMAGE", _raster(data[i + 8 : i + 8 + xb * h], xb * 8, h)))
                i += 8 + xb * h
            else:
                out.append(("GS ?", c))
                i += 2
        elif b == 0x10 and i + 2 < n and data[i + 1] == 0x04:
            flush()
            out.append(("DLE EOT", data[i + 2]))
            i += 3
        elif b == 0x0A:
            flush()
            out.append(("LF", None))
            i += 1
        else:
            text.append(b)
            i += 1
    flush()
    return out


def lines_of(tokens: list[Token]) -> list[str]:
    """The printed text, one string per line (code page switches joined back together)."""
    lines, current = [], ""
    for name, value in tokens:
        if name == "TEXT":
            current += value
        elif name == "LF":
            lines.append(current)
            current = ""
    if current:
        lines.append(current)
    return lines


def barcodes_of(tokens: list[Token]) -> list[str]:
    return [value[1] for name, value in tokens if name == "BARCODE"]


def qr_of(tokens: list[Token]) -> list[str]:
    return [value for name, value in tokens if name == "QR_DATA"]


def images_of(tokens: list[Token]) -> list[Image.Image]:
    return [value for name, value in tokens if name == "IMAGE"]


def stack(images: list[Image.Image]) -> Image.Image:
    """Bands of one picture, one under the other."""
    width = max(im.width for im in images)
    out = Image.new("1", (width, sum(im.height for im in images)), 1)
    top = 0
    for im in images:
        out.paste(im, (0, top))
        top += im.height
    return out
