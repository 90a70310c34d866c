"""Read a ZPL label back for tests: ^PW/^LL, every ^GFA graphic (hex, Z64 or B64) as a picture."""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from dataclasses import dataclass

from PIL import Image

GFA = re.compile(
    rb"\^FO(\d+),(\d+)\^GFA,(\d+),(\d+),(\d+),(:Z64:|:B64:)?([^:^]+)(?::([0-9A-Fa-f]{4}))?"
)


@dataclass
class DecodedLabel:
    width: int  # ^PW, dots
    length: int  # ^LL, dots
    picture: Image.Image  # the label as printed: graphics placed at their ^FO, white elsewhere
    graphic_bytes: int  # size of the graphic data as sent (to see compression)


def decode_label(zpl: bytes) -> DecodedLabel:
    width = int(re.search(rb"\^PW(\d+)", zpl)[1])  # type: ignore[index]
    length = int(re.search(rb"\^LL(\d+)", zpl)[1])  # type: ignore[index]
    page = Image.new("1", (width, length), 1)
    sent = 0
    for m in GFA.finditer(zpl):
        x, y, total, row = int(m[1]), int(m[2]), int(m[3]), int(m[5])
        encoded = m[7]
        sent += len(encoded)
        if m[6] is None:
            data = bytes.fromhex(encoded.decode())
        else:
            assert m[8] is not None, "Z64/B64 data needs its CRC"
            assert int(m[8], 16) == binascii.crc_hqx(encoded, 0), "CRC does not match"
            data = base64.b64decode(encoded)
            if m[6] == b":Z64:":
                data = zlib.decompress(data)
        assert len(data) == total, "graphic byte count does not match ^GFA's"
        graphic = Image.frombytes("1", (row * 8, total // row), bytes(0xFF ^ b for b in data))
        page.paste(graphic, (x, y))
    return DecodedLabel(width, length, page, sent)
