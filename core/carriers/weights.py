"""What a parcel weighs: its articles plus the box, or the name of every article nobody weighed.

A carrier bills (and DHL's Warenpost refuses) by weight, so a guess is worse than a question: an
article without a weight is named and the packer weighs the parcel or the article is fixed. The
packaging per box type comes from the config (``[packaging]``); the desk shows the sum before the
parcel is closed and may overwrite it with what the scale says.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.config import PackagingSettings
from core.domain.parcels import LineWeight, ParcelWeight, weigh
from core.persistence.models import ArticleRow, OrderLineRow


def packaging_g(settings: PackagingSettings, box_type: str | None = None) -> int:
    """The packaging weight of a box type (the default box when none is named)."""
    name = box_type or settings.default_box
    return settings.boxes.get(name, 0) if name else 0


async def line_weights(line_ids: list[int]) -> dict[int, LineWeight]:
    """Order line id → its article's SKU and weight per piece (0 where nobody weighed it)."""
    skus = dict(await OrderLineRow.filter(id__in=line_ids).values_list("id", "sku"))
    grams = dict(await ArticleRow.filter(sku__in=set(skus.values())).values_list("sku", "weight_g"))
    return {i: LineWeight(sku, int(grams.get(sku) or 0)) for i, sku in skus.items()}


async def parcel_weight(lines: Mapping[int, int], packaging: int = 0) -> ParcelWeight:
    """The weight of the order lines `lines` (order line id → quantity) in a box of `packaging` g."""
    return weigh(lines, await line_weights(list(lines)), packaging)


__all__ = ["LineWeight", "ParcelWeight", "line_weights", "packaging_g", "parcel_weight"]
