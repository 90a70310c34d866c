"""Read a ZPL label back for tests with code that is not ours: zebrafy decodes every ^GFA graphic.

The printer layer writes ^GFA graphics (Z64: zlib + base64 + CRC); decoding them with our own
reader would only prove that our writer and our reader agree. zebrafy (test extra) checks the CRC,
inflates, and turns the bits into a picture; this module only reads the label's size (^PW, ^LL)
and where each graphic sits (^FO), and pastes the graphics onto a white label the printer's size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image
from zebrafy import ZebrafyZPL

PLACED_GRAPHIC = re.compile(rb"\^FO(\d+),(\d+)\^GF[ABC]?,\d+,\d+,\d+,([^^]*)")


@dataclass
class DecodedLabel:
    width: int  # ^PW, dots
    length: int  # ^LL, dots
    picture: Image.Image  # the label as printed: graphics placed at their ^FO, white elsewhere
    graphic_bytes: int  # size of the graphic data as sent (to see compression)


def decode_label(zpl: bytes) -> DecodedLabel:
    width = int(re.search(rb"\^PW(\d+)", zpl)[1])  # type: ignore[index]
    length = int(re.search(rb"\^LL(\d+)", zpl)[1])  # type: ignore[index]
    placed = PLACED_GRAPHIC.findall(zpl)
    graphics = ZebrafyZPL(zpl.decode("ascii")).to_images()  # raises on a bad CRC or data
    assert len(graphics) == len(placed), "every graphic needs its ^FO"
    page = Image.new("1", (width, length), 1)
    for (x, y, _), graphic in zip(placed, graphics, strict=True):
        page.paste(graphic.convert("1"), (int(x), int(y)))
    return DecodedLabel(width, length, page, sum(len(data) for _, _, data in placed))
