"""Deactivating a packer signs them out at every desk (local, SSH, browser) and frees their orders."""

from __future__ import annotations

import pytest

from console.backend import StationBackend
from core.config import Settings
from core.errors import ConflictError
from core.persistence.models import OrderRow
from core.security import SecretBox
from core.services import people, sessions
from core.services.claim import claim_order
from core.services.intake import upsert_orders
from tests.support.factories import make_account, make_order


async def test_deactivation_ends_every_session_and_releases_claims(db, box):
    acc = await make_account()
    await upsert_orders(acc, [make_order("D-1", account_id=acc)], box)
    order_id = (await OrderRow.get(external_id="D-1")).id
    await people.add_packer("anna", "B-ANNA")
    desks = []
    for kind, station in (("local", "desk-1"), ("ssh", "ssh-anna"), ("web", "web-1")):
        backend = StationBackend(Settings(station=station), SecretBox(SecretBox.generate_key()))
        backend.session_kind = kind
        await backend.start_session("anna")
        desks.append(backend)
    await claim_order(order_id, "ssh-anna", "anna")
    with pytest.raises(ConflictError):  # another desk is locked out while anna has it
        await claim_order(order_id, "desk-2", "ben")
    assert all([await d.session_open() for d in desks])

    result = await people.deactivate("anna", actor="cli")

    assert result.sessions_ended == 3 and result.orders_released == [order_id]
    assert not any([await d.session_open() for d in desks])
    assert await sessions.open_sessions("anna") == []
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.claimed_by) == ("open", "")
    await claim_order(order_id, "desk-2", "ben")  # at once, not after the 30-minute timeout
