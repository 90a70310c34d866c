"""The desk's stored progress: what one station has scanned of the order it has claimed.

Saved after every scan (the console coalesces them) and read back when the desk resumes its claim,
so counts survive a crash, a dropped SSH link or a packer switch. Only the claiming station can
write it; releasing, holding or shipping the order clears it.
"""

from __future__ import annotations

from typing import Any

from core.persistence.models import OrderRow


def _encode(packages: list[dict[int, int]]) -> dict[str, Any]:
    return {"packages": [{str(k): v for k, v in p.items()} for p in packages]}


def decode_progress(stored: Any) -> list[dict[int, int]] | None:
    """The boxes stored with a claim, or None when there is nothing (or nothing readable)."""
    try:
        boxes = stored["packages"]
        return [{int(k): int(v) for k, v in p.items()} for p in boxes]
    except (TypeError, KeyError, ValueError, AttributeError):
        return None


async def save_progress(order_id: int, station: str, packages: list[dict[int, int]]) -> bool:
    """Store the boxes of a claimed order; False if this station no longer holds the claim."""
    updated = await OrderRow.filter(id=order_id, status="packing", claimed_by=station).update(
        pack_progress=_encode(packages)
    )
    return bool(updated)


async def stored_progress(order_id: int, station: str) -> list[dict[int, int]] | None:
    row = await OrderRow.filter(id=order_id, claimed_by=station).only("id", "pack_progress").first()
    return decode_progress(row.pack_progress) if row is not None else None


async def clear_progress(order_id: int) -> None:
    await OrderRow.filter(id=order_id).update(pack_progress=None)
