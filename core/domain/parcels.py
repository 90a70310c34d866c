"""What a parcel weighs, without a database: articles plus the box, or what the scale said.

The label job and the desk compute the same sum (`weigh`); the desk also keeps what the packer
weighed per box (`DeskParcels`), and that weight goes to the carrier and onto the label instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.domain.errors import DomainError

MAX_PARCEL_G = 70_000  # more than any parcel carrier takes; anything above is a typing slip
_WEIGHT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(g|kg)?$", re.IGNORECASE)


@dataclass(frozen=True)
class ParcelWeight:
    grams: int  # articles + packaging; 0 when an article weight is missing
    articles_g: int
    packaging_g: int
    missing: tuple[str, ...] = ()  # SKUs without a weight

    @property
    def known(self) -> bool:
        return not self.missing

    def sentence(self) -> str:
        if self.known:
            return f"{self.grams} g ({self.articles_g} g goods + {self.packaging_g} g packaging)"
        return (
            "No weight for article(s) " + ", ".join(self.missing) + " — weigh the parcel at the "
            "desk, or set the article weight, then retry the label."
        )


@dataclass(frozen=True)
class LineWeight:
    """One order line's article: its SKU and what one piece weighs (0: nobody weighed it)."""

    sku: str
    grams: int


def weigh(
    lines: Mapping[int, int], weights: Mapping[int, LineWeight], packaging: int = 0
) -> ParcelWeight:
    """The weight of order lines `lines` (line id → quantity) in a box of `packaging` g."""
    unknown = LineWeight("", 0)
    missing = sorted(
        {weights.get(i, unknown).sku or str(i) for i in lines if not weights.get(i, unknown).grams}
    )
    goods = sum(weights.get(i, unknown).grams * q for i, q in lines.items())
    if missing:
        return ParcelWeight(0, goods, packaging, tuple(missing))
    return ParcelWeight(goods + packaging, goods, packaging)


def parse_grams(text: str) -> int:
    """What a packer types from the scale: "850", "850 g", "1,2 kg", "1.25kg" → grams."""
    match = _WEIGHT.match(text.strip())
    if match is None:
        raise DomainError(
            f"{text.strip()[:20]!r} is not a weight — type grams (850) or kg (1,2 kg)."
        )
    value = float(match.group(1).replace(",", "."))
    unit = (match.group(2) or "").lower()
    if unit == "kg" or (not unit and ("," in match.group(1) or "." in match.group(1))):
        value *= 1000  # a decimal without a unit is kilograms: nobody weighs half grams
    grams = round(value)
    if not 0 < grams <= MAX_PARCEL_G:
        raise DomainError(f"{grams} g cannot be right for a parcel — weigh it again.")
    return grams


@dataclass
class DeskParcels:
    """The boxes on the desk: their computed weights, and what the scale said for some of them."""

    weights: Mapping[int, LineWeight]
    packaging: int = 0
    weighed: dict[int, int] = field(default_factory=dict)  # box index (in progress()) → grams

    def weigh_box(self, index: int, grams: int) -> None:
        self.weighed[index] = grams

    def shown(self, boxes: list[dict[int, int]]) -> list[tuple[int, ParcelWeight, int | None]]:
        """(box number, computed weight, weighed grams or None) for every non-empty box."""
        return [
            (n, weigh(box, self.weights, self.packaging), self.weighed.get(i))
            for n, (i, box) in enumerate(((i, b) for i, b in enumerate(boxes) if b), 1)
        ]

    def for_completion(self, boxes: list[dict[int, int]]) -> list[int]:
        """One weight per shipped box (order of `packages()`): weighed grams, or 0 (computed later)."""
        return [self.weighed.get(i, 0) for i, box in enumerate(boxes) if box]
