"""What carriers need to know of an article: its weight, and for customs its HS code and origin."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.carriers.dhl.products import ALPHA3
from core.errors import NotFound, UserInputError
from core.persistence.models import ArticleRow

HS_CODE = re.compile(r"\d{6,11}")


@dataclass(frozen=True)
class ShippingFacts:
    """An article's facts as a carrier's label and customs form take them, after a change."""

    sku: str
    weight_g: int
    hs_code: str
    origin_country: str


async def set_shipping_facts(
    sku: str,
    *,
    weight_g: int | None = None,
    hs_code: str | None = None,
    origin: str | None = None,
) -> ShippingFacts:
    """Change the given facts of one article; each is checked before anything is stored."""
    row = await ArticleRow.get_or_none(sku=sku)
    if row is None:
        raise NotFound(f"No article with SKU {sku!r}.")
    changes: dict[str, object] = {}
    if weight_g is not None:
        if weight_g <= 0 or weight_g > 31_500:
            raise UserInputError("--weight: grams between 1 and 31500 (what one piece weighs).")
        changes["weight_g"] = weight_g
    if hs_code is not None:
        clean = hs_code.replace(" ", "").replace(".", "")
        if not HS_CODE.fullmatch(clean):
            raise UserInputError(f"--hs-code {hs_code!r}: 6 to 11 digits (customs tariff number).")
        changes["hs_code"] = clean
    if origin is not None:
        code = origin.strip().upper()
        if code not in ALPHA3:
            raise UserInputError(f"--origin {origin!r}: a two-letter country code, e.g. DE or CN.")
        changes["origin_country"] = code
    if changes:
        await ArticleRow.filter(id=row.id).update(**changes)
    row = await ArticleRow.get(id=row.id)
    return ShippingFacts(row.sku, row.weight_g, row.hs_code, row.origin_country)
