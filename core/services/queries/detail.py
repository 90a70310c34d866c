"""One order as the detail screen shows it, and the orders waiting on hold."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from core.persistence.models import OrderRow
from core.persistence.repositories import load_order
from core.security import SecretBox
from core.services.audit import trail
from core.services.queries.orders import OrderSummary, order_extras, summaries


async def order_detail(order_id: int, box: SecretBox) -> dict[str, Any]:
    """The order (buyer opened), its address unless purged, documents, packages and history."""
    order = await load_order(order_id, box)
    extras = await order_extras(order_id)
    events = await trail(f"order:{order_id}", limit=50)
    return {
        "order": order,
        "ship_to": None if order.personal_data_purged else asdict(order.ship_to),
        **extras,
        "audit": events,
    }


async def holds() -> list[OrderSummary]:
    rows = await OrderRow.filter(status="on_hold").order_by("latest_ship_at", "id").limit(500)
    return await summaries(rows)


async def hold_reasons(order_ids: list[int]) -> dict[int, str]:
    rows = await OrderRow.filter(id__in=order_ids).only("id", "hold_reason")
    return {r.id: r.hold_reason for r in rows}
