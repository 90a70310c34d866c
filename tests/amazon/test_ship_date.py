"""The confirmation tells Amazon when the goods left: the shipment's ship time when one was
recorded after the fact (a 3PL's file), else when the shipment was made at the desk."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from core.config import CompanySettings
from core.persistence.models import OrderLineRow, OrderRow, ShipmentRow
from core.services.claim import claim_order
from core.services.completion import PackedBox, complete_packing
from core.services.setup import ensure_basics
from tests.amazon.support import wired

pytestmark = pytest.mark.network
COMPANY = CompanySettings(
    name="Muster GmbH", street="Hafenstraße 1", postcode="20457", city="Hamburg", vat_id="DE1"
)


def _iso(value) -> str:  # type: ignore[no-untyped-def]
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_confirmation_carries_the_ship_time_when_known(db, box, emu):
    await ensure_basics("desk-1")
    async with wired(emu, box) as w:
        await w.worker.run_once()
        late, desk = await OrderRow.filter(channel="MFN", channel_status="Unshipped").limit(2)
        for n, order in enumerate((late, desk), start=1):
            lines = {ln.id: ln.quantity for ln in await OrderLineRow.filter(order_id=order.id)}
            await claim_order(order.id, "desk-1", "anna")
            await complete_packing(
                order.id,
                [PackedBox(lines, tracking_number=f"0034043416109400000{n}", carrier_code="DHL")],
                station="desk-1",
                packer="anna",
                company=COMPANY,
                box=box,
            )
        recorded = await ShipmentRow.get(order_id=late.id)
        left = recorded.created_at - timedelta(hours=3)
        await ShipmentRow.filter(id=recorded.id).update(shipped_at=left)
        await w.worker.run_once()
    sent = {c["order_id"]: c for c in emu.state.confirmations}
    assert sent[late.external_id]["ship_date"] == _iso(left)
    made = await ShipmentRow.get(order_id=desk.id)
    assert made.shipped_at is None
    assert sent[desk.external_id]["ship_date"] == _iso(made.created_at)
