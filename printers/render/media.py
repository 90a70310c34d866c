"""Label media as printers declare it (`label_size = "103x199mm"`, `"4x6in"`), in dots per dpi."""

from __future__ import annotations

import re
from dataclasses import dataclass

SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*x\s*(\d+(?:\.\d+)?)\s*(mm|in)\s*$", re.IGNORECASE)
# A label rendered for the media may come out a dot or two larger from rounding: still 1:1.
TOLERANCE_DOTS = 2
# Pictures a printer job may carry; here, not beside the decoder, so naming them loads no imaging.
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/bmp")


@dataclass(frozen=True)
class Media:
    width_mm: float
    height_mm: float

    def dots(self, dpi: int) -> tuple[int, int]:
        return round(self.width_mm / 25.4 * dpi), round(self.height_mm / 25.4 * dpi)

    def fits(self, size: tuple[int, int], dpi: int) -> bool:
        width, height = self.dots(dpi)
        return size[0] <= width + TOLERANCE_DOTS and size[1] <= height + TOLERANCE_DOTS

    def __str__(self) -> str:
        return f"{self.width_mm:g} × {self.height_mm:g} mm"


def parse_label_size(text: str) -> Media:
    """ "103x199mm" → Media(103, 199); "4x6in" → Media(101.6, 152.4)."""
    m = SIZE.match(text)
    if m is None:
        raise ValueError(
            f'label_size {text!r} is not a size; write it like "103x199mm" or "4x6in".'
        )
    factor = 25.4 if m[3].lower() == "in" else 1.0
    return Media(round(float(m[1]) * factor, 1), round(float(m[2]) * factor, 1))


def size_mm(size: tuple[int, int], dpi: int) -> str:
    return f"{size[0] / dpi * 25.4:.0f} × {size[1] / dpi * 25.4:.0f} mm"
