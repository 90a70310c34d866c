"""A small ESC/POS byte builder: text in the right code page, Code128, QR, raster images, cut.

Own code instead of python-escpos' printer classes because it is typed, deterministic and emits no
redundant commands; the bytes are the Epson ESC/POS subset that TM-T88-class printers understand.
Text is encoded per character: the configured code page first, then the others that hold the
letter (ESC t switches), so "Grüße", "Łódź" and "Ñandú" print right; what no page holds loses
its accent rather than becoming garbage.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from PIL import Image  # for pictures only: receipts and pick slips print without Pillow

ESC, GS, DLE = b"\x1b", b"\x1d", b"\x10"

# Epson ESC t numbers → Python codecs. Order of the fallbacks matters: Western first.
CODEPAGES: dict[str, tuple[int, str]] = {
    "CP437": (0, "cp437"),
    "CP850": (2, "cp850"),
    "CP860": (3, "cp860"),
    "CP863": (4, "cp863"),
    "CP865": (5, "cp865"),
    "CP1252": (16, "cp1252"),
    "CP866": (17, "cp866"),
    "CP852": (18, "cp852"),
    "CP858": (19, "cp858"),
}
FALLBACK_ORDER = ("CP858", "CP852", "CP1252", "CP866", "CP437")

PAPER = {80: (48, 576), 58: (32, 384)}  # width_mm → (characters per line in font A, dots)

Align = Literal["left", "center", "right"]


def paper_columns(width_mm: int) -> int:
    return PAPER[width_mm][0]


def paper_dots(width_mm: int) -> int:
    return PAPER[width_mm][1]


class EscposBuilder:
    """Collects ESC/POS commands; `bytes()` gives the stream to send."""

    def __init__(self, width_mm: int = 80, codepage: str = "CP858") -> None:
        if width_mm not in PAPER:
            raise ValueError(f"paper width {width_mm} mm is not supported (58 or 80)")
        key = codepage.upper().replace("-", "")
        if key not in CODEPAGES:
            raise ValueError(f"code page {codepage!r} unknown; use one of {', '.join(CODEPAGES)}")
        self.width_mm = width_mm
        self.columns, self.dots = PAPER[width_mm]
        self._preferred = key
        self._current = key
        self._out = bytearray()
        self._out += ESC + b"@" + ESC + b"t" + bytes([CODEPAGES[key][0]])

    def __bytes__(self) -> bytes:
        return bytes(self._out)

    def raw(self, data: bytes) -> EscposBuilder:
        self._out += data
        return self

    def _encode_char(self, char: str) -> bytes:
        for name in (self._current, self._preferred, *FALLBACK_ORDER):
            try:
                encoded = char.encode(CODEPAGES[name][1])
            except UnicodeEncodeError:
                continue
            if name != self._current:
                self._current = name
                return ESC + b"t" + bytes([CODEPAGES[name][0]]) + encoded
            return encoded
        plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore")
        return plain or b"?"

    def text(self, value: str) -> EscposBuilder:
        """Text without a line feed; control characters other than newline are dropped."""
        if not value.isprintable():
            value = "".join(c for c in value if c == "\n" or unicodedata.category(c) != "Cc")
        # Whole runs in the current code page at once; only a letter it lacks goes one by one
        # (the same bytes as encoding every character alone, a fraction of the time).
        while value:
            codec = CODEPAGES[self._current][1]
            try:
                self._out += value.encode(codec)
                break
            except UnicodeEncodeError as exc:
                self._out += value[: exc.start].encode(codec)
                self._out += self._encode_char(value[exc.start])
                value = value[exc.start + 1 :]
        return self

    def line(self, value: str = "") -> EscposBuilder:
        return self.text(value + "\n")

    def align(self, how: Align) -> EscposBuilder:
        self._out += ESC + b"a" + bytes([{"left": 0, "center": 1, "right": 2}[how]])
        return self

    def bold(self, on: bool = True) -> EscposBuilder:
        self._out += ESC + b"E" + bytes([1 if on else 0])
        return self

    def size(self, width: int = 1, height: int = 1) -> EscposBuilder:
        """Character magnification 1…8 in each direction (GS !)."""
        self._out += GS + b"!" + bytes([((width - 1) << 4) | (height - 1)])
        return self

    def rule(self, char: str = "-") -> EscposBuilder:
        return self.line(char * self.columns)

    def feed(self, lines: int = 1) -> EscposBuilder:
        self._out += ESC + b"d" + bytes([lines])
        return self

    def code128(self, data: str, height: int = 80, module: int = 2) -> EscposBuilder:
        """Code128 (code set B) with the human-readable text below; `data` must be printable ASCII."""
        if not data or not all(32 <= ord(c) < 127 for c in data):
            raise ValueError(f"Code128 data must be printable ASCII: {data!r}")
        payload = ("{B" + data.replace("{", "{{")).encode("ascii")
        if len(payload) > 255:
            raise ValueError("Code128 data is too long")
        self._out += GS + b"h" + bytes([height]) + GS + b"w" + bytes([module])
        self._out += GS + b"H" + b"\x02" + GS + b"k" + bytes([73, len(payload)]) + payload
        self._out += b"\n"
        return self

    def qr(
        self, data: str, module: int = 6, ec: Literal["L", "M", "Q", "H"] = "M"
    ) -> EscposBuilder:
        """A native QR code (GS ( k, model 2); the printer draws it."""
        body = data.encode("utf-8")
        if len(body) > 7000:
            raise ValueError("QR data is too long")

        def fn(*parts: int | bytes) -> bytes:
            raw = b"".join(bytes([p]) if isinstance(p, int) else p for p in parts)
            return GS + b"(k" + len(raw).to_bytes(2, "little") + raw

        self._out += fn(0x31, 0x41, 0x32, 0x00)  # model 2
        self._out += fn(0x31, 0x43, module)
        self._out += fn(0x31, 0x45, {"L": 48, "M": 49, "Q": 50, "H": 51}[ec])
        self._out += fn(0x31, 0x50, 0x30, body)
        self._out += fn(0x31, 0x51, 0x30)
        self._out += b"\n"
        return self

    def image(self, picture: Image.Image, band: int = 512) -> EscposBuilder:
        """A black-and-white raster image (GS v 0), sent in bands printers can buffer."""
        from PIL import Image

        mono = (
            picture
            if picture.mode == "1"
            else picture.convert("L").point(lambda v: 255 if v > 127 else 0, mode="1")
        )
        if mono.width > self.dots:
            height = max(1, round(mono.height * self.dots / mono.width))
            mono = mono.resize((self.dots, height))
        width_bytes = (mono.width + 7) // 8
        padded = Image.new("1", (width_bytes * 8, mono.height), 1)
        padded.paste(mono, (0, 0))
        # PIL "1": bit 1 = white; ESC/POS: bit 1 = black.
        data = bytes(0xFF ^ b for b in padded.tobytes())
        for top in range(0, mono.height, band):
            rows = min(band, mono.height - top)
            chunk = data[top * width_bytes : (top + rows) * width_bytes]
            self._out += GS + b"v0\x00" + width_bytes.to_bytes(2, "little")
            self._out += rows.to_bytes(2, "little") + chunk
        return self

    def cut(self) -> EscposBuilder:
        """Feed past the tear bar and cut partially (GS V 66 n)."""
        self._out += GS + b"V" + bytes([66, 3])
        return self


# Real-time status (DLE EOT n): printer, offline cause, roll paper sensor.
STATUS_QUERY = DLE + b"\x04\x01" + DLE + b"\x04\x02" + DLE + b"\x04\x04"
