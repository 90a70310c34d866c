"""Gift messages: read from Amazon (v0 with the restricted data token, and 2026-01-01), kept
sealed with the buyer's data, and printed on the delivery note that goes into the parcel."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.config import CompanySettings
from core.documents.content import build_content
from core.domain.documents import DocumentKind
from core.persistence.models import OrderRow
from core.persistence.repositories import load_order
from tests.amazon.support import wired

pytestmark = pytest.mark.network
COMPANY = CompanySettings(name="Muster GmbH", street="Hafenstraße 1", postcode="20457",
                          city="Hamburg", vat_id="DE123456789")  # fmt: skip


@pytest.mark.parametrize("orders_api", ["v0", "2026-01-01"])
async def test_gift_messages_are_kept_sealed_and_printed_on_the_delivery_note(
    db, box, emu, orders_api
):
    async with wired(emu, box, orders_api=orders_api) as w:
        await w.worker.run_once()
    rows = {r.external_id: r for r in await OrderRow.all()}
    gifts = {
        o.order_id: [i.gift_message for i in o.items if i.gift_message]
        for o in emu.state.orders.values()
        if o.order_id in rows and any(i.gift_message for i in o.items)
    }
    assert gifts, "the emulator's seed has gift orders among those imported"
    for external_id, messages in gifts.items():
        row = rows[external_id]
        for message in messages:
            assert message not in row.personal_sealed  # sealed, like the address
        order = await load_order(row.id, box)
        assert [ln.gift_message for ln in order.lines if ln.gift_message] == messages
        note = build_content(
            order, DocumentKind.DELIVERY_NOTE, "LS-1", datetime.now(UTC), COMPANY, language="de"
        )
        assert [n for n in note["notes"] if n.startswith("Geschenknachricht: ")] == [
            f"Geschenknachricht: {m}" for m in dict.fromkeys(messages)
        ]
    # without the key (lists, queues) nothing of it is opened
    plain = await load_order(rows[next(iter(gifts))].id, None)
    assert not any(ln.gift_message for ln in plain.lines)
