"""No token, secret, buyer name, address or e-mail in any log line, whatever the client does."""

from __future__ import annotations

import logging

import pytest

from core.config import CompanySettings
from core.persistence.models import OrderLineRow, OrderRow
from core.services.claim import claim_order
from core.services.completion import PackedBox, complete_packing
from core.services.setup import ensure_basics
from tests.amazon.support import wired

pytestmark = pytest.mark.network
COMPANY = CompanySettings(
    name="Muster GmbH", street="Hafenstraße 1", postcode="20457", city="Hamburg", vat_id="DE1"
)


async def test_logs_hold_no_secrets_or_personal_data(db, box, emu, caplog):
    caplog.set_level(logging.DEBUG)
    await ensure_basics("desk-1")
    emu.set_faults("429:count=2,500:count=2,expired_token:count=1,truncated:count=1")
    async with wired(emu, box) as w:
        await w.worker.run_once()
        order = await OrderRow.filter(channel="MFN", channel_status="Unshipped").first()
        assert order is not None
        lines = {ln.id: ln.quantity for ln in await OrderLineRow.filter(order_id=order.id)}
        await claim_order(order.id, "desk-1", "anna")
        await complete_packing(
            order.id,
            [PackedBox(lines, tracking_number="TRACK1", carrier_code="DHL")],
            station="desk-1",
            packer="anna",
            company=COMPANY,
            box=box,
        )
        await w.worker.run_once()
        tokens = [c.client.tokens._token for c in w.connectors.values()]
    creds = emu.credentials
    secrets = [creds["client_secret"], *(a["refresh_token"] for a in creds["accounts"]), *tokens]
    personal = []
    for o in emu.state.orders.values():
        personal += [o.buyer_name, o.buyer_email, o.address.name, o.address.line1]
        if o.address.phone:
            personal.append(o.address.phone)
    # The database drivers print SQL parameters at DEBUG (document content included): that is
    # their debug switch, not a log of ours. Everything else is checked at every level.
    drivers = ("aiosqlite", "tortoise", "asyncpg")
    text = "\n".join(
        caplog.handler.format(r)
        for r in caplog.records
        if r.levelno >= logging.INFO or not r.name.startswith(drivers)
    )
    assert "confirmShipment" in text or "searchOrders" in text  # the client did log
    leaked = [s for s in secrets + personal if s and s in text]
    assert leaked == []
