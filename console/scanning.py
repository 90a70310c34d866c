"""What a scanner sent, decoded: GS1 application identifiers, check digits, FNSKUs, keyboard layouts.

Pure functions, no Textual: the scan field calls `decode` for every code and the packing screen
decides what the code means for the order on the desk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from core.domain.catalog import is_valid_gtin, normalize_code
from core.domain.desk import MAX_SCAN_LENGTH

GS = "\x1d"  # GS1 FNC1 as scanners send it (ASCII group separator)
SYMBOLOGY_PREFIXES = ("]C1", "]d2", "]Q3", "]e0", "]J1")  # AIM ids some scanners put first

# GS1 application identifiers with a fixed data length (without the AI itself).
_FIXED = {
    "00": 18, "01": 14, "02": 14, "03": 14, "04": 16,
    "11": 6, "12": 6, "13": 6, "15": 6, "16": 6, "17": 6, "20": 2,
    "410": 13, "411": 13, "412": 13, "413": 13, "414": 13, "415": 13, "416": 13,
}  # fmt: skip
_VARIABLE_2 = {"10", "21", "22", "30", "37", "90", "91", "92", "93", "94", "95", "96", "97", "98"}
_VARIABLE_3 = {"240", "241", "242", "250", "251", "253", "254", "400", "401", "402", "403"}

# A scanner set to a US layout on a host with a German layout: the host reads the US keys as German
# ones. Received character -> what the label really says.
_DE_AS_US = str.maketrans(
    {
        "z": "y", "y": "z", "Z": "Y", "Y": "Z", "ß": "-", "-": "/", "ö": ";", "Ö": ":",
        "ü": "[", "Ü": "{", "ä": "'", "Ä": '"', "+": "]", "*": "}", "#": "\\", "'": "|",
        "?": "_", "_": "?", "§": "#", "&": "^", "/": "&", "(": "*", ")": "(", "=": ")",
        "°": "~", ";": "<", ":": ">", '"': "@",
    }
)  # fmt: skip
# Characters a German host produces from a US scanner that never appear on a real label.
_LAYOUT_SIGNS = set("ßöÖüÜäÄ§°")
_ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")


class ScanKind(StrEnum):
    GTIN = "gtin"  # EAN-8/13, UPC-A, GTIN-14 with a good check digit
    GS1 = "gs1"  # GS1-128 / DataMatrix element string
    FNSKU = "fnsku"  # Amazon's X00… label
    ORDER = "order"  # an Amazon order id
    TEXT = "text"  # anything else: SKU, own code, badge, delivery-note number
    BAD_CHECK_DIGIT = "bad_check_digit"
    TOO_LONG = "too_long"  # longer than any barcode: answered without a lookup


@dataclass(frozen=True)
class DecodedScan:
    """One scan: what arrived, the code to look up, and anything the packer should know."""

    raw: str
    code: str
    kind: ScanKind
    elements: dict[str, str] = field(default_factory=dict)  # GS1 AI -> value
    layout_fixed: bool = False  # read through a US->German keyboard mix-up and corrected
    alternates: tuple[str, ...] = ()  # other readings worth trying if `code` is unknown
    length: int = 0  # characters that arrived (for TOO_LONG: more than `raw` keeps)

    @property
    def ok(self) -> bool:
        return self.kind not in (ScanKind.BAD_CHECK_DIGIT, ScanKind.TOO_LONG) and bool(self.code)


def too_long(raw: str, length: int) -> DecodedScan:
    """Absurd input (a cat on the keyboard, a pasted file): kept short, never looked up."""
    return DecodedScan(raw[:MAX_SCAN_LENGTH], "", ScanKind.TOO_LONG, length=length)


def parse_gs1(data: str) -> dict[str, str]:
    """Split a GS1 element string into application identifiers. Raises ValueError if malformed."""
    out: dict[str, str] = {}
    i = 0
    while i < len(data):
        if data[i] == GS:
            i += 1
            continue
        ai = next(
            (
                a
                for a in (data[i : i + 2], data[i : i + 3], data[i : i + 4])
                if a in _FIXED or a in _VARIABLE_2 or a in _VARIABLE_3
            ),
            None,
        )
        if ai is None and re.fullmatch(r"3[1-6]\d\d", data[i : i + 4]):
            ai = data[i : i + 4]  # measures (weight, length …): always 6 digits
            length: int | None = 6
        else:
            length = _FIXED.get(ai) if ai else None
        if ai is None:
            raise ValueError(f"unknown application identifier at {data[i : i + 4]!r}")
        i += len(ai)
        if length is not None:
            value = data[i : i + length]
            if len(value) != length:
                raise ValueError(f"AI {ai} is too short")
            i += length
        else:
            end = data.find(GS, i)
            end = len(data) if end < 0 else end
            value = data[i:end]
            i = end
        out[ai] = value
    return out


def _looks_gs1(text: str) -> bool:
    """An element string: has a separator, or starts with AI 01 and a valid GTIN-14 and goes on."""
    if GS in text:
        return True
    return len(text) >= 16 and text.startswith("01") and is_valid_gtin(text[2:16])


def fix_layout(text: str) -> str:
    """Undo a US-layout scanner typed into a German-layout terminal."""
    return text.translate(_DE_AS_US)


def decode(raw: str) -> DecodedScan:
    """Decode one scan as it arrived (terminator already removed)."""
    if len(raw) > MAX_SCAN_LENGTH:
        return too_long(raw, len(raw))
    text = raw.strip(" \r\n\t")
    for prefix in SYMBOLOGY_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    layout_fixed = False
    if _LAYOUT_SIGNS & set(text):
        text = fix_layout(text)
        layout_fixed = True
    if _looks_gs1(text):
        try:
            elements = parse_gs1(text)
        except ValueError:
            elements = {}
        gtin = elements.get("01") or elements.get("02")
        if gtin:
            if not is_valid_gtin(gtin):
                return DecodedScan(raw, gtin, ScanKind.BAD_CHECK_DIGIT, elements, layout_fixed)
            return DecodedScan(raw, normalize_code(gtin), ScanKind.GS1, elements, layout_fixed)
        text = text.replace(GS, "")
    upper = text.upper()
    if upper.isdigit() and len(upper) in (8, 12, 13, 14):
        if not is_valid_gtin(upper):
            return DecodedScan(raw, upper, ScanKind.BAD_CHECK_DIGIT, layout_fixed=layout_fixed)
        return DecodedScan(raw, normalize_code(upper), ScanKind.GTIN, layout_fixed=layout_fixed)
    if len(upper) == 10 and upper.startswith("X0") and upper.isalnum():
        return DecodedScan(raw, upper, ScanKind.FNSKU, layout_fixed=layout_fixed)
    if _ORDER_ID.match(text):
        return DecodedScan(raw, text, ScanKind.ORDER, layout_fixed=layout_fixed)
    alternates: tuple[str, ...] = ()
    if not layout_fixed and set("yzYZ") & set(text):
        # A y/z swap alone shows no other sign: worth trying second.
        alternates = (text.translate(str.maketrans("yzYZ", "zyZY")),)
    return DecodedScan(raw, text, ScanKind.TEXT, layout_fixed=layout_fixed, alternates=alternates)


def too_long_answer(scan: DecodedScan) -> str:
    """The one line every screen answers an absurd scan with."""
    from console.i18n import _

    return _(
        "That was {n} characters — no barcode is that long. Nothing was looked up; scan again."
    ).format(n=f"{scan.length:,}")


def split_pasted(text: str) -> list[str]:
    """A pasted block of codes: one scan per line (CR, LF or CRLF), blank lines dropped."""
    return [line.strip() for line in re.split(r"\r\n|\r|\n", text) if line.strip()]
