"""What a parcel weighs: its articles plus the box, or the name of every article nobody weighed.

A carrier bills (and DHL's Warenpost refuses) by weight, so a guess is worse than a question: an
article without a weight is named and the packer weighs the parcel or the article is fixed. The
packaging per box type comes from the config (``[packaging]``); the desk shows the sum before the
parcel is closed and may overwrite it with what the scale says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.config import PackagingSettings
from core.persistence.models import ArticleRow, OrderLineRow


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


def packaging_g(settings: PackagingSettings, box_type: str | None = None) -> int:
    """The packaging weight of a box type (the default box when none is named)."""
    name = box_type or settings.default_box
    return settings.boxes.get(name, 0) if name else 0


async def parcel_weight(lines: Mapping[int, int], packaging: int = 0) -> ParcelWeight:
    """The weight of the order lines `lines` (order line id → quantity) in a box of `packaging` g."""
    skus = dict(await OrderLineRow.filter(id__in=list(lines)).values_list("id", "sku"))
    weights = dict(
        await ArticleRow.filter(sku__in=set(skus.values())).values_list("sku", "weight_g")
    )
    missing = sorted({skus[i] for i in lines if not weights.get(skus.get(i, ""), 0)})
    goods = sum(int(weights.get(skus.get(i, ""), 0) or 0) * q for i, q in lines.items())
    if missing:
        return ParcelWeight(0, goods, packaging, tuple(missing))
    return ParcelWeight(goods + packaging, goods, packaging)
