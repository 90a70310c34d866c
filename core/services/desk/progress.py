"""The desk's stored progress: what one station has scanned of the order it has claimed.

Saved after every scan and every weight (the console coalesces them) and read back when the desk
resumes its claim, so counts, boxes and the boxes' weighed grams survive a crash, a dropped SSH
link, a sign-out or a packer switch. Only the claiming station can write it; releasing, holding or
shipping the order clears it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.persistence.models import OrderRow


@dataclass(frozen=True)
class StoredProgress:
    """The boxes (line id → pieces) and what the scale said per box (index in `boxes` → g)."""

    boxes: list[dict[int, int]]
    weighed: dict[int, int] = field(default_factory=dict)

    @property
    def items_packed(self) -> int:
        return sum(sum(box.values()) for box in self.boxes)


def _encode(packages: list[dict[int, int]], weighed: Mapping[int, int]) -> dict[str, Any]:
    return {
        "packages": [{str(k): v for k, v in p.items()} for p in packages],
        "weighed": {str(i): g for i, g in weighed.items()},
    }


def decode_progress(stored: Any) -> StoredProgress | None:
    """The boxes stored with a claim, or None when there is nothing (or nothing readable)."""
    try:
        boxes = [{int(k): int(v) for k, v in p.items()} for p in stored["packages"]]
        weighed = {int(i): int(g) for i, g in (stored.get("weighed") or {}).items()}
    except (TypeError, KeyError, ValueError, AttributeError):
        return None
    # a weight for a box that is not there (an older save) is dropped, never shifted onto another
    return StoredProgress(boxes, {i: g for i, g in weighed.items() if 0 <= i < len(boxes)})


async def save_progress(
    order_id: int,
    station: str,
    packages: list[dict[int, int]],
    weighed: Mapping[int, int] | None = None,
) -> bool:
    """Store the boxes of a claimed order; False if this station no longer holds the claim."""
    updated = await OrderRow.filter(id=order_id, status="packing", claimed_by=station).update(
        pack_progress=_encode(packages, weighed or {})
    )
    return bool(updated)


async def stored_progress(order_id: int, station: str) -> StoredProgress | None:
    row = await OrderRow.filter(id=order_id, claimed_by=station).only("id", "pack_progress").first()
    return decode_progress(row.pack_progress) if row is not None else None


async def clear_progress(order_id: int) -> None:
    await OrderRow.filter(id=order_id).update(pack_progress=None)
